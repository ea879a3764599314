package dev.playback.model.snapshot.memory;

import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.snapshot.SnapshotStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Snapshots in memory, keyed as the DynamoDB adapter keys them (processor, logic version, aggregate; version). Thread-safe. */
public final class InMemorySnapshotStore implements SnapshotStore {
    private final Map<List<String>, NavigableMap<Long, Snapshot>> snapshots = new HashMap<>();
    private int puts;

    @Override
    public synchronized void put(Snapshot s) {
        snapshots.computeIfAbsent(List.of(s.processor(), s.logicVersion(), s.aggregateId()), k -> new TreeMap<>()).put(s.version(), s);
        puts++;
    }

    @Override
    public synchronized List<Snapshot> latest(String processor, String logicVersion, String aggregateId, long atMost, int limit) {
        NavigableMap<Long, Snapshot> all = snapshots.getOrDefault(List.of(processor, logicVersion, aggregateId), new TreeMap<>());
        List<Snapshot> out = new ArrayList<>();
        for (Snapshot s : all.headMap(atMost, true).descendingMap().values()) {
            if (out.size() == limit) break;
            out.add(s);
        }
        return out;
    }

    @Override
    public synchronized void delete(String processor, String logicVersion, String aggregateId, long version) {
        NavigableMap<Long, Snapshot> all = snapshots.get(List.of(processor, logicVersion, aggregateId));
        if (all != null) all.remove(version);
    }

    /** How many snapshots were written (a test's count of writes). */
    public synchronized int puts() {
        return puts;
    }
}

package dev.playback.model.store.memory;

import dev.playback.model.replay.PlaybackPublisher;
import dev.playback.model.replay.PlaybackRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The playback stream in memory: {@code shards} shards (by hash of the aggregate id), sequence numbers
 * counting up per stream. Keeps what was put so tests can deliver it to the projection.
 */
public final class InMemoryPlaybackStream implements PlaybackPublisher {
    /** One record as it sits on the stream. */
    public record Entry(String shardId, String sequenceNumber, PlaybackRecord record) {
    }

    private final int shards;
    private final List<Entry> entries = new ArrayList<>();
    private long next = 100_000_000_000_000_000L;

    public InMemoryPlaybackStream(int shards) {
        this.shards = shards;
    }

    public static String shardId(int n) {
        return String.format("shardId-%012d", n);
    }

    @Override
    public int openShards() {
        return shards;
    }

    @Override
    public synchronized Map<String, String> publish(List<PlaybackRecord> records) {
        Map<String, String> highest = new TreeMap<>();
        for (PlaybackRecord r : records) {
            String shard = shardId(Math.floorMod(r.aggregateId().hashCode(), shards));
            String seq = "4959" + (next++) + "0000000000000000000";
            entries.add(new Entry(shard, seq, r));
            highest.put(shard, seq);
        }
        return highest;
    }

    /** Everything put so far, in stream order. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Takes (and forgets) what was put so far. */
    public synchronized List<Entry> drain() {
        List<Entry> out = List.copyOf(entries);
        entries.clear();
        return out;
    }
}

package dev.playback.model.playback;

import dev.playback.model.store.ForwardingStateStore;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The state store's reads, one by one or in bulk; {@code stale} makes the bulk read of remembered states answer an older state. */
final class CountedReads extends ForwardingStateStore {
    final List<String> single = new ArrayList<>();
    final List<Set<String>> recent = new ArrayList<>();
    final List<Set<String>> bulk = new ArrayList<>();
    final Map<String, ProcessorState> stale = new HashMap<>();

    CountedReads(StateStore next) {
        super(next);
    }

    @Override
    public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
        single.add(aggregateId);
        return next.load(processor, generation, aggregateId);
    }

    @Override
    public Map<String, ProcessorState> loadAll(String processor, String generation, Collection<String> ids) {
        bulk.add(new TreeSet<>(ids));
        return next.loadAll(processor, generation, ids);
    }

    @Override
    public Map<String, ProcessorState> loadAllRecent(String processor, String generation, Collection<String> ids) {
        recent.add(new TreeSet<>(ids));
        Map<String, ProcessorState> out = new HashMap<>(next.loadAll(processor, generation, ids));
        out.putAll(stale);
        return out;
    }
}

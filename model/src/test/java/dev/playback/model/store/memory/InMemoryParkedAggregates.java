package dev.playback.model.store.memory;

import dev.playback.model.parking.Parked;
import dev.playback.model.parking.ParkedAggregates;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The parked aggregates in memory, ordered by processor and aggregate like the DynamoDB table. Thread-safe. */
public final class InMemoryParkedAggregates implements ParkedAggregates {
    private final Map<String, Map<String, Parked>> parked = new TreeMap<>();

    @Override
    public synchronized void park(Parked p) {
        parked.computeIfAbsent(p.processor(), k -> new TreeMap<>()).put(p.aggregateId(), p);
    }

    @Override
    public synchronized Set<String> aggregates(String processor) {
        return new LinkedHashSet<>(parked.getOrDefault(processor, Map.of()).keySet());
    }

    @Override
    public synchronized Optional<Parked> find(String processor, String aggregateId) {
        return Optional.ofNullable(parked.getOrDefault(processor, Map.of()).get(aggregateId));
    }

    @Override
    public synchronized List<Parked> all() {
        List<Parked> all = new ArrayList<>();
        parked.values().forEach(m -> all.addAll(m.values()));
        return all;
    }

    @Override
    public synchronized boolean remove(String processor, String aggregateId) {
        Map<String, Parked> of = parked.get(processor);
        return of != null && of.remove(aggregateId) != null;
    }
}

package dev.playback.model.store.memory;

import dev.playback.model.processor.ProcessorState;
import dev.playback.model.store.Generations;
import dev.playback.model.store.StateStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The data store in memory, with the same optimistic saves and conditional switches as the DynamoDB one. */
public final class InMemoryStateStore implements StateStore {
    private record Key(String processor, String generation, String aggregateId) {
    }

    private final Map<Key, ProcessorState> states = new ConcurrentHashMap<>();
    private final Map<String, Generations> controls = new ConcurrentHashMap<>();

    @Override
    public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
        return Optional.ofNullable(states.get(new Key(processor, generation, aggregateId)));
    }

    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        Key key = new Key(state.processor(), state.generation(), state.aggregateId());
        boolean[] saved = {false};
        states.compute(key, (k, stored) -> {
            long storedVersion = stored == null ? 0 : stored.version();
            boolean matches = expectedVersion == 0 ? stored == null : stored != null && storedVersion == expectedVersion;
            if (!matches) return stored;
            saved[0] = true;
            return new ProcessorState(state.processor(), state.generation(), state.aggregateId(), state.version(),
                    state.state().deepCopy());
        });
        return saved[0];
    }

    @Override
    public String activeGeneration(String processor, String defaultGeneration) {
        Generations g = controls.get(processor);
        return g == null ? defaultGeneration : g.active();
    }

    @Override
    public Generations generations(String processor) {
        return controls.getOrDefault(processor, Generations.initial());
    }

    @Override
    public void startBuilding(String processor, String generation) {
        controls.compute(processor, (p, g) -> {
            Generations c = g == null ? Generations.initial() : g;
            Set<String> building = new HashSet<>(c.building());
            building.add(generation);
            return new Generations(c.active(), c.previous(), building);
        });
    }

    @Override
    public void stopBuilding(String processor, String generation) {
        controls.computeIfPresent(processor, (p, c) -> {
            Set<String> building = new HashSet<>(c.building());
            building.remove(generation);
            return new Generations(c.active(), c.previous(), building);
        });
    }

    @Override
    public boolean activate(String processor, String expectedActive, String generation) {
        boolean[] done = {false};
        controls.compute(processor, (p, g) -> {
            Generations c = g == null ? Generations.initial() : g;
            if (!c.active().equals(expectedActive)) return g;
            Set<String> building = new HashSet<>(c.building());
            building.remove(generation);
            done[0] = true;
            return new Generations(generation, expectedActive, building);
        });
        return done[0];
    }

    @Override
    public void discard(String processor, String generation) {
        states.keySet().removeIf(k -> k.processor().equals(processor) && k.generation().equals(generation));
    }

    @Override
    public void forEach(String processor, String generation, Consumer<ProcessorState> action) {
        List<ProcessorState> matching = new ArrayList<>();
        states.forEach((k, v) -> {
            if (k.processor().equals(processor) && k.generation().equals(generation)) matching.add(v);
        });
        matching.forEach(action);
    }

    /** Serves {@code processor}'s reads from {@code generation} at once, unconditionally (test set-up). */
    public void activate(String processor, String generation) {
        controls.compute(processor, (p, g) -> {
            Generations c = g == null ? Generations.initial() : g;
            return new Generations(generation, c.previous(), c.building());
        });
    }

    /** Number of stored states of all processors and generations. */
    public int size() {
        return states.size();
    }
}

package dev.playback.model.store.memory;

import dev.playback.model.store.ProcessorState;
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
    /** The token of each stored state: a new one with every save, like the DynamoDB store's. */
    private final Map<Key, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, Generations> controls = new ConcurrentHashMap<>();

    @Override
    public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
        return Optional.ofNullable(states.get(new Key(processor, generation, aggregateId)));
    }

    @Override
    public Optional<Revision> loadRevision(String processor, String generation, String aggregateId) {
        Key key = new Key(processor, generation, aggregateId);
        synchronized (states) {
            ProcessorState s = states.get(key);
            return s == null ? Optional.empty() : Optional.of(new Revision(s, tokens.get(key)));
        }
    }

    @Override
    public Map<String, Revision> loadAllRevisions(String processor, String generation, java.util.Collection<String> aggregateIds) {
        Map<String, Revision> out = new java.util.HashMap<>();
        for (String id : aggregateIds) loadRevision(processor, generation, id).ifPresent(r -> out.put(id, r));
        return out;
    }

    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        return saveRevision(state, expectedVersion, null).isPresent();
    }

    @Override
    public Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
        Key key = new Key(state.processor(), state.generation(), state.aggregateId());
        synchronized (states) {
            ProcessorState stored = states.get(key);
            boolean matches = expectedVersion == 0 ? stored == null
                    : stored != null && stored.version() == expectedVersion
                    && (expectedToken == null || expectedToken.equals(tokens.get(key)));
            if (!matches) return Optional.empty();
            ProcessorState copy = new ProcessorState(state.processor(), state.generation(), state.aggregateId(), state.version(),
                    state.state().deepCopy());
            String token = java.util.UUID.randomUUID().toString();
            states.put(key, copy);
            tokens.put(key, token);
            return Optional.of(new Revision(copy, token));
        }
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
        synchronized (states) {
            states.keySet().removeIf(k -> k.processor().equals(processor) && k.generation().equals(generation));
            tokens.keySet().removeIf(k -> k.processor().equals(processor) && k.generation().equals(generation));
        }
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

package dev.playback.model.store.memory;

import dev.playback.model.processor.ProcessorState;
import dev.playback.model.store.StateStore;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The data store in memory, with the same optimistic save as the DynamoDB one. */
public final class InMemoryStateStore implements StateStore {
    private record Key(String processor, String generation, String aggregateId) {
    }

    private final Map<Key, ProcessorState> states = new ConcurrentHashMap<>();
    private final Map<String, String> active = new ConcurrentHashMap<>();

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
        return active.getOrDefault(processor, defaultGeneration);
    }

    /** Serves {@code processor}'s reads from {@code generation} (what a rebuild's switch does). */
    public void activate(String processor, String generation) {
        active.put(processor, generation);
    }
}

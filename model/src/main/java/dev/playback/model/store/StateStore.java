package dev.playback.model.store;

import dev.playback.model.processor.ProcessorState;

import java.util.Optional;

/** Port: the data store holding processors' derived state. */
public interface StateStore {
    Optional<ProcessorState> load(String processor, String generation, String aggregateId);

    /**
     * Writes {@code state} if the stored version is still {@code expectedVersion} (0 = absent).
     * Returns false when another writer got there first; nothing is written then.
     */
    boolean save(ProcessorState state, long expectedVersion);

    /** The generation reads are served from, or {@code defaultGeneration} when none was set. */
    String activeGeneration(String processor, String defaultGeneration);
}

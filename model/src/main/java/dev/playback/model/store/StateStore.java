package dev.playback.model.store;

import dev.playback.model.processor.ProcessorState;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Port: the data store holding processors' derived state, by generation. Each processor has a control
 * record naming its active, previous and building generations ({@link Generations}).
 */
public interface StateStore {
    Optional<ProcessorState> load(String processor, String generation, String aggregateId);

    /** The stored states of several aggregates at once; aggregates without state are absent. */
    default java.util.Map<String, ProcessorState> loadAll(String processor, String generation, java.util.Collection<String> aggregateIds) {
        java.util.Map<String, ProcessorState> out = new java.util.HashMap<>();
        for (String id : aggregateIds) load(processor, generation, id).ifPresent(s -> out.put(id, s));
        return out;
    }

    /**
     * Writes {@code state} if the stored version is still {@code expectedVersion} (0 = absent).
     * Returns false when another writer got there first; nothing is written then.
     */
    boolean save(ProcessorState state, long expectedVersion);

    /** The generation reads are served from, or {@code defaultGeneration} when none was set. */
    String activeGeneration(String processor, String defaultGeneration);

    /** The processor's generations; {@link Generations#initial()} when none was ever recorded. */
    Generations generations(String processor);

    /** Registers {@code generation} as building: live events are applied to it from now on. */
    void startBuilding(String processor, String generation);

    /** Unregisters a building generation (its state stays until {@link #discard}). */
    void stopBuilding(String processor, String generation);

    /**
     * Makes {@code generation} active in one conditional write, if the active generation is still
     * {@code expectedActive}: the old active becomes {@code previous}, {@code generation} stops building.
     * Returns false (and changes nothing) when the active generation moved meanwhile.
     */
    boolean activate(String processor, String expectedActive, String generation);

    /** Deletes every state of {@code generation} of the processor. */
    void discard(String processor, String generation);

    /** Every stored state of one generation of one processor, in no particular order. */
    void forEach(String processor, String generation, Consumer<ProcessorState> action);
}

package dev.playback.model.store;


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

    /**
     * The size in bytes of the item a save of {@code state} writes, as the store counts it against its item limit
     * ({@link StateSizeGuard}). By default the state's JSON in UTF-8; a store whose items carry more overrides it.
     */
    default long itemBytes(ProcessorState state) {
        return state.state().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /**
     * {@link #loadAll}, except that a store may answer states it remembers from earlier reads and writes
     * instead of reading them: they can be stale (another writer wrote since; never newer than the stored
     * ones, unless a generation was discarded). Only for callers whose saves are conditional on what they
     * read, and that read again when a state is behind what they expected ({@link CachedStateStore}).
     */
    default java.util.Map<String, ProcessorState> loadAllRecent(String processor, String generation, java.util.Collection<String> aggregateIds) {
        return loadAll(processor, generation, aggregateIds);
    }

    /**
     * A stored state with the token of the write that stored it. A store that keeps tokens stores a new one
     * with every save, so a state whose token is unchanged is exactly the one read: unlike the version, the
     * token also shows a rewrite at the same version (a rebuild with new logic). {@code token} is null
     * when the store keeps none.
     */
    record Revision(ProcessorState state, String token) {
    }

    /** {@link #load} with the state's token. */
    default Optional<Revision> loadRevision(String processor, String generation, String aggregateId) {
        return load(processor, generation, aggregateId).map(s -> new Revision(s, null));
    }

    /** {@link #loadAll} with the states' tokens. */
    default java.util.Map<String, Revision> loadAllRevisions(String processor, String generation, java.util.Collection<String> aggregateIds) {
        java.util.Map<String, Revision> out = new java.util.HashMap<>();
        loadAll(processor, generation, aggregateIds).forEach((id, s) -> out.put(id, new Revision(s, null)));
        return out;
    }

    /**
     * {@link #save}, also conditional on the stored token being {@code expectedToken} (null: the version
     * alone is checked). Returns what was stored with its new token, or empty when refused.
     */
    default Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
        if (expectedToken != null) throw new UnsupportedOperationException("this state store keeps no tokens");
        return save(state, expectedVersion) ? Optional.of(new Revision(state, null)) : Optional.empty();
    }

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

package dev.playback.model.store;


import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link StateStore} that remembers the states it last read or wrote, with their tokens
 * ({@link StateStore.Revision}), so that a live processor does not read back, batch after batch, the states
 * it wrote itself. Only {@link #loadAllRecent} answers from memory; every other read goes to the store. A
 * state answered from memory may be stale (another container applied later events, or a partial replay
 * rewrote it), and a save over a remembered state is conditional on the stored token still being the
 * remembered one: a stale state is refused like any conflicting write, and the caller reads it again.
 * States without a token are not remembered.
 * At most {@code capacity} states are kept, the least recently used go first.
 */
public final class CachedStateStore extends ForwardingStateStore {
    private record Key(String processor, String generation, String aggregateId) {
        static Key of(ProcessorState s) {
            return new Key(s.processor(), s.generation(), s.aggregateId());
        }
    }

    private final Map<Key, Revision> remembered;

    public CachedStateStore(StateStore next, int capacity) {
        super(next);
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        this.remembered = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Revision> eldest) {
                return size() > capacity;
            }
        };
    }

    private synchronized Revision remembered(Key key) {
        return remembered.get(key);
    }

    private synchronized void remember(Key key, Revision revision) {
        if (revision == null || revision.token() == null) remembered.remove(key);
        else remembered.put(key, revision);
    }

    private synchronized void forget(Key key) {
        remembered.remove(key);
    }

    @Override
    public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
        return loadRevision(processor, generation, aggregateId).map(Revision::state);
    }

    @Override
    public Optional<Revision> loadRevision(String processor, String generation, String aggregateId) {
        Optional<Revision> r = next.loadRevision(processor, generation, aggregateId);
        remember(new Key(processor, generation, aggregateId), r.orElse(null));
        return r;
    }

    @Override
    public Map<String, ProcessorState> loadAll(String processor, String generation, Collection<String> aggregateIds) {
        Map<String, ProcessorState> out = new HashMap<>();
        loadAllRevisions(processor, generation, aggregateIds).forEach((id, r) -> out.put(id, r.state()));
        return out;
    }

    @Override
    public Map<String, Revision> loadAllRevisions(String processor, String generation, Collection<String> aggregateIds) {
        Map<String, Revision> read = next.loadAllRevisions(processor, generation, aggregateIds);
        for (String id : aggregateIds) remember(new Key(processor, generation, id), read.get(id));
        return read;
    }

    /** The remembered states, and the others read from the store; may be stale (see the class comment). */
    @Override
    public Map<String, ProcessorState> loadAllRecent(String processor, String generation, Collection<String> aggregateIds) {
        Map<String, ProcessorState> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String id : aggregateIds) {
            Revision r = remembered(new Key(processor, generation, id));
            if (r != null) out.put(id, r.state());
            else missing.add(id);
        }
        if (!missing.isEmpty()) out.putAll(loadAll(processor, generation, missing));
        return out;
    }

    /** Conditional on the remembered token too when the expected version is the remembered one. */
    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        Revision known = remembered(Key.of(state));
        String token = known != null && known.state().version() == expectedVersion ? known.token() : null;
        return saveRevision(state, expectedVersion, token).isPresent();
    }

    @Override
    public Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
        Key key = Key.of(state);
        Optional<Revision> saved;
        try {
            saved = next.saveRevision(state, expectedVersion, expectedToken);
        } catch (RuntimeException e) {
            forget(key); // written or not: unknown
            throw e;
        }
        remember(key, saved.orElse(null));
        return saved;
    }

    @Override
    public void discard(String processor, String generation) {
        try {
            next.discard(processor, generation);
        } finally {
            synchronized (this) {
                remembered.keySet().removeIf(k -> k.processor().equals(processor) && k.generation().equals(generation));
            }
        }
    }

    @Override
    public void forEach(String processor, String generation, Consumer<ProcessorState> action) {
        next.forEach(processor, generation, action);
    }
}

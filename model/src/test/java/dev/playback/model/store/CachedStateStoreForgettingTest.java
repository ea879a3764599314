package dev.playback.model.store;

import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the cache in front of the state store must forget what it remembers, and what it answers from the store. */
class CachedStateStoreForgettingTest {
    private final InMemoryStateStore stored = new InMemoryStateStore();
    private final AtomicInteger reads = new AtomicInteger();
    private boolean saveTimesOutAfterWriting;
    private final StateStore store = new ForwardingStateStore(stored) {
        @Override
        public Map<String, Revision> loadAllRevisions(String processor, String generation, Collection<String> ids) {
            reads.addAndGet(ids.size());
            return super.loadAllRevisions(processor, generation, ids);
        }

        @Override
        public Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
            Optional<Revision> saved = super.saveRevision(state, expectedVersion, expectedToken);
            if (saveTimesOutAfterWriting) throw new IllegalStateException("timed out (the write went through)");
            return saved;
        }
    };
    private final CachedStateStore cached = new CachedStateStore(store, 10);

    private static ProcessorState state(String generation, String aggregateId, long version, String count) {
        return new ProcessorState("counter", generation, aggregateId, version, json("{\"count\":" + count + "}"));
    }

    private static Map<String, String> counts(Map<String, ProcessorState> states) {
        Map<String, String> out = new java.util.TreeMap<>();
        states.forEach((id, s) -> out.put(id, s.version() + ":" + s.state().path("count").asText()));
        return out;
    }

    @Test
    void aDiscardedGenerationsStatesAreNotServedFromMemory() {
        assertTrue(cached.save(state("g1", "a-1", 1, "5"), 0));
        assertTrue(cached.save(state("g2", "a-1", 1, "7"), 0));

        cached.discard("counter", "g1");

        assertEquals(Map.of(), counts(cached.loadAllRecent("counter", "g1", List.of("a-1"))), "g1 holds nothing any more");
        assertEquals(1, reads.get(), "read from the store");
        assertEquals(Map.of("a-1", "1:7"), counts(cached.loadAllRecent("counter", "g2", List.of("a-1"))), "g2 is still remembered");
        assertEquals(1, reads.get());
    }

    @Test
    void aSaveThatThrewLeavesNoStaleStateOrTokenBehind() {
        assertTrue(cached.save(state("g1", "a-1", 1, "5"), 0));
        saveTimesOutAfterWriting = true;
        assertThrows(IllegalStateException.class, () -> cached.save(state("g1", "a-1", 2, "6"), 1));
        saveTimesOutAfterWriting = false;

        assertEquals(Map.of("a-1", "2:6"), counts(cached.loadAllRecent("counter", "g1", List.of("a-1"))),
                "the state the timed-out save wrote, read from the store, not version 1 from memory");
        assertEquals(1, reads.get());
        assertTrue(cached.save(state("g1", "a-1", 3, "9"), 2), "the next save is conditional on the token read, not on a stale one");
    }

    @Test
    void loadAllRecentAnswersTheRememberedStatesAndTheOnesItHadToReadFromTheStore() {
        assertTrue(stored.save(state("g1", "a-2", 4, "40"), 0));
        assertTrue(cached.save(state("g1", "a-1", 1, "5"), 0));

        Map<String, ProcessorState> states = cached.loadAllRecent("counter", "g1", List.of("a-1", "a-2", "a-3"));

        assertEquals(Map.of("a-1", "1:5", "a-2", "4:40"), counts(states));
        assertEquals(2, reads.get(), "a-2 and a-3 were read; a-1 was remembered");
        assertEquals(Map.of("a-1", "1:5", "a-2", "4:40"), counts(cached.loadAllRecent("counter", "g1", List.of("a-1", "a-2"))));
        assertEquals(2, reads.get(), "a-2 is remembered once read");
    }
    @Test
    void remembersAsManyStatesAsItsCapacity_andForgetsTheLeastRecentlyUsedFirst() {
        CachedStateStore two = new CachedStateStore(store, 2);
        assertTrue(two.save(state("g1", "a-1", 1, "1"), 0));
        assertTrue(two.save(state("g1", "a-2", 1, "2"), 0));

        two.loadAllRecent("counter", "g1", List.of("a-1", "a-2"));
        assertEquals(0, reads.get(), "both are remembered at capacity 2");

        assertTrue(two.save(state("g1", "a-3", 1, "3"), 0));
        two.loadAllRecent("counter", "g1", List.of("a-1", "a-2", "a-3"));
        assertEquals(1, reads.get(), "a-1, the least recently used, was forgotten");
        assertEquals(1, new CachedStateStore(store, 1).loadAllRecent("counter", "g1", List.of("a-1")).size(), "a capacity of one is enough");
        assertEquals("capacity must be at least 1, was 0", assertThrows(IllegalArgumentException.class, () -> new CachedStateStore(store, 0)).getMessage());
    }

    @Test
    void remembersAStateReadOneByOne() {
        assertTrue(stored.save(state("g1", "a-1", 3, "30"), 0));

        assertEquals(3, cached.load("counter", "g1", "a-1").orElseThrow().version());

        assertEquals(Map.of("a-1", "3:30"), counts(cached.loadAllRecent("counter", "g1", List.of("a-1"))));
        assertEquals(0, reads.get(), "answered from memory");
    }

    @Test
    void checksTheRememberedTokenOnlyForTheRememberedVersion() {
        assertTrue(cached.save(state("g1", "a-1", 1, "5"), 0));
        // another writer rewrites version 1 (a rebuild with new logic): the token changes, the version does not
        assertTrue(stored.save(state("g1", "a-1", 1, "6"), 1));

        assertEquals(false, cached.save(state("g1", "a-1", 2, "7"), 1), "the remembered state is stale: refused");
        assertTrue(stored.save(state("g1", "a-1", 2, "8"), 1));
        assertTrue(cached.save(state("g1", "a-1", 3, "9"), 2), "another version than the remembered one: the version alone is checked");
    }
}

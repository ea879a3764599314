package dev.playback.model.store;

import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a state store without tokens answers by the port's defaults, and the values the stores are built from. */
class StateStorePartsTest {
    private final InMemoryStateStore memory = new InMemoryStateStore();
    /** A store that implements only what the port requires, so every other call takes the port's default. */
    private final StateStore plain = new StateStore() {
        @Override
        public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
            return memory.load(processor, generation, aggregateId);
        }

        @Override
        public boolean save(ProcessorState state, long expectedVersion) {
            return memory.save(state, expectedVersion);
        }

        @Override
        public String activeGeneration(String processor, String defaultGeneration) {
            return memory.activeGeneration(processor, defaultGeneration);
        }

        @Override
        public Generations generations(String processor) {
            return memory.generations(processor);
        }

        @Override
        public void startBuilding(String processor, String generation) {
            memory.startBuilding(processor, generation);
        }

        @Override
        public void stopBuilding(String processor, String generation) {
            memory.stopBuilding(processor, generation);
        }

        @Override
        public boolean activate(String processor, String expectedActive, String generation) {
            return memory.activate(processor, expectedActive, generation);
        }

        @Override
        public void discard(String processor, String generation) {
            memory.discard(processor, generation);
        }

        @Override
        public void forEach(String processor, String generation, Consumer<ProcessorState> action) {
            memory.forEach(processor, generation, action);
        }
    };

    private static ProcessorState state(String aggregateId, long version, int count) {
        return new ProcessorState("counter", "g0", aggregateId, version, json("{\"count\":" + count + "}"));
    }

    @Test
    void shouldAnswerRevisionsWithoutTokens_whenTheStoreKeepsNone() {
        assertTrue(plain.save(state("a-1", 1, 5), 0));

        assertEquals(Optional.of(new StateStore.Revision(state("a-1", 1, 5), null)), plain.loadRevision("counter", "g0", "a-1"));
        assertEquals(Optional.empty(), plain.loadRevision("counter", "g0", "a-2"));
        assertEquals(Map.of("a-1", new StateStore.Revision(state("a-1", 1, 5), null)), plain.loadAllRevisions("counter", "g0", List.of("a-1", "a-2")));
        assertEquals(Map.of("a-1", state("a-1", 1, 5)), plain.loadAllRecent("counter", "g0", List.of("a-1", "a-2")));
    }

    @Test
    void shouldSaveARevisionOnTheVersionAlone_andRefuseATokenItCannotCheck() {
        assertEquals(Optional.of(new StateStore.Revision(state("a-1", 1, 5), null)), plain.saveRevision(state("a-1", 1, 5), 0, null));
        assertEquals(Optional.empty(), plain.saveRevision(state("a-1", 2, 6), 0, null), "another writer got there first");
        assertEquals("this state store keeps no tokens",
                assertThrows(UnsupportedOperationException.class, () -> plain.saveRevision(state("a-1", 2, 6), 1, "t")).getMessage());
        assertEquals(1, memory.load("counter", "g0", "a-1").orElseThrow().version());
    }

    @Test
    void shouldCountTheItemAsTheStatesJsonInUtf8() {
        ProcessorState s = new ProcessorState("counter", "g0", "a-1", 1, json("{\"name\":\"é\"}"));
        assertEquals(13, plain.itemBytes(s));
        assertEquals(13, new ForwardingStateStore(plain).itemBytes(s));
    }

    @Test
    void shouldPassSavesOn_whenForwarding() {
        ForwardingStateStore forwarding = new ForwardingStateStore(memory);
        assertTrue(forwarding.save(state("a-1", 1, 5), 0));
        assertFalse(forwarding.save(state("a-1", 1, 6), 0));
        assertEquals(5, memory.load("counter", "g0", "a-1").orElseThrow().state().get("count").asInt());
    }

    @Test
    void shouldListTheGenerationsServingAndFollowingLiveEvents() {
        Generations g = new Generations("g2", "g1", Set.of("g4", "g3"));
        assertEquals(List.of("g2", "g1"), List.copyOf(g.serving()));
        assertEquals(List.of("g2", "g1", "g3", "g4"), List.copyOf(g.live()));
        Generations first = Generations.initial();
        assertEquals(List.of("g0"), List.copyOf(first.serving()));
        assertEquals(List.of("g0", "g5"), List.copyOf(new Generations(null, null, Set.of("g5")).live()));
        assertEquals(Set.of(), new Generations("g1", null, null).building());
    }

    @Test
    void shouldAcceptLimitsAtTheirBounds_andRefuseThemBeyond() {
        assertEquals(1, new StateSizeLimits(1, 1).limitBytes());
        assertEquals(400 * 1024, new StateSizeLimits(10, 400 * 1024).limitBytes());
        assertEquals("warning size must be at least 1 byte, was 0", assertThrows(IllegalArgumentException.class, () -> new StateSizeLimits(0, 5)).getMessage());
        assertEquals("limit 4 bytes is below the warning size 5 bytes", assertThrows(IllegalArgumentException.class, () -> new StateSizeLimits(5, 4)).getMessage());
        assertEquals("limit 409601 bytes is over the data store's item limit of 409600 bytes",
                assertThrows(IllegalArgumentException.class, () -> new StateSizeLimits(5, 400 * 1024 + 1)).getMessage());
    }

    @Test
    void shouldNameWhatWasNotSaved_whenAStateIsTooLarge() {
        StateTooLarge e = new StateTooLarge(new ProcessorState("counter", "g3", "a-1", 7, json("{}")), 6, 500, 400);
        assertEquals(List.of("counter", "a-1", "g3", 7L, 6L, 500L, 400L),
                List.of(e.processor(), e.aggregateId(), e.generation(), e.version(), e.storedVersion(), e.bytes(), e.limitBytes()));
        assertEquals("state of aggregate a-1 for processor counter (generation g3, version 7) is 500 bytes, over the limit of 400 bytes: "
                + "not saved, the stored state stays at version 6", e.getMessage());
    }

    @Test
    void shouldKeepNoConflicts_whenAStatusIsRecordedWithoutThem() {
        assertEquals(List.of(), new EventStatus.Rejected("e", "a", "why", T0, "h", null).conflicts());
        assertEquals(List.of("c"), new EventStatus.Rejected("e", "a", "why", T0, "h", List.of("c")).conflicts());
        assertEquals(List.of(), new EventStatus.Claimed("e", "a", 1, T0, "h", null).conflicts());
    }
}

package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.processor.ReversingTest.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The projector's bookkeeping for a plain processor: which events a playback record applies directly and which it
 * fills from the events table, what a catch-up, a rebuild and a computed state store, and where each stops.
 * The processor's state is the ids of the events it applied, so every expected state is a literal.
 */
class ProjectorTest {
    private static final String AGG = "agg-1";
    private static final String GEN = "g1";

    /** The ids of the events applied, joined by commas; an event of type {@code Poison} cannot be applied. */
    static final Processor<String> TRAIL = new Processor<>() {
        @Override
        public String name() {
            return "trail";
        }

        @Override
        public String initial(String aggregateId) {
            return "";
        }

        @Override
        public String apply(String state, EventEnvelope e) {
            if (e.type().equals("Poison")) throw new IllegalArgumentException("poison " + e.eventId());
            return state.isEmpty() ? e.eventId() : state + "," + e.eventId();
        }

        @Override
        public JsonNode encode(String state) {
            return TextNode.valueOf(state);
        }

        @Override
        public String decode(JsonNode json) {
            return json.asText();
        }
    };

    static final EventCatalog CATALOG = new EventCatalog(List.of(type("Step"), type("Poison")));

    private final InMemoryEventLog table = new InMemoryEventLog();
    private final InMemoryStateStore stored = new InMemoryStateStore();
    private final InMemorySnapshotStore snapshotStore = new InMemorySnapshotStore();
    private final CountingStates states = new CountingStates(stored);

    private Projector<String> projector() {
        return new Projector<>(TRAIL, table, states, CATALOG);
    }

    private Projector<String> withSnapshotsEvery(int interval) {
        return new Projector<>(TRAIL, table, states, CATALOG, new Snapshots(snapshotStore, table, CATALOG,
                new SnapshotPolicy(interval, Map.of(), 3), Metrics.NONE, s -> {
        }));
    }

    private static EventEnvelope step(int version) {
        return event("e" + version, AGG, "Step", json("{}")).withVersion(version);
    }

    private static EventEnvelope poison(int version) {
        return event("e" + version, AGG, "Poison", json("{}")).withVersion(version);
    }

    private static List<EventEnvelope> steps(int from, int to) {
        List<EventEnvelope> out = new ArrayList<>();
        for (int v = from; v <= to; v++) out.add(step(v));
        return out;
    }

    private void store(List<EventEnvelope> events) {
        assertEquals(List.of(), table.write(events));
    }

    private String state() {
        return stored.load("trail", GEN, AGG).map(s -> s.state().asText() + "@" + s.version()).orElse("none");
    }

    private void storeState(String trail, long version) {
        assertTrue(stored.save(new ProcessorState("trail", GEN, AGG, version, TextNode.valueOf(trail)), 0));
    }

    @Test
    void shouldApplyARecordDirectlyWithoutReadingTheTable_whenItsEventsFollowOn() {
        CatchUp c = projector().applyPlayback(GEN, steps(1, 3));

        assertEquals(new CatchUp(AGG, 3, 3, true), c);
        assertEquals("e1,e2,e3@3", state());
    }

    @Test
    void shouldSkipEventsAtOrBelowTheStoredVersion_whenARecordIsRedelivered() {
        projector().applyPlayback(GEN, steps(1, 2));

        CatchUp c = projector().applyPlayback(GEN, steps(1, 4));

        assertEquals(new CatchUp(AGG, 2, 4, true), c);
        assertEquals("e1,e2,e3,e4@4", state());
    }

    @Test
    void shouldWriteNothing_whenEveryEventOfTheRecordWasAppliedBefore() {
        projector().applyPlayback(GEN, steps(1, 3));
        int before = states.saves;

        CatchUp c = projector().applyPlayback(GEN, steps(2, 3));

        assertEquals(new CatchUp(AGG, 0, 3, true), c);
        assertEquals(before, states.saves);
        assertThrows(IllegalArgumentException.class, () -> projector().applyPlayback(GEN, List.of()));
    }

    @Test
    void shouldFillAGapFromTheEventsTable_whenARecordDoesNotFollowOn() {
        store(steps(1, 5));
        projector().applyPlayback(GEN, steps(1, 2));

        CatchUp c = projector().applyPlayback(GEN, steps(4, 5));

        assertEquals(new CatchUp(AGG, 3, 5, true), c);
        assertEquals("e1,e2,e3,e4,e5@5", state());
    }

    @Test
    void shouldReadAPayloadKeptAsideFromTheEventsTable_whenTheRecordCarriesNone() {
        store(steps(1, 2));
        EventEnvelope s2 = step(2);
        EventEnvelope claimCheck = new EventEnvelope(s2.eventId(), AGG, "Step", 1, 2L, null, s2.occurredAt(), s2.recordedAt(), null,
                "payloads/e2", s2.metadata());

        CatchUp c = projector().applyPlayback(GEN, List.of(step(1), claimCheck));

        assertEquals(new CatchUp(AGG, 2, 2, true), c);
        assertEquals("e1,e2@2", state());
    }

    @Test
    void shouldStartFromThePreloadedState_whenTheCallerReadItInBulk() {
        CatchUp ahead = projector().applyPlayback(GEN, steps(1, 3), Optional.of(new ProcessorState("trail", GEN, AGG, 3, TextNode.valueOf("x"))));
        CatchUp fromNothing = projector().applyPlayback(GEN, steps(1, 2), Optional.empty());

        assertEquals(new CatchUp(AGG, 0, 3, true), ahead);
        assertEquals(new CatchUp(AGG, 2, 2, true), fromNothing);
        assertEquals("e1,e2@2", state());
    }

    @Test
    void shouldKeepTheEventsBeforeAFailingOneAppliedAndNameIt_whenAPlaybackEventCannotBeApplied() {
        EventNotApplied first = assertThrows(EventNotApplied.class, () -> projector().applyPlayback(GEN, List.of(poison(1), step(2))));
        assertEquals("none", state());

        EventNotApplied later = assertThrows(EventNotApplied.class, () -> projector().applyPlayback(GEN, List.of(step(1), step(2), poison(3))));

        assertTrue(first.getMessage().contains("e1"), first.getMessage());
        assertTrue(later.getMessage().contains("e3"), later.getMessage());
        assertEquals("e1,e2@2", state());
    }

    @Test
    void shouldGiveUpNamingTheAggregate_whenEverySaveLosesToAnotherWriter() {
        store(steps(1, 2));
        states.refusals = Integer.MAX_VALUE;

        IllegalStateException playback = assertThrows(IllegalStateException.class, () -> projector().applyPlayback(GEN, steps(1, 2)));
        assertEquals(10, states.saves, "ten attempts");
        states.saves = 0;
        IllegalStateException catchUp = assertThrows(IllegalStateException.class, () -> projector().catchUp(GEN, AGG, Long.MAX_VALUE));
        assertEquals(10, states.saves);
        states.saves = 0;
        IllegalStateException rebuild = assertThrows(IllegalStateException.class, () -> projector().rebuild(GEN, AGG));
        assertEquals(10, states.saves);

        for (IllegalStateException e : List.of(playback, catchUp, rebuild)) assertTrue(e.getMessage().contains("agg-1 in trail/g1"), e.getMessage());
    }

    @Test
    void shouldApplyTheStoredEventsUpToTheAskedVersion_whenCatchingUp() {
        store(steps(1, 3));

        assertEquals(new CatchUp(AGG, 2, 2, true), projector().catchUp(GEN, AGG, 2));
        assertEquals("e1,e2@2", state());
        assertEquals(new CatchUp(AGG, 0, 2, true), projector().catchUp(GEN, AGG, 2));
        assertEquals(new CatchUp(AGG, 1, 3, false), projector().catchUp(GEN, AGG, 5));
        assertEquals(new CatchUp(AGG, 0, 3, false), projector().catchUp(GEN, AGG, 5));
        assertEquals(new CatchUp(AGG, 0, 3, true), projector().catchUp(GEN, AGG, Long.MAX_VALUE));
        assertEquals("e1,e2,e3@3", state());
    }

    @Test
    void shouldReadPastAFullPage_whenAnAggregateHasMoreEventsThanOnePage() {
        store(steps(1, 1001));

        assertEquals(new CatchUp(AGG, 1001, 1001, true), projector().catchUp(GEN, AGG, Long.MAX_VALUE));
        assertTrue(state().endsWith("e1000,e1001@1001"), state());
    }

    @Test
    void shouldSaveTheEventsBeforeAFailingOneAndThrow_whenCatchingUp() {
        store(List.of(step(1), step(2), poison(3)));

        assertThrows(EventNotApplied.class, () -> projector().catchUp(GEN, AGG, Long.MAX_VALUE));
        assertEquals("e1,e2@2", state());
        assertThrows(EventNotApplied.class, () -> projector().catchUp(GEN, AGG, Long.MAX_VALUE));
        assertEquals("e1,e2@2", state());
    }

    @Test
    void shouldRefuseToGuess_whenTheEventsTableHasAGap() {
        store(List.of(step(1), step(2), step(4)));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> projector().catchUp(GEN, AGG, Long.MAX_VALUE));

        assertTrue(e.getMessage().contains("expected version 3, found 4"), e.getMessage());
        assertEquals("none", state());
    }

    @Test
    void shouldReplaceTheStoredStateWithTheFoldOfTheWholeStream_whenRebuilt() {
        store(steps(1, 3));
        storeState("stale", 3);

        assertEquals(new CatchUp(AGG, 3, 3, true), projector().rebuild(GEN, AGG).result());
        assertEquals("e1,e2,e3@3", state());
        assertEquals(new CatchUp("agg-without-events", 0, 0, true), projector().rebuild(GEN, "agg-without-events").result());
        assertEquals(Optional.empty(), stored.load("trail", GEN, "agg-without-events"));
    }

    @Test
    void shouldThrowWhatTheProcessorThrew_whenARebuildMeetsAnEventItCannotApply() {
        store(List.of(step(1), poison(2)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> projector().rebuild(GEN, AGG));

        assertEquals("poison e2", e.getMessage());
        assertEquals("none", state());
    }

    @Test
    void shouldTakeASnapshotAtTheMultipleItCrossed_whenPlaybackCatchUpOrRebuildSaves() {
        store(steps(1, 7));

        withSnapshotsEvery(2).applyPlayback(GEN, steps(1, 3));
        withSnapshotsEvery(2).catchUp(GEN, AGG, 5);
        withSnapshotsEvery(7).rebuild("g2", AGG);

        assertEquals(List.of(2L), snapshotStore.latest("trail", "1", AGG, 3, 10).stream().map(s -> s.version()).toList());
        assertEquals(List.of(4L), snapshotStore.latest("trail", "1", AGG, 5, 1).stream().map(s -> s.version()).toList());
        assertEquals(List.of(7L), snapshotStore.latest("trail", "1", AGG, 7, 1).stream().map(s -> s.version()).toList());
        assertEquals("e1,e2,e3,e4", snapshotStore.latest("trail", "1", AGG, 4, 1).get(0).state().asText());
    }

    @Test
    void shouldCompareTheNewestSnapshotWithTheFoldOfItsEvents_whenChecked() {
        store(steps(1, 4));
        assertEquals(Optional.empty(), withSnapshotsEvery(2).checkSnapshot(AGG));
        withSnapshotsEvery(2).catchUp(GEN, AGG, 4);

        Projector.SnapshotCheck check = withSnapshotsEvery(2).checkSnapshot(AGG).orElseThrow();

        assertEquals(4, check.snapshot().version());
        assertEquals(TextNode.valueOf("e1,e2,e3,e4"), check.folded());
    }

    @Test
    void shouldComputeWithoutSaving_whenAStateIsAskedAtAVersion() {
        store(steps(1, 3));
        Optional<ProcessorState> at2 = projector().stateAt(GEN, AGG, Optional.empty(), 2);
        ProcessorState two = at2.orElseThrow();

        assertEquals("e1,e2@2", two.state().asText() + "@" + two.version());
        assertEquals(Optional.of(two), projector().stateAt(GEN, AGG, at2, 2));
        assertEquals("e1,e2,e3", projector().stateAt(GEN, AGG, at2, 3).orElseThrow().state().asText());
        ProcessorState three = projector().stateAt(GEN, AGG, at2, 3).orElseThrow();
        assertEquals(Optional.of(three), projector().stateAt(GEN, AGG, Optional.of(three), 9), "no event after 3: as it was");
        assertEquals(Optional.empty(), projector().stateAt(GEN, "agg-without-events", Optional.empty(), 9));
        assertEquals("none", state());
        assertEquals(TRAIL, projector().processor());
    }

    @Test
    void shouldKeepTheToolkitsOwnSignalsAndWrapTheRest_whenAnEventFails() {
        store(List.of(poison(1)));
        EventNotApplied e = assertThrows(EventNotApplied.class, () -> projector().catchUp(GEN, AGG, 1));

        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void shouldReturnTheSnapshotWrittenOrFound_whenOneIsTakenAtAVersion() {
        store(steps(1, 4));
        Snapshots snapshots = new Snapshots(snapshotStore, table, CATALOG, new SnapshotPolicy(100, Map.of(), 3), Metrics.NONE, s -> {
        });

        var two = snapshots.take(TRAIL, AGG, 2);
        var again = snapshots.take(TRAIL, AGG, 2);
        var four = snapshots.take(TRAIL, AGG, 4);

        assertEquals("e1,e2@2", two.state().asText() + "@" + two.version());
        assertEquals(two, again);
        assertEquals("e1,e2,e3,e4@4", four.state().asText() + "@" + four.version());
        assertTrue(snapshots.enabled());
        assertFalse(Snapshots.none().enabled());
    }

    @Test
    void shouldReadTheStoredStateAgainAndSaveTheEventsBeforeTheFailingOne_whenThatSaveLosesToAnotherWriter() {
        states.refusals = 1;

        assertThrows(EventNotApplied.class, () -> projector().applyPlayback(GEN, List.of(step(1), step(2), poison(3))));

        assertEquals(2, states.saves, "the refused save, then the one after reading again");
        assertEquals("e1,e2@2", state());
    }

    @Test
    void shouldStopAtTheAskedVersion_whenAFullPageOfLaterEventsFollowsIt() {
        store(steps(1, 1005));

        assertEquals(new CatchUp(AGG, 5, 5, true), projector().catchUp(GEN, AGG, 5));
        assertEquals("e1,e2,e3,e4,e5@5", state());
    }
}

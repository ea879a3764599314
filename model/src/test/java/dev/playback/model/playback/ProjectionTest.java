package dev.playback.model.playback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.Envelopes;
import dev.playback.model.parking.Parked;
import dev.playback.model.parking.Parking;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Projector;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayKind;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryParkedAggregates;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.added;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionTest {
    private static final Instant T0 = Envelopes.T0;
    private static final EventCatalog CATALOG = new EventCatalog(List.of(Envelopes.DOCUMENT));

    /** Sums the amounts; an amount of "bug" is a bug in its logic. */
    private record Sum(String name) implements Processor<Long> {
        @Override
        public Long initial(String aggregateId) {
            return 0L;
        }

        @Override
        public Long apply(Long total, EventEnvelope e) {
            String amount = e.payload().path("amount").asText();
            if (amount.equals("bug")) throw new IllegalStateException("cannot add " + amount);
            return total + Long.parseLong(amount);
        }

        @Override
        public JsonNode encode(Long total) {
            return JsonNodeFactory.instance.objectNode().put("total", total);
        }

        @Override
        public Long decode(JsonNode json) {
            return json.path("total").asLong();
        }
    }

    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemoryReplayStore replays = new InMemoryReplayStore();
    private final InMemoryParkedAggregates parked = new InMemoryParkedAggregates();
    private final Parking parking = new Parking(parked, t -> false, Clock.fixed(T0, ZoneOffset.UTC));

    private Projection projection(boolean followBuilding, Parking parking, String... processors) {
        List<Projector<?>> projectors = new java.util.ArrayList<>();
        for (String p : processors) projectors.add(new Projector<>(new Sum(p), log, states, CATALOG));
        return new Projection(projectors, states, replays, Runnable::run, followBuilding, parking);
    }

    /** Appends {@code amount} to {@code aggregateId}'s stream and returns it, versioned. */
    private EventEnvelope append(String aggregateId, String amount) {
        EventEnvelope e = added(aggregateId + "-" + (log.latestVersion(aggregateId) + 1), aggregateId, amount)
                .withVersion(log.latestVersion(aggregateId) + 1);
        log.record(new EventStatus.Claimed(e.eventId(), aggregateId, e.versionOrZero(), T0));
        assertEquals(List.of(), log.write(List.of(e)));
        return e;
    }

    private long total(String processor, String generation, String aggregateId) {
        return states.load(processor, generation, aggregateId).map(ProcessorState::state).orElseThrow().path("total").asLong();
    }

    private static Replay rebuild(String replayId, String generation, ReplayStatus status) {
        return new Replay(replayId, ReplayKind.REBUILD, generation, List.of("sum"), 1, 100, false, status, T0, null, null,
                0, 0, 0, null, null, null, null);
    }

    @Test
    void appliesLiveEventsPerAggregateToTheActiveGeneration() {
        EventEnvelope a1 = append("a", "2"), a2 = append("a", "3"), b1 = append("b", "10");
        Projection.Result r = projection(true, Parking.OFF, "sum").apply(List.of(
                Projection.Item.appended("s1", "1", List.of(a1, b1)), Projection.Item.appended("s1", "2", List.of(a2))));
        assertEquals(List.of(), r.failures());
        assertEquals(2, r.aggregates());
        assertEquals(List.of(), r.parked());
        assertEquals(5, total("sum", "g0", "a"));
        assertEquals(10, total("sum", "g0", "b"));
    }

    @Test
    void anEmptyBatchAppliesNothing() {
        Projection.Result r = projection(true, Parking.OFF, "sum").apply(List.of());
        assertEquals(0, r.aggregates());
        assertEquals(0, states.size());
    }

    @Test
    void appliesEventsInVersionOrderWhateverTheOrderOfTheRecords() {
        EventEnvelope a1 = append("a", "2"), a2 = append("a", "3");
        projection(true, Parking.OFF, "sum").apply(List.of(Projection.Item.appended("s1", "1", List.of(a2, a1))));
        assertEquals(5, total("sum", "g0", "a"));
        assertEquals(2, states.load("sum", "g0", "a").orElseThrow().version());
    }

    @Test
    void liveEventsFollowTheBuildingGenerationsOnlyWhenAskedTo() {
        states.startBuilding("sum", "g1");
        EventEnvelope a1 = append("a", "4");
        projection(false, Parking.OFF, "sum").apply(List.of(Projection.Item.appended("s1", "1", List.of(a1))));
        assertEquals(4, total("sum", "g0", "a"));
        assertTrue(states.load("sum", "g1", "a").isEmpty(), "a processor with external effects runs live in the active one only");
        EventEnvelope a2 = append("a", "5");
        projection(true, Parking.OFF, "sum").apply(List.of(Projection.Item.appended("s1", "2", List.of(a2))));
        assertEquals(9, total("sum", "g0", "a"));
        assertEquals(9, total("sum", "g1", "a"), "the building generation catches up from the events table");
    }

    @Test
    void catchesUpFromTheEventsTableWhenTheStoredStateIsBehindTheBatch() {
        EventEnvelope a1 = append("a", "1");
        projection(true, Parking.OFF, "sum").apply(List.of(Projection.Item.appended("s1", "1", List.of(a1))));
        append("a", "20");
        EventEnvelope a3 = append("a", "300");
        Projection.Result r = projection(true, Parking.OFF, "sum").apply(List.of(Projection.Item.appended("s1", "3", List.of(a3))));
        assertEquals(List.of(), r.failures());
        assertEquals(321, total("sum", "g0", "a"));
    }

    @Test
    void anEventMissingFromTheEventsTableFailsItsRecordsOnly() {
        EventEnvelope a1 = append("a", "1");
        EventEnvelope ghost = added("a-5", "a", "5").withVersion(5);
        EventEnvelope b1 = append("b", "7");
        Projection.Result r = projection(true, Parking.OFF, "sum").apply(List.of(
                Projection.Item.appended("s1", "1", List.of(a1)), Projection.Item.appended("s1", "2", List.of(b1)),
                Projection.Item.appended("s1", "3", List.of(ghost))));
        assertEquals(List.of("1", "3"), r.failures());
        assertEquals(1, r.reasons().size());
        assertTrue(r.reasons().get(0).startsWith("a: version 5 of a is not in the events table (at "), r.reasons().get(0));
        assertEquals(7, total("sum", "g0", "b"));
    }

    @Test
    void aBugWithParkingOffIsRetriedAndWithParkingOnParksTheAggregate() {
        EventEnvelope a1 = append("a", "bug"), b1 = append("b", "7");
        List<Projection.Item> batch = List.of(Projection.Item.appended("s1", "1", List.of(a1)), Projection.Item.appended("s1", "2", List.of(b1)));
        Projection.Result off = projection(true, Parking.OFF, "sum").apply(batch);
        assertEquals(List.of("1"), off.failures());
        assertEquals(List.of(), off.parked());

        Projection.Result on = projection(true, parking, "sum").apply(batch);
        assertEquals(List.of(), on.failures());
        assertEquals(1, on.parked().size());
        Parked p = on.parked().get(0);
        assertEquals("sum", p.processor());
        assertEquals("a", p.aggregateId());
        assertEquals("g0", p.generation());
        assertEquals(1, p.version());
        assertEquals(java.util.Set.of("a"), parked.aggregates("sum"));

        // later events of a parked aggregate are held back: neither applied nor retried
        EventEnvelope a2 = append("a", "5");
        Projection.Result held = projection(true, parking, "sum").apply(List.of(Projection.Item.appended("s1", "3", List.of(a2))));
        assertEquals(List.of(), held.failures());
        assertTrue(states.load("sum", "g0", "a").isEmpty());
    }

    @Test
    void aParkedAggregateIsParkedOnceForAllItsGenerations() {
        states.startBuilding("sum", "g1");
        EventEnvelope a1 = append("a", "bug");
        Projection.Result r = projection(true, parking, "sum").apply(List.of(Projection.Item.appended("s1", "1", List.of(a1))));
        assertEquals(1, r.parked().size());
        assertEquals("g0", r.parked().get(0).generation());
        assertTrue(states.load("sum", "g1", "a").isEmpty());
    }

    @Test
    void appliesPlaybackRecordsToTheirReplaysGenerationInTheProcessorsTheyName() {
        replays.create(rebuild("r1", "g1", ReplayStatus.RUNNING));
        EventEnvelope a1 = append("a", "2"), a2 = append("a", "3");
        PlaybackRecord forSum = new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a1, a2));
        Projection.Result r = projection(true, Parking.OFF, "sum", "other").apply(List.of(Projection.Item.playback("s1", "9", forSum)));
        assertEquals(List.of(), r.failures());
        assertEquals(1, r.aggregates());
        assertEquals(5, total("sum", "g1", "a"));
        assertTrue(states.load("other", "g1", "a").isEmpty());
        assertTrue(states.load("sum", "g0", "a").isEmpty());
        assertEquals("9", replays.appliedShards("r1", "sum", List.of("s1")).get("s1").sequenceNumber());
        assertEquals(2, replays.appliedEvents("r1", "sum"));
    }

    @Test
    void appliesLiveAndPlaybackRecordsOfOneBatch() {
        replays.create(rebuild("r1", "g1", ReplayStatus.RUNNING));
        EventEnvelope a1 = append("a", "2"), b1 = append("b", "bug");
        Projection.Result r = projection(true, Parking.OFF, "sum").apply(List.of(
                Projection.Item.appended("s1", "1", List.of(a1)),
                Projection.Item.playback("s1", "2", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(b1))),
                Projection.Item.playback("s1", "3", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a1)))));
        assertEquals(List.of("2"), r.failures());
        assertEquals(3, r.aggregates());
        assertEquals(1, r.reasons().size());
        assertTrue(r.reasons().get(0).startsWith("2: playback of b for replay r1 failed: "), r.reasons().get(0));
        assertEquals(2, total("sum", "g0", "a"));
        assertEquals(2, total("sum", "g1", "a"));
        ReplayStore.AppliedShard shard = replays.appliedShards("r1", "sum", List.of("s1")).get("s1");
        assertEquals(null, shard.sequenceNumber(), "nothing is marked past the record to retry");
        assertEquals(java.util.Set.of("2"), shard.failed().keySet());
    }

    @Test
    void aPlaybackBatchReadsTheStoredStatesOfItsAggregatesFirstRecordsInOneBulkRead() {
        replays.create(rebuild("r1", "g1", ReplayStatus.RUNNING));
        EventEnvelope a1 = append("a", "1"), a2 = append("a", "2"), a3 = append("a", "4"), b1 = append("b", "10"), c1 = append("c", "20"),
                c2 = append("c", "30");
        CountedReads reads = new CountedReads(states);
        Projection projection = new Projection(List.of(new Projector<>(new Sum("sum"), log, reads, CATALOG)), reads, replays, Runnable::run,
                true, Parking.OFF);
        projection.apply(List.of(Projection.Item.playback("s1", "1", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a1)))));
        reads.single.clear();
        reads.recent.clear();

        Projection.Result r = projection.apply(List.of(
                Projection.Item.playback("s1", "2", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a2))),
                Projection.Item.playback("s1", "3", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(b1))),
                Projection.Item.playback("s1", "4", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a3))),
                Projection.Item.playback("s1", "5", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(c1, c2)))));

        assertEquals(List.of(), r.failures());
        assertEquals(7, total("sum", "g1", "a"));
        assertEquals(10, total("sum", "g1", "b"));
        assertEquals(50, total("sum", "g1", "c"));
        assertEquals(List.of(java.util.Set.of("a", "b", "c")), reads.recent, "one bulk read for the first records of a, b and c");
        assertEquals(List.of("a"), reads.single, "a's second record follows on from what its first one saved, read again");
        assertEquals(List.of(), reads.bulk);
    }

    @Test
    void aRememberedStateBehindItsPlaybackRecordIsReadAgainInBulk() {
        replays.create(rebuild("r1", "g1", ReplayStatus.RUNNING));
        EventEnvelope a1 = append("a", "1"), a2 = append("a", "2"), a3 = append("a", "4");
        Projection plain = projection(true, Parking.OFF, "sum");
        plain.apply(List.of(Projection.Item.playback("s1", "1", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a1)))));
        ProcessorState atOne = states.load("sum", "g1", "a").orElseThrow();
        plain.apply(List.of(Projection.Item.playback("s1", "2", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a2)))));
        CountedReads reads = new CountedReads(states);
        reads.stale.put("a", atOne); // remembered at version 1; another container applied version 2 since
        Projection projection = new Projection(List.of(new Projector<>(new Sum("sum"), log, reads, CATALOG)), reads, replays, Runnable::run,
                true, Parking.OFF);

        Projection.Result r = projection.apply(List.of(Projection.Item.playback("s1", "3", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a3)))));

        assertEquals(List.of(), r.failures());
        assertEquals(7, total("sum", "g1", "a"));
        assertEquals(3, states.load("sum", "g1", "a").orElseThrow().version());
        assertEquals(List.of(java.util.Set.of("a")), reads.bulk, "the state behind version 2 is read again, in bulk");
        assertEquals(List.of(), reads.single);
    }

    @Test
    void aPlaybackRecordMissingFromTheEventsTableFails() {
        replays.create(rebuild("r1", "g1", ReplayStatus.RUNNING));
        EventEnvelope ghost = added("a-3", "a", "5").withVersion(3);
        Projection.Result r = projection(true, Parking.OFF, "sum").apply(List.of(
                Projection.Item.playback("s1", "4", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(ghost)))));
        assertEquals(List.of("4"), r.failures());
        assertTrue(r.reasons().get(0).contains("version 3 is not in the events table (at "), r.reasons().get(0));
    }

    @Test
    void recordsOfAnEndedReplayAreNotApplied() {
        replays.create(rebuild("r1", "g1", ReplayStatus.ABORTED));
        EventEnvelope a1 = append("a", "2");
        Projection.Result r = projection(true, Parking.OFF, "sum").apply(List.of(
                Projection.Item.playback("s1", "1", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a1)))));
        assertEquals(List.of(), r.failures());
        assertEquals(0, r.aggregates());
        assertTrue(states.load("sum", "g1", "a").isEmpty());
    }

    /**
     * The state store as the projection sees it when a replay ends while a batch runs: just before the first write into
     * {@code generation}, {@code ending} runs (the replay ends and its generation is dropped), so that write lands after
     * the drop.
     */
    private static final class DroppedWhileWriting extends dev.playback.model.store.ForwardingStateStore {
        private final String generation;
        private final Runnable ending;
        private boolean ended;

        DroppedWhileWriting(dev.playback.model.store.StateStore next, String generation, Runnable ending) {
            super(next);
            this.generation = generation;
            this.ending = ending;
        }

        private void before(ProcessorState state) {
            if (!ended && state.generation().equals(generation)) {
                ended = true;
                ending.run();
            }
        }

        @Override
        public boolean save(ProcessorState state, long expectedVersion) {
            before(state);
            return next.save(state, expectedVersion);
        }

        @Override
        public Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
            before(state);
            return next.saveRevision(state, expectedVersion, expectedToken);
        }
    }

    @Test
    void aBuildingGenerationDroppedWhileALiveBatchWroteToItHoldsNothingAfterTheBatch() {
        states.startBuilding("sum", "g1");
        EventEnvelope a1 = append("a", "4");
        DroppedWhileWriting dropping = new DroppedWhileWriting(states, "g1", () -> {
            states.stopBuilding("sum", "g1");
            states.discard("sum", "g1");
        });
        Projection projection = new Projection(List.of(new Projector<>(new Sum("sum"), log, dropping, CATALOG)), dropping, replays,
                Runnable::run, true, Parking.OFF);

        Projection.Result r = projection.apply(List.of(Projection.Item.appended("s1", "1", List.of(a1))));

        assertTrue(dropping.ended, "the generation was dropped during the batch");
        assertEquals(List.of(), r.failures());
        assertEquals(4, total("sum", "g0", "a"));
        assertTrue(states.load("sum", "g1", "a").isEmpty(), "the write that landed after the drop is deleted");
    }

    @Test
    void aReplayEndedWhileItsPlaybackBatchWroteLeavesNothingInItsGeneration() {
        replays.create(rebuild("r1", "g1", ReplayStatus.RUNNING));
        states.startBuilding("sum", "g1");
        EventEnvelope a1 = append("a", "2"), a2 = append("a", "3");
        DroppedWhileWriting dropping = new DroppedWhileWriting(states, "g1", () -> {
            replays.update(rebuild("r1", "g1", ReplayStatus.ABORTED));
            states.stopBuilding("sum", "g1");
            states.discard("sum", "g1");
        });
        Projection projection = new Projection(List.of(new Projector<>(new Sum("sum"), log, dropping, CATALOG)), dropping, replays,
                Runnable::run, true, Parking.OFF);

        Projection.Result r = projection.apply(List.of(
                Projection.Item.playback("s1", "1", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(a1, a2)))));

        assertTrue(dropping.ended, "the replay ended during the batch");
        assertEquals(List.of(), r.failures());
        assertTrue(states.load("sum", "g1", "a").isEmpty(), "the write that landed after the drop is deleted");
    }

    @Test
    void aRecordFailingPastItsRetriesIsGivenUpAndNoLongerRetried() {
        replays.create(rebuild("r1", "g1", ReplayStatus.RUNNING));
        EventEnvelope b1 = append("b", "bug");
        List<Projection.Item> batch = List.of(Projection.Item.playback("s1", "2", new PlaybackRecord("r1", "g1", List.of("sum"), List.of(b1))));
        Projection projection = projection(true, Parking.OFF, "sum");
        for (int i = 0; i < ReplayStore.AppliedShard.RETRIES; i++) assertEquals(List.of("2"), projection.apply(batch).failures());
        Projection.Result last = projection.apply(batch);
        assertEquals(List.of(), last.failures());
        assertTrue(last.reasons().contains("2: given up after 11 attempts; its replay fails"), last.reasons().toString());
    }

    @Test
    void namesItsProcessorsInOrder() {
        assertEquals(List.of("b", "a"), projection(true, Parking.OFF, "b", "a").processors());
        assertEquals(List.of("x"), new Projection(List.of(new Projector<>(new Sum("x"), log, states, CATALOG)), states, replays, Runnable::run).processors());
    }

    @Test
    void anItemCarriesOnlyAppendedEvents() {
        EventEnvelope unversioned = added("e", "a", "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Projection.Item.appended("s1", "1", List.of(unversioned)));
        assertEquals("event e of a has no version: the playback stream carries only events the pump appended", e.getMessage());
        assertEquals(List.of(), new Projection.Item("s1", "1", null, null).events());
        assertEquals(Optional.empty(), Optional.ofNullable(Projection.Item.appended("s1", "1", List.of()).playback()));
    }
}

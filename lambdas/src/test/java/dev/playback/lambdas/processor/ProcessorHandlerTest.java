package dev.playback.lambdas.processor;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.playback.Projection;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.lambdas.Fixtures;
import dev.playback.lambdas.aws.kinesis.InMemorySetAside;
import dev.playback.lambdas.aws.kinesis.SetAside;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.model.event.EventEnvelope;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.Appender;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import java.util.Map;
import java.util.Set;
import dev.playback.model.store.CachedStateStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.playback.lambdas.aws.kinesis.KinesisBatches.batch;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.context;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.failures;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.poison;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.record;
import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.LedgerEnvelopes.withdrawn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessorHandlerTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    final dev.playback.lambdas.LogCapture logs = new dev.playback.lambdas.LogCapture();
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final InMemoryReplayStore replays = new InMemoryReplayStore();
    private final Projection projection = new Projection(
            List.of(new Projector<>(new BalancesProjection(), log, states, Ledger.catalog())), states, replays, workers);
    private final InMemorySetAside setAside = new InMemorySetAside();
    private final ProcessorHandler handler = new ProcessorHandler(projection, setAside);

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    /** Appends the events as the pump does; what it then publishes on its feed is {@link #stored} (versioned). */
    private void pump(EventEnvelope... events) {
        new Appender(log).append(List.of(events), T0);
    }

    private ProcessorState state(String aggregateId) {
        return states.load(BalancesProjection.NAME, "g0", aggregateId).orElseThrow(() -> new AssertionError("no state of " + aggregateId));
    }

    private static String balance(ProcessorState s) {
        return s.state().path("balance").asText();
    }

    @Test
    void appliesTheEventsOfEveryRecordToTheProjection() {
        EventEnvelope a1 = opened("a1", "acc-1"), a2 = deposited("a2", "acc-1", "10.00"), a3 = withdrawn("a3", "acc-1", "2.50");
        EventEnvelope b1 = opened("b1", "acc-2"), b2 = deposited("b2", "acc-2", "0.10");
        pump(a1, a2, b1, a3, b2);
        List<EventEnvelope> acc1 = stored("acc-1"), acc2 = stored("acc-2");
        StreamsEventResponse response = handler.handleRequest(batch(
                record("1", acc1.subList(0, 2)), record("2", acc2.subList(0, 1)), record("3", acc1.subList(2, 3)), record("4", acc2.subList(1, 2))), null);
        assertEquals(List.of(), failures(response));
        assertEquals(3, state("acc-1").version());
        assertEquals("7.50", balance(state("acc-1")));
        assertEquals("0.10", balance(state("acc-2")));
    }

    /** A handler like a container's: its own remembered states (CachedStateStore) over the shared store. */
    private ProcessorHandler container() {
        CachedStateStore remembering = new CachedStateStore(states, 100);
        return new ProcessorHandler(new Projection(List.of(new Projector<>(new BalancesProjection(), log, remembering, Ledger.catalog())),
                remembering, replays, workers), setAside);
    }

    @Test
    void containersTakingTurnsApplyEveryFeedEventOnceOverWhatIsStored() {
        pump(opened("a1", "acc-1"), deposited("a2", "acc-1", "1.00"), deposited("a3", "acc-1", "2.00"),
                deposited("a4", "acc-1", "4.00"), deposited("a5", "acc-1", "8.00"));
        List<EventEnvelope> feed = log.read("acc-1", 1, 10);
        ProcessorHandler one = container(), two = container();
        assertEquals(List.of(), failures(one.handleRequest(batch(record("1", feed.subList(0, 2))), null)));
        assertEquals(List.of(), failures(two.handleRequest(batch(record("2", feed.subList(2, 3))), null)));
        // one remembers version 2, behind this batch: it reads the state again instead of applying over it
        assertEquals(List.of(), failures(one.handleRequest(batch(record("3", feed.subList(3, 4))), null)));
        // a rebuild with other logic rewrites version 4; one remembers version 4 as it wrote it
        ProcessorState rebuilt = new ProcessorState(BalancesProjection.NAME, "g0", "acc-1", 4,
                ((com.fasterxml.jackson.databind.node.ObjectNode) state("acc-1").state().deepCopy()).put("balance", "100.00"));
        assertTrue(states.save(rebuilt, 4));
        assertEquals(List.of(), failures(one.handleRequest(batch(record("4", feed.subList(4, 5))), null)));
        assertEquals(5, state("acc-1").version());
        assertEquals("108.00", balance(state("acc-1")));
        // a batch delivered again changes nothing
        assertEquals(List.of(), failures(two.handleRequest(batch(record("4", feed.subList(4, 5))), null)));
        assertEquals("108.00", balance(state("acc-1")));
    }

    @Test
    void fillsEarlierEventsFromTheEventsTable() {
        EventEnvelope a1 = opened("a1", "acc-1"), a2 = deposited("a2", "acc-1", "1.00"), a3 = deposited("a3", "acc-1", "2.00");
        pump(a1, a2, a3);
        assertEquals(List.of(), failures(handler.handleRequest(batch(record("9", stored("acc-1").subList(2, 3))), null)));
        assertEquals(3, state("acc-1").version());
        assertEquals("3.00", balance(state("acc-1")));
    }

    @Test
    void changesNothingWhenABatchIsDeliveredAgain() {
        EventEnvelope a1 = opened("a1", "acc-1"), a2 = deposited("a2", "acc-1", "10.00");
        pump(a1, a2);
        List<EventEnvelope> feed = stored("acc-1");
        var records = batch(record("1", feed.subList(0, 1)), record("2", feed.subList(1, 2)));
        handler.handleRequest(records, null);
        ProcessorState first = state("acc-1");
        assertEquals(List.of(), failures(handler.handleRequest(records, null)));
        assertEquals(List.of(), failures(handler.handleRequest(batch(record("1", feed.subList(0, 1))), null)));
        assertEquals(first, state("acc-1"));
        assertEquals(1, state("acc-1").state().path("deposits").asLong());
    }

    @Test
    void setsAsideARecordHoldingAnEventWithoutAVersionAndAppliesTheRest() {
        // arrange: only the pump publishes on the playback stream, and only what it appended; b1 was never appended
        pump(opened("a1", "acc-1"));
        KinesisEvent.KinesisEventRecord unversioned = record("2", List.of(opened("b1", "acc-2")));
        byte[] sent = StreamRecords.bytes(unversioned.getKinesis().getData());
        List<String> lines = new ArrayList<>();

        // act
        StreamsEventResponse response = handler.handleRequest(batch(record("1", stored("acc-1")), unversioned), context(lines));

        // assert: not retried, not applied, kept with its bytes and a reason naming the event
        assertEquals(List.of(), failures(response));
        assertEquals(1, state("acc-1").version(), "the other records are applied");
        assertTrue(states.load(BalancesProjection.NAME, "g0", "acc-2").isEmpty(), "an event without a version is not applied");
        List<SetAside.Entry> kept = setAside.keys().stream().map(setAside::get).toList();
        assertEquals(List.of("2"), kept.stream().map(SetAside.Entry::sequenceNumber).toList());
        assertArrayEquals(sent, kept.get(0).data());
        assertTrue(kept.get(0).reason().contains("event b1 of acc-2 has no version"), kept.get(0).reason());
        assertTrue(logs.messages().stream().anyMatch(l -> l.contains("record 2") && l.contains("set aside")), logs.messages().toString());
    }

    @Test
    void retriesARecordWhoseEarlierVersionIsNotInTheEventsTableYetAndAppliesItOnceItIs() {
        EventEnvelope v1 = opened("a1", "acc-1").withVersion(1), v2 = deposited("a2", "acc-1", "4.00").withVersion(2);
        var records = batch(record("7", List.of(v2)));
        List<String> lines = new ArrayList<>();

        assertEquals(List.of("7"), failures(handler.handleRequest(records, context(lines))));
        assertTrue(logs.messages().stream().anyMatch(l -> l.contains("acc-1") && l.contains("version 2")), logs.messages().toString());
        assertTrue(states.load(BalancesProjection.NAME, "g0", "acc-1").isEmpty(), "nothing is guessed");

        log.write(List.of(v1, v2));
        assertEquals(List.of(), failures(handler.handleRequest(records, null)));
        assertEquals(2, state("acc-1").version());
        assertEquals("4.00", balance(state("acc-1")));
    }

    @Test
    void setsAsideARecordThatCannotBeDecodedWithItsBytesAndAppliesTheRest() {
        pump(opened("a1", "acc-1"));
        StreamsEventResponse response = handler.handleRequest(batch(poison("1", "{{{"), record("2", stored("acc-1"))), null);
        assertEquals(List.of(), failures(response));
        assertEquals(1, state("acc-1").version());
        List<SetAside.Entry> kept = setAside.keys().stream().map(setAside::get).toList();
        assertEquals(List.of("1"), kept.stream().map(SetAside.Entry::sequenceNumber).toList());
        assertEquals("{{{", new String(kept.get(0).data(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(kept.get(0).reason().startsWith("record is not a batch of appended events or a playback record"), kept.get(0).reason());
    }

    @Test
    void writesIntoTheActiveGeneration() {
        pump(opened("a1", "acc-1"));
        states.activate(BalancesProjection.NAME, "g2");
        handler.handleRequest(batch(record("1", stored("acc-1"))), null);
        JsonNode s = states.load(BalancesProjection.NAME, "g2", "acc-1").orElseThrow().state();
        assertTrue(s.path("opened").asBoolean());
        assertTrue(states.load(BalancesProjection.NAME, "g0", "acc-1").isEmpty());
    }

    private static KinesisEvent.KinesisEventRecord playback(String shard, String seq, PlaybackRecord r) {
        KinesisEvent.KinesisEventRecord record = record(seq, r.aggregateId(), PlaybackRecords.encode(r));
        record.setEventID(shard + ":" + seq);
        return record;
    }

    private List<EventEnvelope> stored(String aggregateId) {
        return log.read(aggregateId, 1, 100);
    }

    @Test
    void appliesLiveEventsToThePreviousAndTheBuildingGenerationsToo() {
        EventEnvelope a1 = opened("a1", "acc-1"), a2 = deposited("a2", "acc-1", "3.00");
        states.startBuilding(BalancesProjection.NAME, "g1");
        states.activate(BalancesProjection.NAME, "g0", "g1");
        states.startBuilding(BalancesProjection.NAME, "shadow-r9");
        pump(a1, a2);
        assertEquals(List.of(), failures(handler.handleRequest(batch(record("1", stored("acc-1"))), null)));
        for (String g : List.of("g1", "g0", "shadow-r9")) {
            assertEquals("3.00", balance(states.load(BalancesProjection.NAME, g, "acc-1").orElseThrow()), g);
        }
    }

    @Test
    void appliesTheFeedAsTheEventSourceMappingDeliversIt() {
        pump(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00"));

        StreamsEventResponse response = handler.handleRequest(Fixtures.kinesis("kinesis-feed.json"), null);

        assertEquals(List.of(), failures(response));
        assertEquals("5.00", balance(state("acc-1")));
        assertEquals(2L, state("acc-1").version());
    }

    @Test
    void appliesAPlaybackRecordAsTheEventSourceMappingDeliversIt() {
        pump(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00"));

        StreamsEventResponse response = handler.handleRequest(Fixtures.kinesis("kinesis-playback.json"), null);

        assertEquals(List.of(), failures(response));
        assertEquals("5.00", balance(states.load(BalancesProjection.NAME, "g2", "acc-1").orElseThrow()));
        assertTrue(states.load(BalancesProjection.NAME, "g0", "acc-1").isEmpty(), "the live generation is not touched");
        assertEquals(Map.of("shardId-000000000001", "17"), replays.applied("r-1", "balances", Set.of("shardId-000000000001", "shardId-000000000000")));
        assertEquals(2, replays.appliedEvents("r-1", "balances"));
    }

    @Test
    void appliesAPlaybackRecordToItsReplaysGenerationOnlyAndRecordsWhatWasProcessed() {
        pump(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00"));
        PlaybackRecord r = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), stored("acc-1"));
        StreamsEventResponse response = handler.handleRequest(batch(playback("shardId-000000000001", "17", r)), null);
        assertEquals(List.of(), failures(response));
        assertEquals("5.00", balance(states.load(BalancesProjection.NAME, "g1", "acc-1").orElseThrow()));
        assertTrue(states.load(BalancesProjection.NAME, "g0", "acc-1").isEmpty(), "the live generation is not touched");
        assertEquals(Map.of("shardId-000000000001", "17"), replays.applied("r-1", "balances", Set.of("shardId-000000000001", "shardId-000000000000")));
        assertEquals(2, replays.appliedEvents("r-1", "balances"));
    }

    @Test
    void ignoresPlaybackRecordsForOtherProcessorsAndLeavesTheirMarksToThem() {
        pump(opened("a1", "acc-1"));
        PlaybackRecord r = new PlaybackRecord("r-1", "g1", List.of("payouts"), stored("acc-1"));
        assertEquals(List.of(), failures(handler.handleRequest(batch(playback("shardId-000000000000", "5", r)), null)));
        assertTrue(states.load(BalancesProjection.NAME, "g1", "acc-1").isEmpty());
        assertEquals(Map.of(), replays.applied("r-1", "balances", Set.of("shardId-000000000000")), "not a balances record");
        assertEquals(Map.of(), replays.applied("r-1", "payouts", Set.of("shardId-000000000000")), "payouts marks its own");
    }

    @Test
    void skipsPlaybackEventsAlreadyAppliedAndNeverMovesTheMarkBack() {
        pump(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00"), deposited("a3", "acc-1", "1.00"));
        List<EventEnvelope> all = stored("acc-1");
        PlaybackRecord first = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), all.subList(0, 2));
        PlaybackRecord second = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), all.subList(1, 3));
        handler.handleRequest(batch(playback("shardId-000000000000", "200000000000000000000000000000", first),
                playback("shardId-000000000000", "200000000000000000000000000001", second)), null);
        handler.handleRequest(batch(playback("shardId-000000000000", "200000000000000000000000000000", first)), null);
        ProcessorState s = states.load(BalancesProjection.NAME, "g1", "acc-1").orElseThrow();
        assertEquals(3, s.version());
        assertEquals("6.00", balance(s));
        assertEquals("200000000000000000000000000001", replays.applied("r-1", "balances", Set.of("shardId-000000000000")).get("shardId-000000000000"));
    }

    @Test
    void fillsAClaimCheckedPlaybackEventFromTheEventsTable() {
        pump(opened("a1", "acc-1"), deposited("a2", "acc-1", "5.00"));
        List<EventEnvelope> all = stored("acc-1");
        EventEnvelope byReference = all.get(1).withPayloadRef("s3://payloads/a2");
        PlaybackRecord r = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), List.of(all.get(0), byReference));
        assertEquals(List.of(), failures(handler.handleRequest(batch(playback("shardId-000000000000", "9", r)), null)));
        assertEquals("5.00", balance(states.load(BalancesProjection.NAME, "g1", "acc-1").orElseThrow()));
    }

    @Test
    void doesNotMarkPastAPlaybackRecordThatFailed() {
        pump(opened("a1", "acc-1"));
        PlaybackRecord good = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), stored("acc-1"));
        // version 5 of acc-2 is not in the events table: the gap cannot be filled
        EventEnvelope missing = opened("b5", "acc-2").withVersion(5);
        PlaybackRecord bad = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), List.of(missing));
        StreamsEventResponse response = handler.handleRequest(batch(playback("shardId-000000000000", "10", good),
                playback("shardId-000000000000", "11", bad), playback("shardId-000000000000", "12", good)), null);
        assertEquals(List.of("11"), failures(response));
        assertEquals("10", replays.applied("r-1", "balances", Set.of("shardId-000000000000")).get("shardId-000000000000"));
    }

    @Test
    void anUnreadableRecordBetweenPlaybackRecordsIsSetAsideAndTheShardMovesOn() {
        pump(opened("a1", "acc-1"));
        PlaybackRecord good = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), stored("acc-1"));
        KinesisEvent.KinesisEventRecord broken = poison("21", "{\"replayId\":");
        broken.setEventID("shardId-000000000000:21");
        StreamsEventResponse response = handler.handleRequest(batch(playback("shardId-000000000000", "20", good), broken,
                playback("shardId-000000000000", "22", good)), null);
        assertEquals(List.of(), failures(response));
        assertEquals("22", replays.applied("r-1", "balances", Set.of("shardId-000000000000")).get("shardId-000000000000"));
        assertEquals(List.of("shardId-000000000000/21"), setAside.keys());
    }

    @Test
    void aPlaybackRecordIsRetriedTenTimesThenGivenUpSoItsShardMovesOnAndItsFailureStaysRecorded() {
        EventEnvelope missing = opened("b5", "acc-2").withVersion(5); // not in the events table: it can never apply
        PlaybackRecord bad = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), List.of(missing));
        var batch = batch(playback("shardId-000000000000", "30", bad));
        for (int attempt = 1; attempt <= 10; attempt++) {
            assertEquals(List.of("30"), failures(handler.handleRequest(batch, null)), "attempt " + attempt);
        }
        assertEquals(List.of(), failures(handler.handleRequest(batch, null)), "the eleventh attempt gives up");
        var shard = replays.appliedShards("r-1", "balances", Set.of("shardId-000000000000")).get("shardId-000000000000");
        assertEquals(11, shard.attempts().get("30"));
        assertTrue(shard.failed().get("30").contains("aggregate acc-2 versions 5..5"), shard.failed().toString());
    }

    /** The handler over this test's projection, counting into metrics written at {@code T0} + 1.5 s. */
    private ProcessorHandler measured() {
        java.time.Clock at = java.time.Clock.fixed(T0.plusMillis(1500), java.time.ZoneOffset.UTC);
        return new ProcessorHandler(java.util.Optional.of(projection), List.of(), setAside,
                new dev.playback.lambdas.telemetry.EmbeddedMetrics(dev.playback.lambdas.telemetry.EmbeddedMetrics.DEFAULT_NAMESPACE, at), at);
    }

    private ch.qos.logback.classic.spi.ILoggingEvent appliedLine() {
        return logs.events().stream().filter(e -> e.getFormattedMessage().startsWith("balances: applied")).findFirst()
                .orElseThrow(() -> new AssertionError("no applied line in " + logs.messages()));
    }

    @Test
    void shouldCountLiveAndReplayedEventsAndTheLiveLag_whenABatchMixesFeedAndPlaybackRecords() {
        pump(opened("a1", "acc-1"), deposited("a2", "acc-1", "10.00"), opened("b1", "acc-2"));
        PlaybackRecord replayed = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), stored("acc-1"));
        PlaybackRecord others = new PlaybackRecord("r-1", "g1", List.of("payouts"), stored("acc-2"));

        StreamsEventResponse response = measured().handleRequest(batch(record("1", stored("acc-1")), record("2", stored("acc-2")),
                playback("shardId-000000000000", "3", replayed), playback("shardId-000000000000", "4", others)), null);

        assertEquals(List.of(), failures(response));
        assertEquals("balances: applied 3 live and 2 replayed events; oldest live event 1500 ms old", appliedLine().getFormattedMessage());
        JsonNode counts = dev.playback.model.event.Envelopes.json(logs.metricLines().get(0));
        assertEquals(List.of("balances", 3L, 2L, 1500L), List.of(counts.path("Processor").asText(), counts.path("EventsApplied").asLong(),
                counts.path("ReplayEventsApplied").asLong(), counts.path("ProcessorLag").asLong()), counts.toString());
        assertEquals(null, appliedLine().getMDCPropertyMap().get("eventId"), "several live events: no one event id");
        assertEquals(null, appliedLine().getMDCPropertyMap().get("replayId"), "live and replayed events: no one replay id");
    }

    @Test
    void shouldLogTheEventsIdsAndCountNoReplayedEvents_whenTheBatchIsOneLiveEvent() {
        pump(opened("a1", "acc-1"));

        measured().handleRequest(batch(record("1", stored("acc-1"))), null);

        assertEquals("balances: applied 1 live and 0 replayed events; oldest live event 1500 ms old", appliedLine().getFormattedMessage());
        assertEquals(Map.of("eventId", "a1", "aggregateId", "acc-1", "processor", "balances"), appliedLine().getMDCPropertyMap());
        JsonNode counts = dev.playback.model.event.Envelopes.json(logs.metricLines().get(0));
        assertEquals(List.of(1L, false), List.of(counts.path("EventsApplied").asLong(), counts.has("ReplayEventsApplied")), counts.toString());
    }

    @Test
    void shouldLogTheReplayAndGenerationAndNoLag_whenTheBatchHoldsOnlyOneReplaysRecords() {
        pump(opened("a1", "acc-1"), deposited("a2", "acc-1", "10.00"));
        PlaybackRecord replayed = new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), stored("acc-1"));

        measured().handleRequest(batch(playback("shardId-000000000000", "3", replayed)), null);

        assertEquals("balances: applied 0 live and 2 replayed events", appliedLine().getFormattedMessage());
        assertEquals(Map.of("replayId", "r-1", "generation", "g1", "processor", "balances"), appliedLine().getMDCPropertyMap());
        JsonNode counts = dev.playback.model.event.Envelopes.json(logs.metricLines().get(0));
        assertEquals(List.of(2L, false, false), List.of(counts.path("ReplayEventsApplied").asLong(), counts.has("EventsApplied"),
                counts.has("ProcessorLag")), counts.toString());
    }

    @Test
    void shouldNameNoGeneration_whenOneReplaysRecordsAreForTwoGenerations() {
        pump(opened("a1", "acc-1"));
        measured().handleRequest(batch(playback("shardId-000000000000", "3", new PlaybackRecord("r-1", "g1", List.of(BalancesProjection.NAME), stored("acc-1"))),
                playback("shardId-000000000000", "4", new PlaybackRecord("r-1", "g2", List.of(BalancesProjection.NAME), stored("acc-1")))), null);

        assertEquals(Map.of("replayId", "r-1", "processor", "balances"), appliedLine().getMDCPropertyMap());
    }

    @Test
    void shouldNotCountARetriedRecordAndSayHowManyAreRetried_whenARecordCannotBeAppliedYet() {
        pump(opened("a1", "acc-1"));
        EventEnvelope early = opened("b1", "acc-2").withVersion(2); // version 1 of acc-2 is not in the events table

        StreamsEventResponse response = measured().handleRequest(batch(record("1", stored("acc-1")), record("2", List.of(early))), null);

        assertEquals(List.of("2"), failures(response));
        assertEquals("balances: applied 1 live and 0 replayed events, 1 records to retry; oldest live event 1500 ms old",
                appliedLine().getFormattedMessage());
    }

    @Test
    void shouldLogNothingApplied_whenEveryRecordIsForAnotherProcessor() {
        pump(opened("a1", "acc-1"));

        measured().handleRequest(batch(playback("shardId-000000000000", "3",
                new PlaybackRecord("r-1", "g1", List.of("payouts"), stored("acc-1")))), null);

        assertTrue(logs.messages().stream().noneMatch(l -> l.startsWith("balances: applied")), logs.messages().toString());
        assertEquals(List.of(), logs.metricLines());
    }

    @Test
    void shouldMeasureNoNegativeLag_whenTheClockIsBehindTheEventsRecordingTime() {
        pump(opened("a1", "acc-1"));
        java.time.Clock behind = java.time.Clock.fixed(T0.minusSeconds(5), java.time.ZoneOffset.UTC);
        new ProcessorHandler(java.util.Optional.of(projection), List.of(), setAside,
                new dev.playback.lambdas.telemetry.EmbeddedMetrics("Playback/test", behind), behind).handleRequest(batch(record("1", stored("acc-1"))), null);

        assertEquals("balances: applied 1 live and 0 replayed events; oldest live event 0 ms old", appliedLine().getFormattedMessage());
    }

    @Test
    void shouldRefuseAFunctionWithoutProcessors_whenNeitherProjectionsNorEffectfulProcessorsAreGiven() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ProcessorHandler(java.util.Optional.empty(), List.of(), setAside));
        assertEquals("a processor function runs at least one processor", e.getMessage());
    }

    @Test
    void shouldRetryAnAwsSdkFailureAndParkOtherFailures_whenAProcessorThrows() {
        assertTrue(ProcessorHandler.transientFailure(software.amazon.awssdk.core.exception.SdkClientException.create("timeout")));
        org.junit.jupiter.api.Assertions.assertFalse(ProcessorHandler.transientFailure(new IllegalStateException("a bug")));
    }

    private static Map<String, String> functionEnvironment(String processors) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("EVENTS_TABLE", "events", "EVENT_IDS_TABLE", "ids", "DATA_TABLE", "data",
                "PAYLOAD_BUCKET", "payloads", "PLAYBACK_DOMAINS", "dev.playback.examples.ledger.Ledger", "AWS_REGION", "us-east-1",
                "FAILURE_BUCKET", "failures", "PARKED_TABLE", "parked", "AWS_LAMBDA_FUNCTION_NAME", "LedgerProcessors"));
        env.putAll(Map.of("FEE_RULE", "v2", "FX_URL", "http://127.0.0.1:1/", "BANK_URL", "http://127.0.0.1:2/", "RECORD_BUCKET", "records",
                "SUBJECT_KEY_TABLE", "keys", "PROCESSORS", processors));
        return env;
    }

    @Test
    void shouldNameTheFunctionAndTheUnknownProcessor_whenProcessorsNamesOneTheDomainsLack() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new ProcessorHandler(functionEnvironment("balances, ,ledgr")));
        assertTrue(e.getMessage().startsWith("LedgerProcessors: PROCESSORS: ") && e.getMessage().contains("ledgr"), e.getMessage());
    }

    @Test
    void shouldWireTheNamedProjectionsAndProcessorsWithExternalEffectsWithoutCallingAws_whenTheEnvironmentIsComplete() {
        assertEquals(List.of("balances", "payouts"), new ProcessorHandler(functionEnvironment(" balances , payouts ")).processors());
        assertEquals(List.of("payouts"), new ProcessorHandler(functionEnvironment("payouts")).processors());
        assertEquals(List.of("balances"), new ProcessorHandler(functionEnvironment("balances")).processors(), "projections only");
    }

    @Test
    void shouldRunEveryProjectionOfTheDomains_whenProcessorsIsUnset() {
        Map<String, String> env = functionEnvironment("unused");
        env.remove("PROCESSORS");
        assertEquals(List.of("balances"), new ProcessorHandler(env).processors(), "the ledger's projections, not its payouts");
    }
}

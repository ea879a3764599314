package dev.playback.lambdas.processor;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.playback.GatewayProcessing;

import dev.playback.model.playback.GatewayReplay;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayKind;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import dev.playback.lambdas.aws.kinesis.InMemorySetAside;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.playback.lambdas.aws.kinesis.KinesisBatches.batch;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.failures;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.poison;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.record;
import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayProcessingTest {
    private final FakeExternalSystems external = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
    private final GatewayPorts ports = new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog());
    private final InMemoryEventLog events = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final PayoutsProcessor processor = new PayoutsProcessor(FeeRule.V1);
    private final InMemoryReplayStore replays = new InMemoryReplayStore();
    private final InMemorySetAside setAside = new InMemorySetAside();
    private final ProcessorHandler handler = handler(processor, ports, events, states, replays, setAside);
    @org.junit.jupiter.api.extension.RegisterExtension
    final dev.playback.lambdas.LogCapture logs = new dev.playback.lambdas.LogCapture();

    /** The processor function running only {@code processor}, without gateway reports, aggregates one after another. */
    static ProcessorHandler handler(PayoutsProcessor processor, GatewayPorts ports, InMemoryEventLog events, InMemoryStateStore states,
                                    InMemoryReplayStore replays, InMemorySetAside setAside) {
        return new ProcessorHandler(java.util.Optional.empty(), List.of(new GatewayProcessing(processor, ports, events, states, replays,
                Ledger.catalog(), java.util.Optional.empty(), Runnable::run)), setAside);
    }

    /** A payout of 100.00 EUR to USD for acc-1, its third event. */
    private static final EventEnvelope PAYOUT = event("p-1", "acc-1", "PayoutRequested",
            json("{\"amount\":\"100.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}")).withVersion(3);

    /** payouts: g1 built and activated, then g2: g2 active, g1 previous. */
    private void activeG2AfterG1() {
        states.startBuilding("payouts", "g1");
        states.activate("payouts", "g0", "g1");
        states.startBuilding("payouts", "g2");
        states.activate("payouts", "g1", "g2");
    }

    private GatewayReplay.Result seed(String generation, List<EventEnvelope> history) {
        return new GatewayReplay(processor, ports, events, states, Ledger.catalog())
                .apply("seed", generation, GatewayRun.replay("seed", GatewayMode.SUPPRESS, MissingRecord.FAIL), history);
    }

    @Test
    void thePreviousGenerationNeverSendsAPayoutTheActiveOneDeclined() {
        // arrange: the previous generation g1 believes acc-1 holds 500.00 (older logic), the active g2 only 50.00
        EventEnvelope open = opened("e-1", "acc-1").withVersion(1);
        EventEnvelope payout = PAYOUT;
        events.write(List.of(open, deposited("e-2", "acc-1", "50.00").withVersion(2), payout));
        seed("g1", List.of(open, deposited("e-2", "acc-1", "500.00").withVersion(2)));
        seed("g2", List.of(open, deposited("e-2", "acc-1", "50.00").withVersion(2)));
        activeG2AfterG1();

        // act: the payout request arrives live
        StreamsEventResponse response = handler.handleRequest(batch(record("1", List.of(payout))), null);

        // assert: nothing reached the bank (the active generation declined), and the previous one followed in suppress
        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals(0, external.received().size(), "payouts sent: " + external.received());
        assertEquals(3, states.load("payouts", "g1", "acc-1").orElseThrow().version(), "the previous generation stays warm");
        assertEquals(3, states.load("payouts", "g2", "acc-1").orElseThrow().version());
    }

    @Test
    void aPayoutTheActiveGenerationAcceptsIsSentOnceAlthoughThePreviousFollows() {
        EventEnvelope open = opened("e-1", "acc-1").withVersion(1);
        EventEnvelope deposit = deposited("e-2", "acc-1", "500.00").withVersion(2);
        EventEnvelope payout = PAYOUT;
        events.write(List.of(open, deposit, payout));
        seed("g1", List.of(open, deposit));
        seed("g2", List.of(open, deposit));
        activeG2AfterG1();

        StreamsEventResponse response = handler.handleRequest(batch(record("1", List.of(payout))), null);

        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals(1, external.received().size(), "payouts sent: " + external.received());
        assertEquals(3, states.load("payouts", "g1", "acc-1").orElseThrow().version());
    }

    @Test
    void shouldLogAndCountTheLiveEventItApplied_whenAProcessorWithExternalEffectsTakesABatch() {
        EventEnvelope open = opened("e-1", "acc-1").withVersion(1);
        EventEnvelope deposit = deposited("e-2", "acc-1", "500.00").withVersion(2);
        events.write(List.of(open, deposit, PAYOUT));
        seed("g1", List.of(open, deposit));
        states.startBuilding("payouts", "g1");
        states.activate("payouts", "g0", "g1");

        handler.handleRequest(batch(record("1", List.of(PAYOUT))), null);

        ch.qos.logback.classic.spi.ILoggingEvent applied = logs.events().stream()
                .filter(e -> e.getFormattedMessage().startsWith("payouts: applied")).findFirst()
                .orElseThrow(() -> new AssertionError("no applied line in " + logs.messages()));
        assertTrue(applied.getFormattedMessage().startsWith("payouts: applied 1 live and 0 replayed events; oldest live event "),
                applied.getFormattedMessage());
        assertEquals("payouts", applied.getMDCPropertyMap().get("processor"));
        assertTrue(logs.metricLines().stream().anyMatch(l -> l.contains("\"Processor\":\"payouts\"") && l.contains("\"EventsApplied\":1")),
                logs.metricLines().toString());
    }

    @Test
    void aLivePayoutCutShortBetweenTheBankAndTheLogAndRetriedAfterTheFixWasDeployedIsCorrectedByTheDiffReplay() {
        // arrange: the payout reaches the bank under v1, then the log is unavailable (the runtime stops) before the send is logged
        InMemoryCommandLog log = new InMemoryCommandLog();
        GatewayPorts gateway = new GatewayPorts(external, new InMemoryQueryRecords(), log);
        EventEnvelope open = opened("e-1", "acc-1").withVersion(1);
        EventEnvelope deposit = deposited("e-2", "acc-1", "500.00").withVersion(2);
        events.write(List.of(open, deposit, PAYOUT));
        log.failNextAppends(1);
        StreamsEventResponse cut = handler(new PayoutsProcessor(FeeRule.V1), gateway, events, states, replays, setAside)
                .handleRequest(batch(record("1", List.of(open, deposit, PAYOUT))), null);
        assertEquals(List.of("1"), failures(cut));
        assertEquals(new java.math.BigDecimal("107.50"), external.netPerPayout().get("p-1"));

        // act: v2 is deployed; the live record comes again, then the diff replay's record
        ProcessorHandler v2 = handler(new PayoutsProcessor(FeeRule.V2), gateway, events, states, replays, setAside);
        assertEquals(List.of(), failures(v2.handleRequest(batch(record("1", List.of(open, deposit, PAYOUT))), null)));
        replays.create(new Replay("fix-1", ReplayKind.REBUILD, "g1", List.of("payouts"), 1, 500, false, ReplayStatus.RUNNING,
                java.time.Instant.parse("2026-12-01T00:00:00Z"), null, null, 0, 0, 0, null, "diff", "fail"));
        PlaybackRecord r = new PlaybackRecord("fix-1", "g1", List.of("payouts"), List.of(open, deposit, PAYOUT), "diff", "fail");
        assertEquals(List.of(), failures(v2.handleRequest(batch(record("7", r.aggregateId(), PlaybackRecords.encode(r))), null)));

        // assert: the bank kept v1's 107.50 under the payout's key, so the replay corrects it by -0.08 to v2's 107.42
        assertEquals(List.of("107.50", "-0.08"), external.received().stream().map(x -> x.command().path("amount").asText()).toList());
        assertEquals(new java.math.BigDecimal("107.42"), external.netPerPayout().get("p-1"));
    }

    private StreamsEventResponse deliverAllowReplayRecord(ReplayStatus status) {
        EventEnvelope open = opened("e-1", "acc-1").withVersion(1);
        EventEnvelope deposit = deposited("e-2", "acc-1", "500.00").withVersion(2);
        EventEnvelope payout = PAYOUT;
        events.write(List.of(open, deposit, payout));
        replays.create(new Replay("allow-1", ReplayKind.REBUILD, "g1", List.of("payouts"), 1, 500, false, status,
                java.time.Instant.parse("2026-12-01T00:00:00Z"), null, null, 0, 0, 0, null, "allow:bank,fx", "live"));
        PlaybackRecord r = new PlaybackRecord("allow-1", "g1", List.of("payouts"), List.of(open, deposit, payout), "allow:bank,fx", "live");
        return handler.handleRequest(batch(record("7", r.aggregateId(), PlaybackRecords.encode(r))), null);
    }

    @Test
    void aRunningAllowReplaysRecordSendsItsPayout() {
        StreamsEventResponse response = deliverAllowReplayRecord(ReplayStatus.RUNNING);

        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals(1, external.received().size(), "payouts sent: " + external.received());
    }

    @Test
    void aRecordOfAReplayThatWasStoppedSendsNothing_andIsNotRetried() {
        StreamsEventResponse response = deliverAllowReplayRecord(ReplayStatus.ABORTED);

        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals(0, external.received().size(), "payouts sent: " + external.received());
        assertEquals(java.util.Optional.empty(), states.load("payouts", "g1", "acc-1"), "the dropped generation got nothing");
    }

    @Test
    void aPlaybackRecordTheBankKeepsRefusingIsRetriedTenTimesThenGivenUpAndStaysRecordedAsFailed() {
        external.crashAfterSends(0);
        for (int attempt = 1; attempt <= 10; attempt++) {
            assertEquals(List.of("7"), failures(deliverAllowReplayRecord(ReplayStatus.RUNNING)), "attempt " + attempt);
        }

        StreamsEventResponse eleventh = deliverAllowReplayRecord(ReplayStatus.RUNNING);

        assertEquals(List.of(), failures(eleventh), "the eleventh attempt gives up: the shard moves on");
        var shard = replays.appliedShards("allow-1", "payouts", java.util.Set.of("shardId-000000000000")).get("shardId-000000000000");
        assertEquals(11, shard.attempts().get("7"));
        assertEquals(java.util.Set.of("7"), shard.failed().keySet(), "the replay's drain check finds it and fails the replay");
    }

    @Test
    void aLiveRecordHoldingAnEventWithoutAVersionIsSetAsideAndSendsNothing() {
        EventEnvelope notAppended = event("p-9", "acc-1", "PayoutRequested",
                json("{\"amount\":\"100.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}"));

        StreamsEventResponse response = handler.handleRequest(batch(record("4", List.of(notAppended))), null);

        assertEquals(List.of(), failures(response));
        assertEquals(0, external.received().size(), "payouts sent: " + external.received());
        List<dev.playback.lambdas.aws.kinesis.SetAside.Entry> kept = setAside.keys().stream().map(setAside::get).toList();
        assertEquals(List.of("4"), kept.stream().map(e -> e.sequenceNumber()).toList());
        assertTrue(kept.get(0).reason().contains("event p-9 of acc-1 has no version"), kept.get(0).reason());
    }

    @Test
    void aRecordThatCannotBeDecodedIsSetAsideNotRetried() {
        StreamsEventResponse response = handler.handleRequest(batch(poison("3", "not a record")), null);

        assertEquals(List.of(), failures(response));
        assertEquals(List.of("3"), setAside.keys().stream().map(setAside::get).map(e -> e.sequenceNumber()).toList());
    }
}

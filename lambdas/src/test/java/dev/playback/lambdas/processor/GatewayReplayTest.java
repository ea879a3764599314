package dev.playback.lambdas.processor;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.playback.GatewayReplay;

import dev.playback.model.event.EventEnvelope;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import dev.playback.model.replay.GatewayReports;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayReplayTest {
    private final FakeExternalSystems external = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
    private final GatewayPorts ports = new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog());
    private final InMemoryEventLog events = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final List<EventEnvelope> history = new ArrayList<>();

    GatewayReplayTest() {
        long v = 1;
        for (EventEnvelope e : List.of(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"),
                event("p-1", "acc-1", "PayoutRequested", json("{\"amount\":\"100.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}")))) {
            history.add(e.withVersion(v++));
        }
        events.write(history);
    }

    private GatewayReplay replay(FeeRule rule) {
        return new GatewayReplay(new PayoutsProcessor(rule), ports, events, states, Ledger.catalog());
    }

    @Test
    void aBatchFromThePlaybackStreamIsAppliedInItsModeIntoItsGeneration() {
        replay(FeeRule.V1).apply("live-like", "g0", GatewayRun.replay("seed", GatewayMode.parse("allow:bank,fx"), MissingRecord.FAIL), history);
        assertEquals(Map.of("p-1", new BigDecimal("107.50")), external.netPerPayout());

        byte[] data = PlaybackRecords.encode(new PlaybackRecord("fix-1", "g-fix-1", List.of("payouts"), history, "diff", "fail"));
        GatewayReplay.Result r = replay(FeeRule.V2).apply(PlaybackRecords.decode(data));
        assertEquals(1, r.report().corrections().size());
        assertEquals(Map.of("p-1", new BigDecimal("107.42")), external.netPerPayout());
        assertEquals("diff", r.toJson().path("gatewayMode").asText());
        assertTrue(states.load("payouts", "g-fix-1", "acc-1").isPresent());
        assertEquals(3, states.load("payouts", "g-fix-1", "acc-1").orElseThrow().version());
    }

    @Test
    void aRecordDefaultsToSuppressAndFailAndBadModesAreNamed() {
        PlaybackRecord plain = new PlaybackRecord("r", "g", List.of("payouts"), history);
        assertEquals(GatewayMode.SUPPRESS, GatewayReplay.runOf(plain).mode());
        assertEquals(MissingRecord.FAIL, GatewayReplay.runOf(plain).missing());
        PlaybackRecord decoded = PlaybackRecords.decode(PlaybackRecords.encode(new PlaybackRecord("r", "g", List.of("payouts"), history, "allow:bank", "live")));
        assertEquals("allow:bank", GatewayMode.format(GatewayReplay.runOf(decoded).mode()));
        assertEquals(MissingRecord.LIVE, GatewayReplay.runOf(decoded).missing());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayReplay.runOf(new PlaybackRecord("r", "g", List.of("payouts"), history, "send-all", null)));
        assertTrue(e.getMessage().contains("gatewayMode") && e.getMessage().contains("send-all"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GatewayReplay.runOf(new PlaybackRecord("r", "g", List.of("payouts"), history, null, "sometimes")));
        assertTrue(e.getMessage().contains("missingRecords"), e.getMessage());
    }

    @Test
    void aReplayCannotRunTheGatewayLive() {
        assertThrows(IllegalArgumentException.class, () -> replay(FeeRule.V2).apply("r", "g", GatewayRun.live(), history));
    }

    @Test
    void aBatchRedeliveredAfterACrashBeforeItsReportPieceStillHasItsCorrectionsInTheReplaysReport() {
        // two more payouts, sent live under v1
        history.add(event("p-2", "acc-1", "PayoutRequested", json("{\"amount\":\"200.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}")).withVersion(4));
        history.add(event("p-3", "acc-1", "PayoutRequested", json("{\"amount\":\"60.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}")).withVersion(5));
        events.write(history.subList(3, 5));
        replay(FeeRule.V1).apply("live-like", "g0", GatewayRun.replay("seed", GatewayMode.parse("allow:bank,fx"), MissingRecord.FAIL), history);
        int sentBefore = external.received().size();
        GatewayReports reports = new GatewayReports(new InMemoryPayloadStore());
        GatewayRun run = GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL);

        // the batch's corrections are sent and the state saved, then the process dies before the batch's piece is written
        replay(FeeRule.V2).apply("fix-1", "g-fix-1", run, history, new GatewayReport(reports.journal("fix-1", "payouts")));
        // the batch is delivered again: its events are at or below the saved version, so nothing is applied or reported
        GatewayReplay.Result again = replay(FeeRule.V2).apply("fix-1", "g-fix-1", run, history, new GatewayReport(reports.journal("fix-1", "payouts")));
        assertTrue(again.report().isEmpty());

        var merged = reports.publish("fix-1", "diff");
        List<String> corrected = new ArrayList<>();
        merged.path("correctionList").forEach(c -> corrected.add(c.path("eventId").asText()));
        assertEquals(List.of("p-1", "p-2", "p-3"), corrected.stream().sorted().toList());
        assertEquals(3, merged.path("corrections").asInt());
        assertEquals(3, external.received().size() - sentBefore, "each correction sent once");
    }
}

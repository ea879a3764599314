package dev.playback.lambdas.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.Projector;
import dev.playback.model.replay.ReplayPorts;
import dev.playback.model.replay.ReplayProcessor;
import dev.playback.model.store.memory.InMemoryEventIndex;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryPlaybackStream;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A partial {@code diff} replay with a time window: its aggregates are rebuilt from their full streams, and the
 * external effects are those of the events inside the window only.
 */
class PartialReplayWindowTest {
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final FakeExternalSystems bank = new FakeExternalSystems().rate("EUR", "USD", "1.0850").rate("EUR", "GBP", "0.8600");
    private final GatewayPorts gateway = new GatewayPorts(bank, new InMemoryQueryRecords(), new InMemoryCommandLog());
    private final InMemoryEventIndex index = new InMemoryEventIndex(log);
    private final ReplayHandler fixed = new ReplayHandler(new ReplayPorts(
            List.of(ReplayProcessor.withGateway(new PayoutsProcessor(FeeRule.V2), gateway, log, states, Ledger.catalog())),
            log, index, index, states, new InMemoryReplayStore(), new InMemoryPlaybackStream(1), new InMemoryPayloadStore(),
            Clock.fixed(Instant.parse("2026-02-01T00:00:00Z"), ZoneOffset.UTC), Duration.ZERO));

    private static EventEnvelope at(String id, long version, String type, String payload, String day) {
        Instant t = Instant.parse(day + "T12:00:00Z");
        return new EventEnvelope(id, "acc-1", type, 1, version, null, t, t, json(payload), null, EventMetadata.NONE);
    }

    /** acc-1: opened and funded Jan 1; p-1 (100.00 EUR to USD) Jan 2; p-2 (250.55 EUR to GBP) Jan 4; all paid out live with v1's fee. */
    private void livePayouts() {
        List<EventEnvelope> history = List.of(
                at("e-1", 1, LedgerEvent.ACCOUNT_OPENED, "{\"owner\":\"Ada\",\"currency\":\"EUR\"}", "2026-01-01"),
                at("e-2", 2, LedgerEvent.MONEY_DEPOSITED, "{\"amount\":\"1000.00\"}", "2026-01-01"),
                at("p-1", 3, LedgerEvent.PAYOUT_REQUESTED, "{\"amount\":\"100.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}", "2026-01-02"),
                at("p-2", 4, LedgerEvent.PAYOUT_REQUESTED, "{\"amount\":\"250.55\",\"targetCurrency\":\"GBP\",\"beneficiary\":\"Bob\"}", "2026-01-04"));
        log.write(history);
        new Projector<>(new GatewayBinding<>(new PayoutsProcessor(FeeRule.V1), gateway, GatewayRun.live(), new GatewayReport()), log, states,
                Ledger.catalog()).applyPlayback("g0", history);
    }

    private JsonNode call(Object... keyValues) {
        return EventCodec.JSON.valueToTree(fixed.handleRequest(input(keyValues), null));
    }

    private void partialDiff(String since, String until) {
        call("action", "findAggregates", "request", input("replayId", "fix-1", "since", since, "until", until,
                "timeField", "occurredAt", "gatewayMode", "diff"));
        call("action", "rebuildAggregates", "replayId", "fix-1", "chunk", List.of("acc-1"));
        call("action", "partialReport", "replayId", "fix-1");
    }

    @Test
    void aWindowedDiffReplayCorrectsOnlyThePayoutsOfEventsInsideItsWindow() {
        livePayouts();
        assertEquals(Map.of("p-1", new BigDecimal("107.50"), "p-2", new BigDecimal("212.96")), bank.netPerPayout());

        partialDiff("2026-01-03T00:00:00Z", "2026-01-05T00:00:00Z");

        // p-2: 250.55 EUR at 0.8600 = 215.47 GBP; v1's fee 2.51 (1 % of 250.55) left 212.96, v2's 2.15 (1 % of 215.47) 213.32
        assertEquals(Map.of("p-1", new BigDecimal("107.50"), "p-2", new BigDecimal("213.32")), bank.netPerPayout());
        assertEquals(List.of("0.36"), bank.received().subList(2, bank.received().size()).stream()
                .map(r -> r.command().path("amount").asText()).toList(), "one correction, of p-2");
    }

    @Test
    void aWindowedDiffReplayWhoseWindowHoldsNoPayoutSendsNothing() {
        livePayouts();

        partialDiff("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");

        assertEquals(2, bank.received().size(), "only the two live payouts");
        assertEquals(Map.of("p-1", new BigDecimal("107.50"), "p-2", new BigDecimal("212.96")), bank.netPerPayout());
    }
}

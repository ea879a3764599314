package dev.playback.lambdas.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.snapshot.SnapshotPolicy;
import org.junit.jupiter.api.Test;

import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.examples.ledger.PayoutsState;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /aggregates/{id}} at a point in time: {@code ?asOf=}, {@code ?knownAt=}, {@code ?version=}, and what it refuses. */
class ApiTimeTravelTest extends ApiFixture {
    @Test
    void atAVersionAnswersTheFoldUpToItAndSaysWhichSnapshotItStartedFrom() {
        openWithDeposits("acc-1", 5); // opened, then deposits of 2.00 .. 6.00 at versions 2..6
        new Snapshots(snapshots, log, dev.playback.lambdas.LedgerAndDocuments.catalog(), new SnapshotPolicy(3, Map.of(), 3),
                (m, p, n) -> {
                }, line -> {
                    throw new AssertionError(line);
                }).take(new BalancesProjection(), "acc-1", 3);
        APIGatewayProxyResponseEvent response = getAggregate("acc-1", Map.of("version", "5"));
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode n = body(response);
        assertEquals("14.00", n.path("state").path("balance").asText(), "2 + 3 + 4 + 5");
        assertEquals(5, n.path("version").asLong());
        assertEquals(3, n.path("snapshot").path("version").asLong());
        assertEquals("2026-03-01T10:00:00Z", n.path("snapshot").path("latestRecordedAt").asText(), n.toString());
        assertEquals(2, n.path("eventsFolded").asInt());
        assertEquals("2", n.path("logicVersion").asText());
        assertEquals(5, n.path("query").path("version").asLong());
    }

    @Test
    void asOfAndKnownAtTakeTheEventsOfTheirTimeAndNothingBeforeAny() {
        openWithDeposits("acc-1", 2);
        JsonNode now = body(getAggregate("acc-1", Map.of("asOf", NOW.toString(), "knownAt", NOW.toString())));
        assertEquals("5.00", now.path("state").path("balance").asText());
        assertTrue(now.path("snapshot").isNull(), now.toString());
        assertEquals(3, now.path("eventsFolded").asInt());
        assertEquals("{\"asOf\":\"2026-03-01T10:00:00Z\",\"knownAt\":\"2026-03-01T10:00:00Z\"}", now.path("query").toString());
        assertEquals(404, getAggregate("acc-1", Map.of("knownAt", NOW.minusMillis(1).toString())).getStatusCode());
        assertEquals(404, getAggregate("acc-1", Map.of("asOf", "2026-03-01T10:59:59+02:00")).getStatusCode(), "an offset is understood");
    }

    @Test
    void refusesEachBadParameterNamingIt() {
        openWithDeposits("acc-1", 1);
        assertRefused(getAggregate("acc-1", Map.of("asOf", "yesterday")), 400, "asOf");
        assertRefused(getAggregate("acc-1", Map.of("knownAt", "2026-03-01T10:00:00")), 400, "knownAt");
        assertRefused(getAggregate("acc-1", Map.of("version", "-1")), 400, "version");
        assertRefused(getAggregate("acc-1", Map.of("version", "two")), 400, "version");
        assertRefused(getAggregate("acc-1", Map.of("version", "1", "processor", "nope")), 400, "processor");
        assertRefused(getAggregate("acc-1", Map.of("version", "1", "processor", "payouts")), 400, "processor");
    }

    @Test
    void anEffectfulProcessorAnswersFromItsRecordedAnswersOnlyAndAMissingOneIsAConflictNamingTheEventAndTheQuery() {
        FakeExternalSystems external = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
        InMemoryQueryRecords records = new InMemoryQueryRecords();
        InMemoryCommandLog commands = new InMemoryCommandLog();
        GatewayPorts ports = new GatewayPorts(external, records, commands);
        openWithDeposits("acc-1", 2); // opened, 2.00 and 3.00 deposited: 5.00 EUR at version 3
        assertEquals(202, post("[" + event("acc-1", "p-1", "PayoutRequested",
                "{\"amount\":\"1.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}") + "]").getStatusCode());
        pumpAndProject();
        ApiHandler folding = handlerFolding(List.of(GatewayBinding.recordedAnswers(new PayoutsProcessor(FeeRule.V2), ports)));
        Map<String, String> path = Map.of("aggregateId", "acc-1");

        // No answer was recorded for the payout's FX query: the state at version 4 cannot be folded, and nothing is asked.
        APIGatewayProxyResponseEvent missing = get(folding, "/aggregates/{aggregateId}", path, Map.of("processor", "payouts", "version", "4"));
        assertEquals(409, missing.getStatusCode(), missing.getBody());
        assertEquals("p-1", body(missing).path("eventId").asText(), missing.getBody());
        assertEquals("fx.rate", body(missing).path("callSite").asText(), missing.getBody());
        assertTrue(body(missing).path("error").asText().contains("no recorded answer for query fx.rate of event p-1"), missing.getBody());
        assertEquals("application/json", missing.getHeaders().get("Content-Type"));
        assertEquals(0, external.queries.get());
        APIGatewayProxyResponseEvent before = get(folding, "/aggregates/{aggregateId}", path, Map.of("processor", "payouts", "version", "3"));
        assertEquals(200, before.getStatusCode(), before.getBody());
        assertEquals("5.00", body(before).path("state").path("ledger").path("balance").asText(), before.getBody());

        // Processed live once (the FX rate asked and recorded, the payout sent): the same query now answers from the record.
        GatewayBinding<PayoutsState> live = new GatewayBinding<>(new PayoutsProcessor(FeeRule.V2), ports, GatewayRun.live(), new GatewayReport());
        PayoutsState s = live.initial("acc-1");
        for (var e : log.read("acc-1", 1, 100)) s = live.apply(s, e);
        int asked = external.queries.get();
        int sent = external.sendCalls.get();
        assertEquals(1, asked);
        APIGatewayProxyResponseEvent answered = get(folding, "/aggregates/{aggregateId}", path, Map.of("processor", "payouts", "version", "4"));
        assertEquals(200, answered.getStatusCode(), answered.getBody());
        assertEquals("payouts", body(answered).path("processor").asText());
        assertEquals(4, body(answered).path("version").asLong());
        assertEquals("4.00", body(answered).path("state").path("ledger").path("balance").asText(), "5.00 - 1.00: " + answered.getBody());
        assertEquals(asked, external.queries.get(), "the fold asks the FX system nothing");
        assertEquals(sent, external.sendCalls.get(), "the fold sends nothing");
    }
}

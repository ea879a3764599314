package dev.playback.lambdas.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.snapshot.SnapshotPolicy;
import org.junit.jupiter.api.Test;

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
}

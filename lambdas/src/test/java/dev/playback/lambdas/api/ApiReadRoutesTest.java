package dev.playback.lambdas.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.model.store.EventStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read routes: {@code GET /events/{eventId}}, {@code GET /aggregates/{aggregateId}} and its history, and unknown routes. */
class ApiReadRoutesTest extends ApiFixture {
    // --- GET /events/{eventId} ---

    @Test
    void answersAnAppendedEventWithItsVersion() {
        post(event("acc-1", "e-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}"));
        pumpAndProject();
        APIGatewayProxyResponseEvent response = getEvent("e-1");
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode n = body(response);
        assertEquals("appended", n.path("status").asText());
        assertEquals(1, n.path("version").asLong());
        assertEquals("acc-1", n.path("aggregateId").asText());
        assertEquals("Ada", n.path("payload").path("owner").asText());
    }

    @Test
    void answersARejectedEventWithItsReason() {
        post("[" + event("acc-1", "e-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}") + ","
                + "{\"aggregateId\":\"acc-1\",\"eventId\":\"e-2\",\"expectedVersion\":0,\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}]");
        pumpAndProject();
        APIGatewayProxyResponseEvent response = getEvent("e-2");
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode n = body(response);
        assertEquals("rejected", n.path("status").asText());
        assertTrue(n.path("reason").asText().contains("expectedVersion 0"), response.getBody());
        assertEquals(NOW.toString(), n.path("rejectedAt").asText());
    }

    @Test
    void answers404ForAnEventNotAppendedYet() {
        assertEquals(404, getEvent("never-seen").getStatusCode());
        log.record(new EventStatus.Claimed("claimed-only", "acc-1", 1, NOW));
        assertEquals(404, getEvent("claimed-only").getStatusCode(), "a claim without its event is not appended yet");
    }

    @Test
    void refusesAMalformedEventId() {
        assertRefused(getEvent("no spaces"), 400, "eventId");
    }

    // --- GET /aggregates/{aggregateId} ---

    @Test
    void answersTheProjectedStateOfAnAggregate() {
        openWithDeposits("acc-1", 2);
        APIGatewayProxyResponseEvent response = getAggregate("acc-1", null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode n = body(response);
        assertEquals("balances", n.path("processor").asText());
        assertEquals("g0", n.path("generation").asText());
        assertEquals(3, n.path("version").asLong());
        assertEquals("5.00", n.path("state").path("balance").asText());
    }

    @Test
    void servesStateFromTheActiveGeneration() {
        openWithDeposits("acc-1", 1);
        states.activate(BalancesProjection.NAME, "g1");
        assertEquals(404, getAggregate("acc-1", null).getStatusCode(), "g1 is not built yet");
        pumpAndProject();
        assertEquals("g1", body(getAggregate("acc-1", null)).path("generation").asText());
    }

    @Test
    void answers404ForAnUnknownAggregateAnd400NamingTheProcessorsForAnUnknownProcessor() {
        openWithDeposits("acc-1", 1);
        assertEquals(404, getAggregate("acc-2", null).getStatusCode());
        APIGatewayProxyResponseEvent unknown = getAggregate("acc-1", Map.of("processor", "audit"));
        assertEquals(400, unknown.getStatusCode());
        assertTrue(unknown.getBody().contains("unknown processor 'audit'; known: balances, payouts"), unknown.getBody());
    }

    @Test
    void refusesAMalformedAggregateId() {
        assertRefused(getAggregate("a".repeat(129), null), 400, "aggregateId");
    }

    // --- GET /aggregates/{aggregateId}/events ---

    private static List<Long> versions(JsonNode history) {
        List<Long> out = new ArrayList<>();
        history.path("events").forEach(e -> out.add(e.path("version").asLong()));
        return out;
    }

    @Test
    void answersTheHistoryInVersionOrder() {
        openWithDeposits("acc-1", 4);
        JsonNode n = body(getHistory("acc-1", null));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), versions(n));
        assertEquals(List.of("acc-1-e1", "acc-1-e2", "acc-1-e3", "acc-1-e4", "acc-1-e5"),
                n.path("events").findValuesAsText("eventId"));
        assertFalse(n.has("nextFromVersion"));
    }

    @Test
    void pagesThroughTheHistory() {
        openWithDeposits("acc-1", 4);
        Map<String, String> query = new HashMap<>(Map.of("limit", "2"));
        List<Long> seen = new ArrayList<>();
        for (int page = 0; page < 10; page++) {
            JsonNode n = body(getHistory("acc-1", query));
            seen.addAll(versions(n));
            if (!n.has("nextFromVersion")) break;
            query.put("fromVersion", n.path("nextFromVersion").asText());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seen);
        assertEquals(List.of(3L, 4L), versions(body(getHistory("acc-1", Map.of("fromVersion", "3", "limit", "2")))));
        assertEquals(5, body(getHistory("acc-1", Map.of("fromVersion", "3", "limit", "2"))).path("nextFromVersion").asLong());
    }

    @Test
    void answersAnEmptyPageBeyondTheEnd() {
        openWithDeposits("acc-1", 1);
        APIGatewayProxyResponseEvent response = getHistory("acc-1", Map.of("fromVersion", "9"));
        assertEquals(200, response.getStatusCode());
        assertEquals(List.of(), versions(body(response)));
    }

    @Test
    void answers404ForTheHistoryOfAnUnknownAggregate() {
        assertEquals(404, getHistory("acc-404", null).getStatusCode());
    }

    @Test
    void refusesBadPagingParameters() {
        assertRefused(getHistory("acc-1", Map.of("fromVersion", "0")), 400, "fromVersion");
        assertRefused(getHistory("acc-1", Map.of("fromVersion", "one")), 400, "fromVersion");
        assertRefused(getHistory("acc-1", Map.of("limit", "0")), 400, "limit");
        assertRefused(getHistory("acc-1", Map.of("limit", "1001")), 400, "limit");
        assertRefused(getHistory("acc-1", Map.of("limit", "many")), 400, "limit");
    }

    @Test
    void answers404ForAnUnknownRoute() {
        assertEquals(404, handler.handleRequest(postRequest(null).withHttpMethod("DELETE"), null).getStatusCode());
    }

    @Test
    void answersTheConflictingSendsOfARejectedEvent() {
        log.record(new EventStatus.Rejected("e-9", "acc-1", "expectedVersion 0 but the aggregate is at version 1", NOW, null,
                List.of("sent again with other content")));

        JsonNode n = body(getEvent("e-9"));

        assertEquals("rejected", n.path("status").asText());
        List<String> conflicts = new ArrayList<>();
        n.path("conflicts").forEach(c -> conflicts.add(c.asText()));
        assertEquals(List.of("sent again with other content"), conflicts);
    }

    @Test
    void answersAHistoryPageOfTheLargestLimit() {
        openWithDeposits("acc-1", 1);
        APIGatewayProxyResponseEvent response = getHistory("acc-1", Map.of("limit", "1000"));
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(List.of(1L, 2L), versions(body(response)));
    }

    @Test
    void refusesTheHistoryOfAMalformedAggregateId() {
        assertRefused(getHistory("no spaces", null), 400, "aggregateId");
    }
}

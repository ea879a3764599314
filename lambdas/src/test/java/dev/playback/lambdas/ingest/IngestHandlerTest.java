package dev.playback.lambdas.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.ledger.BalancesProjection;
import dev.playback.model.ledger.Ledger;
import dev.playback.model.ledger.LedgerEvent;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.Appender;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryEventPublisher;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.playback.model.event.BadSubmissions.VALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestHandlerTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    /** A free-form event type, so that payloads can be as large as a test needs. */
    private static final EventType DOCUMENT = new EventType() {
        @Override
        public String name() {
            return "DocumentAttached";
        }

        @Override
        public void validate(ObjectNode payload) {
        }
    };

    private final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    private final InMemoryEventLog log = new InMemoryEventLog(payloads);
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemoryEventPublisher stream = new InMemoryEventPublisher();
    private final IngestHandler handler;

    IngestHandlerTest() {
        List<EventType> types = new ArrayList<>(LedgerEvent.types());
        types.add(DOCUMENT);
        handler = new IngestHandler(new Ingest(new EventCatalog(types), stream, payloads, log, states, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    // --- helpers ---

    private APIGatewayProxyResponseEvent post(String body) {
        return handler.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("POST").withResource("/events")
                .withPath("/events").withBody(body), null);
    }

    private APIGatewayProxyResponseEvent get(String resource, Map<String, String> path, Map<String, String> query) {
        return handler.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("GET").withResource(resource)
                .withPathParameters(path).withQueryStringParameters(query), null);
    }

    private APIGatewayProxyResponseEvent getEvent(String eventId) {
        return get("/events/{eventId}", Map.of("eventId", eventId), null);
    }

    private APIGatewayProxyResponseEvent getAggregate(String aggregateId, Map<String, String> query) {
        return get("/aggregates/{aggregateId}", Map.of("aggregateId", aggregateId), query);
    }

    private APIGatewayProxyResponseEvent getHistory(String aggregateId, Map<String, String> query) {
        return get("/aggregates/{aggregateId}/events", Map.of("aggregateId", aggregateId), query);
    }

    private static JsonNode body(APIGatewayProxyResponseEvent response) {
        try {
            return EventCodec.JSON.readTree(response.getBody());
        } catch (Exception e) {
            throw new AssertionError("response body is not JSON: " + response.getBody(), e);
        }
    }

    private static List<String> eventIds(APIGatewayProxyResponseEvent response) {
        List<String> ids = new ArrayList<>();
        body(response).path("eventIds").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static void assertRefused(APIGatewayProxyResponseEvent response, int status, String field) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(field, body(response).path("field").asText(null), response.getBody());
        assertFalse(body(response).path("error").asText("").isBlank(), response.getBody());
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
    }

    private static String event(String aggregateId, String eventId, String type, String payload) {
        return "{\"aggregateId\":\"" + aggregateId + "\",\"eventId\":\"" + eventId + "\",\"type\":\"" + type + "\",\"payload\":" + payload + "}";
    }

    private static String document(String eventId, int textLength) {
        return event("doc-1", eventId, "DocumentAttached", "{\"text\":\"" + "x".repeat(textLength) + "\"}");
    }

    /** What the pump and the projection would do with everything published so far. */
    private void pumpAndProject() {
        new Appender(log).append(stream.published(), NOW);
        Projector<?> balances = new Projector<>(new BalancesProjection(), log, states, Ledger.catalog());
        for (String aggregateId : log.all().keySet()) {
            balances.catchUp(states.activeGeneration(BalancesProjection.NAME, Ingest.DEFAULT_GENERATION), aggregateId, Long.MAX_VALUE);
        }
    }

    private void openWithDeposits(String aggregateId, int deposits) {
        StringBuilder b = new StringBuilder("[").append(event(aggregateId, aggregateId + "-e1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}"));
        for (int i = 2; i <= deposits + 1; i++) {
            b.append(',').append(event(aggregateId, aggregateId + "-e" + i, "MoneyDeposited", "{\"amount\":\"" + i + ".00\"}"));
        }
        assertEquals(202, post(b.append(']').toString()).getStatusCode());
        pumpAndProject();
    }

    // --- POST /events ---

    @Test
    void acceptsOneEventAndReturnsItsNewId() {
        APIGatewayProxyResponseEvent response = post(VALID);
        assertEquals(202, response.getStatusCode(), response.getBody());
        List<String> ids = eventIds(response);
        assertEquals(1, ids.size());
        List<EventEnvelope> published = stream.published();
        assertEquals(1, published.size());
        assertEquals(ids.get(0), published.get(0).eventId());
        assertEquals("acc-1", published.get(0).aggregateId());
        assertEquals(NOW, published.get(0).recordedAt());
    }

    @Test
    void acceptsABatchAndReturnsTheIdsInOrder() {
        String body = "[" + event("acc-1", "e-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}") + ","
                + event("acc-2", "e-2", "AccountOpened", "{\"owner\":\"Bob\",\"currency\":\"NOK\"}") + ","
                + VALID + "]";
        APIGatewayProxyResponseEvent response = post(body);
        assertEquals(202, response.getStatusCode(), response.getBody());
        List<String> ids = eventIds(response);
        assertEquals(3, ids.size());
        assertEquals(List.of("e-1", "e-2"), ids.subList(0, 2));
        assertEquals(ids, stream.published().stream().map(EventEnvelope::eventId).toList());
    }

    @Test
    void acceptsABase64EncodedBody() {
        String encoded = Base64.getEncoder().encodeToString(VALID.getBytes(StandardCharsets.UTF_8));
        APIGatewayProxyResponseEvent response = handler.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("POST")
                .withResource("/events").withBody(encoded).withIsBase64Encoded(true), null);
        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(1, stream.published().size());
    }

    @Test
    void refusesABodyThatIsNotBase64WhenItSaysItIs() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("POST")
                .withResource("/events").withBody("{not base64}").withIsBase64Encoded(true), null);
        assertRefused(response, 400, "body");
    }

    @Test
    void refusesMalformedJsonNamingTheBody() {
        APIGatewayProxyResponseEvent response = post("{\"aggregateId\":\"acc-1\",");
        assertRefused(response, 400, "body");
        assertTrue(body(response).path("error").asText().contains("not valid JSON"), response.getBody());
        assertEquals(List.of(), stream.published());
    }

    @Test
    void refusesJsonFollowedByMoreText() {
        assertRefused(post(VALID + " {\"second\":1}"), 400, "body");
        assertRefused(post("[" + VALID + "]]"), 400, "body");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void refusesAnEmptyBody() {
        assertRefused(post(""), 400, "body");
        assertRefused(post(null), 400, "body");
        assertRefused(post("   "), 400, "body");
    }

    @ParameterizedTest(name = "{0} → 400 naming {2}")
    @MethodSource("dev.playback.model.event.BadSubmissions#cases")
    void refusesBadInputWith400NamingTheFieldAndPublishesNothing(String problem, String body, String field) {
        assertRefused(post(body), 400, field);
        assertEquals(List.of(), stream.published());
    }

    @Test
    void refusesABodyOverTenMegabytes() {
        String body = document("big", IngestHandler.MAX_BODY_BYTES);
        assertRefused(post(body), 413, "body");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void refusesAnEventOverOneMegabyte() {
        assertRefused(post(document("big", Ingest.MAX_EVENT_BYTES)), 413, "body");
        assertRefused(post("[" + document("small", 10) + "," + document("big", Ingest.MAX_EVENT_BYTES) + "]"), 413, "[1]");
        // Over 1 MB and invalid too: the size is what is reported (413), not the field (400).
        String invalidAndBig = "{\"aggregateId\":\"a-1\",\"type\":\"DocumentAttached\",\"payload\":{},\"colour\":\""
                + "x".repeat(Ingest.MAX_EVENT_BYTES) + "\"}";
        assertRefused(post(invalidAndBig), 413, "body");
        assertEquals(List.of(), stream.published());
        assertEquals(0, payloads.size());
    }

    @Test
    void keepsAPayloadOver256KilobytesAsideAndResolvesItOnRead() {
        int length = Ingest.INLINE_PAYLOAD_BYTES + 1000;
        APIGatewayProxyResponseEvent response = post("[" + document("d-1", length) + "," + document("d-2", 10) + "]");
        assertEquals(202, response.getStatusCode(), response.getBody());
        EventEnvelope travelled = stream.published().get(0);
        assertNull(travelled.payload());
        assertTrue(travelled.payloadRef() != null && travelled.payloadRef().contains("d-1"), String.valueOf(travelled.payloadRef()));
        assertTrue(EventCodec.toBytes(travelled).length < 2000, "the event travels without its payload");
        assertEquals(1, payloads.size());
        assertEquals(10, stream.published().get(1).payload().get("text").asText().length(), "small payloads stay inline");

        pumpAndProject();
        JsonNode read = body(getEvent("d-1"));
        assertEquals(length, read.path("payload").path("text").asText().length());
        JsonNode history = body(getHistory("doc-1", null));
        assertEquals(length, history.path("events").get(0).path("payload").path("text").asText().length());
    }

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
    void refusesWith409AnEventIdAlreadyTakenByOtherContentOrAnotherAggregate_andShowsLaterConflictsOnTheEvent() {
        assertEquals(202, post(event("acc-1", "e-taken", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}")).getStatusCode());
        assertEquals(202, post(event("acc-1", "d-taken", "MoneyDeposited", "{\"amount\":\"1.00\"}")).getStatusCode());
        pumpAndProject();
        int published = stream.published().size();

        APIGatewayProxyResponseEvent otherAggregate = post(event("acc-2", "e-taken", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}"));
        APIGatewayProxyResponseEvent otherContent = post("[" + event("acc-1", "fresh", "MoneyDeposited", "{\"amount\":\"2.00\"}") + ","
                + event("acc-1", "d-taken", "MoneyDeposited", "{\"amount\":\"900.00\"}") + "]");
        APIGatewayProxyResponseEvent sameAgain = post(event("acc-1", "d-taken", "MoneyDeposited", "{\"amount\":\"1.00\"}"));

        assertRefused(otherAggregate, 409, "eventId");
        assertTrue(body(otherAggregate).path("error").asText().contains("e-taken"), otherAggregate.getBody());
        assertRefused(otherContent, 409, "[1].eventId");
        assertTrue(body(otherContent).path("error").asText().contains("d-taken"), otherContent.getBody());
        assertEquals(202, sameAgain.getStatusCode(), "a re-send of the same event is idempotent");
        assertEquals(published + 1, stream.published().size(), "only the identical re-send was published");

        // Sends that race past ingest (both accepted before either is appended) end as a visible conflict.
        new Appender(log).append(List.of(dev.playback.model.event.Envelopes.deposited("d-taken", "acc-1", "900.00")), NOW);
        JsonNode shown = body(getEvent("d-taken"));
        assertEquals("appended", shown.path("status").asText());
        assertEquals("1.00", shown.path("payload").path("amount").asText());
        assertEquals(1, shown.path("conflicts").size(), shown.toString());
        assertTrue(shown.path("conflicts").get(0).asText().contains(dev.playback.model.store.ContentHash.of(
                dev.playback.model.event.Envelopes.deposited("d-taken", "acc-1", "900.00"))), shown.toString());
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
    void answers404ForAnUnknownAggregateOrProcessor() {
        openWithDeposits("acc-1", 1);
        assertEquals(404, getAggregate("acc-2", null).getStatusCode());
        assertEquals(404, getAggregate("acc-1", Map.of("processor", "audit")).getStatusCode());
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
        assertEquals(404, handler.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("DELETE").withResource("/events"), null).getStatusCode());
    }
}

package dev.playback.lambdas.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.lambdas.Fixtures;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiHandlerTest {
    /** The sample ledger's processors: {@code GET /aggregates/{id}} answers for the first without {@code ?processor=}. */
    private static final List<String> PROCESSORS = List.of("balances", "payouts");
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    private final InMemoryEventLog log = new InMemoryEventLog(payloads);
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemoryEventPublisher stream = new InMemoryEventPublisher();
    private final ApiHandler handler;

    ApiHandlerTest() {
        handler = new ApiHandler(new Ingest(dev.playback.lambdas.LedgerAndDocuments.catalog(), stream, payloads, log, states, Clock.fixed(NOW, ZoneOffset.UTC)), PROCESSORS);
    }

    // --- helpers ---

    /** {@code POST /events} as the HTTP API sends it (events/api-post-events.json) with this body, and its headers. */
    private static APIGatewayProxyRequestEvent postRequest(String body) {
        APIGatewayProxyRequestEvent request = Fixtures.api("api-post-events.json").withBody(body);
        Map<String, String> headers = new HashMap<>(request.getHeaders());
        if (body != null) headers.put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        return request.withHeaders(headers).withMultiValueHeaders(multi(headers));
    }

    /** {@code POST /events} with this body and exactly these headers. */
    private static APIGatewayProxyRequestEvent postRequest(String body, Map<String, String> headers) {
        return Fixtures.api("api-post-events.json").withBody(body).withHeaders(headers).withMultiValueHeaders(multi(headers));
    }

    private static Map<String, List<String>> multi(Map<String, String> single) {
        if (single == null) return null;
        Map<String, List<String>> out = new HashMap<>();
        single.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    private APIGatewayProxyResponseEvent post(String body) {
        return handler.handleRequest(postRequest(body), null);
    }

    private APIGatewayProxyResponseEvent post(String body, Map<String, String> headers) {
        return handler.handleRequest(postRequest(body, headers), null);
    }

    /** A GET route as the HTTP API sends it, from the route's fixture, with these path and query parameters. */
    private APIGatewayProxyResponseEvent get(String resource, Map<String, String> path, Map<String, String> query) {
        String fixture = switch (resource) {
            case "/events/{eventId}" -> "api-get-event.json";
            case "/aggregates/{aggregateId}" -> "api-get-aggregate.json";
            case "/aggregates/{aggregateId}/events" -> "api-get-aggregate-events.json";
            default -> throw new IllegalArgumentException("no fixture for route GET " + resource);
        };
        String concrete = resource;
        for (Map.Entry<String, String> p : path.entrySet()) concrete = concrete.replace("{" + p.getKey() + "}", p.getValue());
        return handler.handleRequest(Fixtures.api(fixture).withPath(concrete).withPathParameters(path)
                .withQueryStringParameters(query).withMultiValueQueryStringParameters(multi(query)), null);
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
    void acceptsTheEventOfAnHttpApiRequestAsItArrives() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(Fixtures.api("api-post-events.json"), null);

        assertEquals(202, response.getStatusCode(), response.getBody());
        List<EventEnvelope> published = stream.published();
        assertEquals(eventIds(response), published.stream().map(EventEnvelope::eventId).toList());
        EventEnvelope e = published.get(0);
        assertEquals(List.of("acc-1", "AccountOpened", Instant.parse("2026-03-01T09:58:00Z"), NOW, "Ada"),
                List.of(e.aggregateId(), e.type(), e.occurredAt(), e.recordedAt(), e.payload().path("owner").asText()));
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
        APIGatewayProxyResponseEvent response = handler.handleRequest(postRequest(encoded).withIsBase64Encoded(true), null);
        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(1, stream.published().size());
    }

    @Test
    void refusesABodyThatIsNotBase64WhenItSaysItIs() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(postRequest("{not base64}").withIsBase64Encoded(true), null);
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
    void refusesABodyOverThreeMillionBytes() {
        String body = document("big", 3_000_000);
        assertRefused(post(body), 413, "body");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void acceptsABodyJustUnderThreeMillionBytes() {
        String body = "[" + document("d-1", 990_000) + "," + document("d-2", 990_000) + "," + document("d-3", 990_000) + "]";
        assertTrue(body.length() > 2_970_000 && body.length() < 3_000_000, "body length " + body.length());

        APIGatewayProxyResponseEvent response = post(body);

        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(3, stream.published().size());
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

    // --- issue 9: every check that could refuse an event runs here, before the 202 ---

    /** Words of the JSON library and the JVM that no answer may show. */
    private static final List<String> LIBRARY_WORDS = List.of("com.fasterxml", "jackson", "Jackson", "Exception", "java.",
            "StreamRead", "JsonToken", "JsonNode", "Source:", "`", "REDACTED", "null location");

    private static void assertNoLibraryWords(APIGatewayProxyResponseEvent response) {
        String error = body(response).path("error").asText("");
        for (String word : LIBRARY_WORDS) assertFalse(error.contains(word), "'" + word + "' in: " + error);
    }

    @ParameterizedTest(name = "{0} → 400 naming {2}")
    @MethodSource("dev.playback.model.event.BadSubmissions#unreadable")
    void refusesAnUnreadableBodyWith400NamingWhereAndPublishesNothing(String problem, String body, String field) {
        APIGatewayProxyResponseEvent response = post(body);
        assertRefused(response, 400, field);
        assertNoLibraryWords(response);
        assertEquals(List.of(), stream.published());
    }

    @ParameterizedTest(name = "{0}: no library words in the answer")
    @MethodSource("dev.playback.model.event.BadSubmissions#cases")
    void answersBadInputInItsOwnWords(String problem, String body, String field) {
        assertNoLibraryWords(post(body));
    }

    @Test
    void answersBadHeadersAndBodiesInItsOwnWords() {
        List<APIGatewayProxyResponseEvent> answers = List.of(
                post(VALID, Map.of("Content-Type", "text/plain")),
                post(VALID, Map.of("Idempotency-Key", "has space")),
                post("{not base64}", Map.of()),
                handler.handleRequest(postRequest("{not base64}").withIsBase64Encoded(true), null),
                handler.handleRequest(postRequest(Base64.getEncoder().encodeToString(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}))
                        .withIsBase64Encoded(true), null));
        for (APIGatewayProxyResponseEvent a : answers) {
            assertTrue(a.getStatusCode() >= 400 && a.getStatusCode() < 500, a.getBody());
            assertNoLibraryWords(a);
        }
    }

    @Test
    void appendsNothingOfABodyWithADuplicateAmount() {
        APIGatewayProxyResponseEvent response = post("{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\",\"amount\":\"900.00\"}}");
        assertRefused(response, 400, "payload.amount");
        pumpAndProject();
        assertEquals(Map.of(), log.all());
    }

    @Test
    void answersAnOccurredAtThePumpCouldNotStoreWith400() {
        APIGatewayProxyResponseEvent response = post("{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\","
                + "\"occurredAt\":\"+1000000000-01-01T00:00:00Z\",\"payload\":{\"amount\":\"1.00\"}}");
        assertRefused(response, 400, "occurredAt");
        assertTrue(body(response).path("error").asText().contains("0001-01-01T00:00:00Z"), response.getBody());
    }

    @Test
    void refusesAnExpectedVersionOf2To64InsteadOfReadingItAs0() {
        assertRefused(post("{\"aggregateId\":\"acc-1\",\"type\":\"AccountOpened\",\"expectedVersion\":18446744073709551616,"
                + "\"payload\":{\"owner\":\"Ada\",\"currency\":\"EUR\"}}"), 400, "expectedVersion");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void refusesALoneSurrogateInsteadOfStoringAQuestionMark() {
        assertRefused(post(document("d-1", 0).replace("\"text\":\"\"", "\"text\":\"a\\ud800b\"")), 400, "payload.text");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void keepsNumbersOfAPayloadExactlyOrRefusesThem() {
        assertRefused(post(event("doc-1", "d-1", "DocumentAttached", "{\"x\":1e400}")), 400, "payload.x");
        assertRefused(post(event("doc-1", "d-1", "DocumentAttached", "{\"x\":[0.1000000000000000000001]}")), 400, "payload.x[0]");
        assertEquals(List.of(), stream.published());
        assertEquals(202, post(event("doc-1", "d-2", "DocumentAttached",
                "{\"a\":0.1,\"b\":-2.5e300,\"c\":123456789012345678901234567890}")).getStatusCode());
        pumpAndProject();
        JsonNode stored = body(getEvent("d-2")).path("payload");
        assertEquals(0.1, stored.path("a").doubleValue());
        assertEquals(-2.5e300, stored.path("b").doubleValue());
        assertEquals(new java.math.BigInteger("123456789012345678901234567890"), stored.path("c").bigIntegerValue());
    }

    // --- Content-Type ---

    @Test
    void answers415ForABodyThatIsNotJson() {
        APIGatewayProxyResponseEvent response = post(VALID, Map.of("Content-Type", "text/plain"));
        assertRefused(response, 415, "Content-Type");
        assertRefused(post(VALID, Map.of("content-type", "application/x-www-form-urlencoded")), 415, "Content-Type");
        assertRefused(post(VALID, Map.of("Content-Type", "application/json; charset=ISO-8859-1")), 415, "Content-Type");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void acceptsJsonWithOrWithoutCharsetAndABodyWithoutContentType() {
        assertEquals(202, post(VALID, Map.of("Content-Type", "application/json")).getStatusCode());
        assertEquals(202, post(VALID, Map.of("content-type", "application/json; charset=UTF-8")).getStatusCode());
        assertEquals(202, post(VALID, Map.of()).getStatusCode());
        assertEquals(3, stream.published().size());
    }

    // --- Idempotency-Key ---

    @Test
    void givesARetryWithTheSameIdempotencyKeyTheSameIdsAndAppendsItOnce() {
        String body = "[" + event("acc-1", "own-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}") + ","
                + "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"10.00\"}},"
                + "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"5.00\"}}]";
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "retry-1");

        APIGatewayProxyResponseEvent first = post(body, headers);
        pumpAndProject();
        APIGatewayProxyResponseEvent retry = post(body, Map.of("idempotency-key", "retry-1"));
        pumpAndProject();

        List<String> expected = List.of("own-1", "ik1-3998fbdb8d844aa01d03de09b39b7b08-1", "ik1-3998fbdb8d844aa01d03de09b39b7b08-2");
        assertEquals(202, first.getStatusCode(), first.getBody());
        assertEquals(expected, eventIds(first));
        assertEquals(expected, eventIds(retry));
        assertEquals(expected, log.all().get("acc-1").stream().map(EventEnvelope::eventId).toList(), "appended once");
        assertEquals("15.00", body(getAggregate("acc-1", null)).path("state").path("balance").asText());
    }

    @Test
    void appendsARetryWithoutIdempotencyKeyOrIdsTwice() {
        // What the key is for: without it, each request gets new ids.
        String body = "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"10.00\"}}";
        assertNotEquals(eventIds(post(body)), eventIds(post(body)));
    }

    @Test
    void refusesWith409ARetryOfOneKeyWithAnotherBody_andKeepsTheFirst() {
        post("{\"aggregateId\":\"acc-1\",\"type\":\"AccountOpened\",\"payload\":{\"owner\":\"Ada\",\"currency\":\"EUR\"}}",
                Map.of("Idempotency-Key", "k-1"));
        pumpAndProject();
        APIGatewayProxyResponseEvent other = post("{\"aggregateId\":\"acc-1\",\"type\":\"AccountOpened\",\"payload\":{\"owner\":\"Eve\",\"currency\":\"NOK\"}}",
                Map.of("Idempotency-Key", "k-1"));
        pumpAndProject();
        assertRefused(other, 409, "eventId");
        List<EventEnvelope> history = log.all().get("acc-1");
        assertEquals(1, history.size());
        assertEquals("Ada", history.get(0).payload().get("owner").asText());
    }

    @Test
    void refusesAMalformedIdempotencyKeyNamingTheHeader() {
        assertRefused(post(VALID, Map.of("Idempotency-Key", "")), 400, "Idempotency-Key");
        assertRefused(post(VALID, Map.of("Idempotency-Key", "k".repeat(256))), 400, "Idempotency-Key");
        assertRefused(post(VALID, Map.of("Idempotency-Key", "with space")), 400, "Idempotency-Key");
        assertRefused(handler.handleRequest(postRequest(VALID, Map.of("Idempotency-Key", "b"))
                .withMultiValueHeaders(Map.of("Idempotency-Key", List.of("a", "b"))), null), 400, "Idempotency-Key");
        assertEquals(List.of(), stream.published());
    }

    // --- the publish deadline ---

    @Test
    void answers503WithTheIdsToRetryWithWhenThePublishDeadlinePasses() {
        ApiHandler slow = new ApiHandler(new Ingest(Ledger.catalog(), events -> {
            throw new dev.playback.model.event.PublishDeadlineExceeded(java.time.Duration.ofSeconds(20), "3 records not on stream events", null);
        }, payloads, log, states, Clock.fixed(NOW, ZoneOffset.UTC)), PROCESSORS);
        String body = "[" + event("acc-1", "own-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}") + "," + VALID + "]";

        APIGatewayProxyResponseEvent response = slow.handleRequest(postRequest(body, Map.of("Idempotency-Key", "retry-1")), null);

        assertEquals(503, response.getStatusCode(), response.getBody());
        JsonNode n = body(response);
        assertEquals(List.of("own-1", "ik1-3998fbdb8d844aa01d03de09b39b7b08-1"), eventIds(response));
        assertTrue(n.path("error").asText().contains("within 20 s"), response.getBody());
        assertTrue(n.path("error").asText().contains("same Idempotency-Key"), response.getBody());
        assertTrue(n.path("error").asText().contains("none is acknowledged"), response.getBody());
        assertNoLibraryWords(response);
    }

    // --- claim-check payloads are written once ---

    /** Golden values: SHA-256 of the payload's bytes computed with Python's hashlib. */
    @Test
    void keepsALargePayloadUnderAKeyNamedByItsSha256() {
        int length = Ingest.INLINE_PAYLOAD_BYTES + 10;
        assertEquals(202, post(document("d-1", length)).getStatusCode());
        assertEquals("memory://payloads/doc-1/d-1/e2397e8f18a0498e9438f3db841fa9d72e8ced5a6c35d626e771c8ab4ef7b7e6.json",
                stream.published().get(0).payloadRef());
        EventEnvelope small = new EventEnvelope("e-1", "acc-1", "MoneyDeposited", 2, null, null, NOW, NOW,
                dev.playback.model.event.Envelopes.json("{\"amount\":\"1.00\"}"), null, null);
        assertEquals("payloads/acc-1/e-1/ecd4beb07d489cdc999ba7c40e5d86d2e433e3c5248ab08cf368a85c93fb8040.json",
                Ingest.payloadKey(small, "{\"amount\":\"1.00\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void cannotReplaceTheClaimCheckOfAnAppendedEventByReSendingItsId() {
        int length = Ingest.INLINE_PAYLOAD_BYTES + 10;
        assertEquals(202, post(document("d-1", length)).getStatusCode());
        String other = event("doc-1", "d-1", "DocumentAttached", "{\"text\":\"" + "y".repeat(length) + "\"}");
        // Sent before the first is appended, so ingest cannot tell yet: both get 202, the pump decides.
        assertEquals(202, post(other).getStatusCode());
        pumpAndProject();

        assertEquals(2, payloads.size(), "the re-send went to its own key");
        assertNotEquals(stream.published().get(0).payloadRef(), stream.published().get(1).payloadRef());
        assertEquals("x".repeat(length), body(getEvent("d-1")).path("payload").path("text").asText());
        assertEquals(1, body(getEvent("d-1")).path("conflicts").size(), getEvent("d-1").getBody());
        // Once the first is recorded, the same re-send is refused before the 202.
        assertRefused(post(other), 409, "eventId");
    }

    @Test
    void readsAPayloadStoredUnderTheEarlierKeyLayout() {
        String ref = payloads.put("payloads/doc-1/old-1.json", "{\"text\":\"kept\"}".getBytes(StandardCharsets.UTF_8));
        EventEnvelope old = new EventEnvelope("old-1", "doc-1", "DocumentAttached", 1, null, null, NOW, NOW, null, ref,
                dev.playback.model.event.EventMetadata.NONE);
        new Appender(log).append(List.of(old), NOW);
        assertEquals("kept", body(getEvent("old-1")).path("payload").path("text").asText());
    }

    // --- wiring ---

    private static Map<String, String> environment(String publishSeconds) {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("EVENTS_TABLE", "EVENT_IDS_TABLE", "DATA_TABLE", "PAYLOAD_BUCKET", "EVENT_STREAM")) env.put(name, name.toLowerCase());
        env.put("AWS_REGION", "us-east-1");
        env.put("PLAYBACK_DOMAINS", "dev.playback.examples.ledger.Ledger");
        if (publishSeconds != null) env.put("INGEST_PUBLISH_SECONDS", publishSeconds);
        return env;
    }

    @Test
    void refusesAPublishDeadlineThatIsNotAPositiveNumberOfSeconds() {
        for (String bad : List.of("soon", "0", "-1", "NaN")) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> new ApiHandler(environment(bad)));
            assertTrue(e.getMessage().contains("INGEST_PUBLISH_SECONDS") && e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void wiresProductionWithOrWithoutAPublishDeadlineWithoutCallingAws() {
        new ApiHandler(environment(null));
        new ApiHandler(environment("2.5"));
    }
}

package dev.playback.lambdas.api;

import dev.playback.model.ingest.Ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.lambdas.Fixtures;
import dev.playback.model.event.EventCodec;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.TimeTravel;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.Appender;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryEventPublisher;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryStateStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The HTTP API's function over in-memory ports, fed requests as API Gateway sends them (the fixtures under
 * {@code events/api-*.json}), with what the API tests share: sending, reading answers, and standing in for the pump
 * and the projection.
 */
abstract class ApiFixture {
    /** The sample ledger's processors: {@code GET /aggregates/{id}} answers for the first without {@code ?processor=}. */
    static final List<String> PROCESSORS = List.of("balances", "payouts");
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    final InMemoryEventLog log = new InMemoryEventLog(payloads);
    final InMemoryStateStore states = new InMemoryStateStore();
    final InMemoryEventPublisher stream = new InMemoryEventPublisher();
    final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
    /** The subjects' keys of this fixture's ingest: what was stored sealed is revealed with them. */
    final dev.playback.model.privacy.PersonalData personal =
            new dev.playback.model.privacy.PersonalData(new dev.playback.model.privacy.memory.InMemorySubjectKeys());
    final Ingest ingest = new Ingest(dev.playback.lambdas.LedgerAndDocuments.catalog(), stream, payloads, log, states, personal,
            Clock.fixed(NOW, ZoneOffset.UTC));
    final ApiHandler handler;

    ApiFixture() {
        handler = handlerFolding(Ledger.processors());
    }

    /** The API function over this fixture's ports, answering time travel for {@code foldable}. */
    ApiHandler handlerFolding(List<dev.playback.model.processor.Processor<?>> foldable) {
        return new ApiHandler(ingest, PROCESSORS, new EmbeddedMetrics(EmbeddedMetrics.DEFAULT_NAMESPACE, Clock.systemUTC()),
                new TimeTravel(log, snapshots, dev.playback.lambdas.LedgerAndDocuments.catalog()), foldable);
    }

    // --- helpers ---

    /** {@code POST /events} as the HTTP API sends it (events/api-post-events.json) with this body, and its headers. */
    static APIGatewayProxyRequestEvent postRequest(String body) {
        APIGatewayProxyRequestEvent request = Fixtures.api("api-post-events.json").withBody(body);
        Map<String, String> headers = new HashMap<>(request.getHeaders());
        if (body != null) headers.put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
        return request.withHeaders(headers).withMultiValueHeaders(multi(headers));
    }

    /** {@code POST /events} with this body and exactly these headers. */
    static APIGatewayProxyRequestEvent postRequest(String body, Map<String, String> headers) {
        return Fixtures.api("api-post-events.json").withBody(body).withHeaders(headers).withMultiValueHeaders(multi(headers));
    }

    static Map<String, List<String>> multi(Map<String, String> single) {
        if (single == null) return null;
        Map<String, List<String>> out = new HashMap<>();
        single.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    APIGatewayProxyResponseEvent post(String body) {
        return handler.handleRequest(postRequest(body), null);
    }

    APIGatewayProxyResponseEvent post(String body, Map<String, String> headers) {
        return handler.handleRequest(postRequest(body, headers), null);
    }

    /** A GET route as the HTTP API sends it, from the route's fixture, with these path and query parameters. */
    APIGatewayProxyResponseEvent get(String resource, Map<String, String> path, Map<String, String> query) {
        return get(handler, resource, path, query);
    }

    /** A GET route sent to {@code to}. */
    static APIGatewayProxyResponseEvent get(ApiHandler to, String resource, Map<String, String> path, Map<String, String> query) {
        String fixture = switch (resource) {
            case "/events/{eventId}" -> "api-get-event.json";
            case "/aggregates/{aggregateId}" -> "api-get-aggregate.json";
            case "/aggregates/{aggregateId}/events" -> "api-get-aggregate-events.json";
            default -> throw new IllegalArgumentException("no fixture for route GET " + resource);
        };
        String concrete = resource;
        for (Map.Entry<String, String> p : path.entrySet()) concrete = concrete.replace("{" + p.getKey() + "}", p.getValue());
        return to.handleRequest(Fixtures.api(fixture).withPath(concrete).withPathParameters(path)
                .withQueryStringParameters(query).withMultiValueQueryStringParameters(multi(query)), null);
    }

    APIGatewayProxyResponseEvent getEvent(String eventId) {
        return get("/events/{eventId}", Map.of("eventId", eventId), null);
    }

    APIGatewayProxyResponseEvent getAggregate(String aggregateId, Map<String, String> query) {
        return get("/aggregates/{aggregateId}", Map.of("aggregateId", aggregateId), query);
    }

    APIGatewayProxyResponseEvent getHistory(String aggregateId, Map<String, String> query) {
        return get("/aggregates/{aggregateId}/events", Map.of("aggregateId", aggregateId), query);
    }

    static JsonNode body(APIGatewayProxyResponseEvent response) {
        try {
            return EventCodec.JSON.readTree(response.getBody());
        } catch (Exception e) {
            throw new AssertionError("response body is not JSON: " + response.getBody(), e);
        }
    }

    static List<String> eventIds(APIGatewayProxyResponseEvent response) {
        List<String> ids = new ArrayList<>();
        body(response).path("eventIds").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    static void assertRefused(APIGatewayProxyResponseEvent response, int status, String field) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(field, body(response).path("field").asText(null), response.getBody());
        assertFalse(body(response).path("error").asText("").isBlank(), response.getBody());
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
    }

    static String event(String aggregateId, String eventId, String type, String payload) {
        return "{\"aggregateId\":\"" + aggregateId + "\",\"eventId\":\"" + eventId + "\",\"type\":\"" + type + "\",\"payload\":" + payload + "}";
    }

    static String document(String eventId, int textLength) {
        return event("doc-1", eventId, "DocumentAttached", "{\"text\":\"" + "x".repeat(textLength) + "\"}");
    }

    /** What the pump and the projection would do with everything published so far. */
    void pumpAndProject() {
        new Appender(log).append(stream.published(), NOW);
        Projector<?> balances = new Projector<>(new BalancesProjection(), log, states, Ledger.catalog());
        for (String aggregateId : log.all().keySet()) {
            balances.catchUp(states.activeGeneration(BalancesProjection.NAME, Ingest.DEFAULT_GENERATION), aggregateId, Long.MAX_VALUE);
        }
    }

    void openWithDeposits(String aggregateId, int deposits) {
        StringBuilder b = new StringBuilder("[").append(event(aggregateId, aggregateId + "-e1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}"));
        for (int i = 2; i <= deposits + 1; i++) {
            b.append(',').append(event(aggregateId, aggregateId + "-e" + i, "MoneyDeposited", "{\"amount\":\"" + i + ".00\"}"));
        }
        assertEquals(202, post(b.append(']').toString()).getStatusCode());
        pumpAndProject();
    }

    /** Words of the JSON library and the JVM that no answer may show. */
    static final List<String> LIBRARY_WORDS = List.of("com.fasterxml", "jackson", "Jackson", "Exception", "java.",
            "StreamRead", "JsonToken", "JsonNode", "Source:", "`", "REDACTED", "null location");

    static void assertNoLibraryWords(APIGatewayProxyResponseEvent response) {
        String error = body(response).path("error").asText("");
        for (String word : LIBRARY_WORDS) assertFalse(error.contains(word), "'" + word + "' in: " + error);
    }
}

package dev.playback.test.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 at the HTTP API of the local stack (emulators, template.yaml, in-process handlers, the real pump): what the
 * pump could not store, numbers that would wrap, what the parser cannot read, duplicate keys, text that would be
 * stored as something else and non-JSON bodies are refused before the 202, naming the field, and nothing of them is
 * appended; edge values that are accepted are appended; a POST retried with the same Idempotency-Key is appended once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IngestRefusalsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(3);

    private LocalStack stack;
    private PlaybackApi api;
    private HttpClient http;

    @BeforeAll
    void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory());
        api = new PlaybackApi(stack.apiUrl());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) stack.close();
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer post(String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/events")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("POST /events failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    private static String deposit(String aggregateId, String eventId, String extra) {
        return "{\"aggregateId\":\"" + aggregateId + "\",\"eventId\":\"" + eventId + "\",\"type\":\"MoneyDeposited\","
                + "\"payload\":{\"amount\":\"1.00\"}" + extra + "}";
    }

    private static List<String> ids(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.path("eventIds").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    @Test
    void refusesWhatThePumpCouldNotStoreOrReadBackAndAppendsNothingOfIt() {
        String acc = "it-bad";
        assertEquals(202, post("{\"aggregateId\":\"" + acc + "\",\"eventId\":\"it-bad-open\",\"type\":\"AccountOpened\","
                + "\"payload\":{\"owner\":\"Bad\",\"currency\":\"EUR\"}}", json()).status());
        stack.awaitIdle(IDLE);
        long eventsBefore = LiveChecks.count(stack.dynamoDb(), stack.physicalName("EventsTable"));
        long idsBefore = LiveChecks.count(stack.dynamoDb(), stack.physicalName("EventIdsTable"));

        record Case(String name, String body, Map<String, String> headers, int status, String field) {
        }
        List<Case> cases = List.of(
                new Case("occurredAt in year 1,000,000,000", deposit(acc, "b1", ",\"occurredAt\":\"+1000000000-01-01T00:00:00Z\""), json(), 400, "occurredAt"),
                new Case("occurredAt in year 10000", deposit(acc, "b2", ",\"occurredAt\":\"+10000-01-01T00:00:00Z\""), json(), 400, "occurredAt"),
                new Case("expectedVersion 2^64", deposit(acc, "b3", ",\"expectedVersion\":18446744073709551616"), json(), 400, "expectedVersion"),
                new Case("schemaVersion 2^32+1", deposit(acc, "b4", ",\"schemaVersion\":4294967297"), json(), 400, "schemaVersion"),
                new Case("20,000 levels of nesting", "[".repeat(20_000) + "]".repeat(20_000), json(), 400, "body"),
                new Case("a 2,000-digit number", deposit(acc, "b5", ",\"expectedVersion\":" + "1".repeat(2_000)), json(), 400, "expectedVersion"),
                new Case("a duplicate amount", "{\"aggregateId\":\"" + acc + "\",\"eventId\":\"b6\",\"type\":\"MoneyDeposited\","
                        + "\"payload\":{\"amount\":\"1.00\",\"amount\":\"900.00\"}}", json(), 400, "payload.amount"),
                new Case("a duplicate metadata key", deposit(acc, "b7", ",\"metadata\":{\"actor\":\"a\",\"actor\":\"b\"}"), json(), 400, "metadata.actor"),
                new Case("a text/plain body", deposit(acc, "b8", ""), Map.of("Content-Type", "text/plain"), 415, "Content-Type"),
                new Case("a lone surrogate", deposit(acc, "b9", ",\"metadata\":{\"actor\":\"x\\ud800\"}"), json(), 400, "metadata.actor"),
                new Case("a control character", deposit(acc, "b10", ",\"metadata\":{\"actor\":\"x\\u0007\"}"), json(), 400, "metadata.actor"),
                new Case("a bidi override", deposit(acc, "b11", ",\"metadata\":{\"correlationId\":\"\\u202Ec\"}"), json(), 400, "metadata.correlationId"),
                new Case("a malformed Idempotency-Key", deposit(acc, "b12", ""), Map.of("Content-Type", "application/json", "Idempotency-Key", "k".repeat(256)), 400, "Idempotency-Key"));

        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Answer a = post(c.body(), c.headers());
            String error = a.body().path("error").asText("");
            String line = c.name() + " -> " + a.status() + " " + a.body().path("field").asText("") + ": " + error;
            System.out.println("ingest refusal: " + (line.length() > 220 ? line.substring(0, 220) + "…" : line));
            if (a.status() != c.status() || !c.field().equals(a.body().path("field").asText()) || error.isBlank()
                    || error.contains("com.fasterxml") || error.contains("Exception") || error.contains("`")) {
                wrong.add(line);
            }
        }
        assertEquals(List.of(), wrong, "refused as expected, naming the field, in the API's own words");

        stack.awaitIdle(IDLE);
        assertEquals(eventsBefore, LiveChecks.count(stack.dynamoDb(), stack.physicalName("EventsTable")), "nothing appended");
        assertEquals(idsBefore, LiveChecks.count(stack.dynamoDb(), stack.physicalName("EventIdsTable")), "nothing claimed or rejected");
        assertEquals(List.of("it-bad-open@1"), LiveChecks.idsAndVersions(api.history(acc).body()));
        for (int i = 1; i <= 12; i++) assertEquals(404, api.event("b" + i).status(), "b" + i);
    }

    @Test
    void appendsTheEdgeValuesItAccepts() {
        String acc = "it-edge";
        String body = "[{\"aggregateId\":\"" + acc + "\",\"eventId\":\"edge-open\",\"type\":\"AccountOpened\",\"occurredAt\":\"0001-01-01T00:00:00Z\","
                + "\"payload\":{\"owner\":\"Ada \\u0639\\u0627\\u062f\\u0644 \\ud83d\\ude00\",\"currency\":\"EUR\"}},"
                + deposit(acc, "edge-late", ",\"occurredAt\":\"9999-12-31T23:59:59.999999999Z\",\"expectedVersion\":1,\"schemaVersion\":2") + ","
                + deposit(acc, "edge-meta", ",\"metadata\":{\"actor\":\"" + "a".repeat(256) + "\",\"correlationId\":\"" + "\u00e9".repeat(256) + "\"}") + "]";
        Answer a = post(body, json());
        assertEquals(202, a.status(), a.body().toString());
        stack.awaitIdle(IDLE);

        assertEquals(List.of("edge-open@1", "edge-late@2", "edge-meta@3"), LiveChecks.idsAndVersions(api.history(acc).body()));
        JsonNode late = api.event("edge-late").body();
        assertEquals("9999-12-31T23:59:59.999999999Z", late.path("occurredAt").asText(), late.toString());
        assertEquals("Ada \u0639\u0627\u062f\u0644 \ud83d\ude00", api.event("edge-open").body().path("payload").path("owner").asText());
    }

    @Test
    void aPostRetriedWithTheSameIdempotencyKeyIsAppendedOnce() {
        String acc = "it-retry";
        String key = UUID.randomUUID().toString();
        String body = "[{\"aggregateId\":\"" + acc + "\",\"type\":\"AccountOpened\",\"payload\":{\"owner\":\"Retry\",\"currency\":\"EUR\"}},"
                + "{\"aggregateId\":\"" + acc + "\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"10.00\"}},"
                + "{\"aggregateId\":\"" + acc + "\",\"eventId\":\"retry-own\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"5.00\"}}]";
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", key);

        Answer first = post(body, headers);
        Answer retryBeforeAppend = post(body, headers);
        stack.awaitIdle(IDLE);
        Answer retryAfterAppend = post(body, headers);
        stack.awaitIdle(IDLE);

        assertEquals(202, first.status(), first.body().toString());
        List<String> ids = ids(first.body());
        assertEquals(3, ids.size());
        assertTrue(ids.get(0).startsWith("ik1-") && ids.get(0).endsWith("-0"), ids.toString());
        assertTrue(ids.get(1).startsWith("ik1-") && ids.get(1).endsWith("-1"), ids.toString());
        assertEquals("retry-own", ids.get(2));
        assertEquals(ids, ids(retryBeforeAppend.body()));
        assertEquals(ids, ids(retryAfterAppend.body()));
        assertEquals(List.of(ids.get(0) + "@1", ids.get(1) + "@2", "retry-own@3"), LiveChecks.idsAndVersions(api.history(acc).body()));
        assertEquals("15.00", api.aggregate(acc).body().path("state").path("balance").asText());
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (String id : ids) statuses.put(id, api.event(id).status());
        System.out.println("idempotent retry: ids " + ids + ", GET /events/{id}: " + statuses);
    }
}

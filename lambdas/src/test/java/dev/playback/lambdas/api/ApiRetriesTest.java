package dev.playback.lambdas.api;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.ingest.Ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.examples.ledger.Ledger;
import dev.playback.model.store.Appender;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.ledger.BadSubmissions.VALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retrying safely: event ids already taken (409), the Idempotency-Key, the publish deadline (503) and its setting. */
class ApiRetriesTest extends ApiFixture {
    // --- event ids already taken ---

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
        new Appender(log).append(List.of(LedgerEnvelopes.deposited("d-taken", "acc-1", "900.00")), NOW);
        JsonNode shown = body(getEvent("d-taken"));
        assertEquals("appended", shown.path("status").asText());
        assertEquals("1.00", shown.path("payload").path("amount").asText());
        assertEquals(1, shown.path("conflicts").size(), shown.toString());
        assertTrue(shown.path("conflicts").get(0).asText().contains(dev.playback.model.store.ContentHash.of(
                LedgerEnvelopes.deposited("d-taken", "acc-1", "900.00"))), shown.toString());
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
        assertEquals("Ada", personal.reveal(history.get(0)).payload().get("owner").asText());
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

    // --- wiring ---

    private static Map<String, String> environment(String publishSeconds) {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("EVENTS_TABLE", "EVENT_IDS_TABLE", "DATA_TABLE", "PAYLOAD_BUCKET", "EVENT_STREAM", "SUBJECT_KEY_TABLE")) env.put(name, name.toLowerCase());
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
    void readsThePublishDeadlineInSecondsWithFractionsDownToOneMillisecond() {
        assertEquals(java.time.Duration.ofMillis(2500), ApiHandler.seconds("2.5"));
        assertEquals(java.time.Duration.ofSeconds(20), ApiHandler.seconds("20"));
        assertEquals(java.time.Duration.ofMillis(1), ApiHandler.seconds("0.0001"), "above 0 but under 1 ms: 1 ms");
    }

    @Test
    void wiresProductionWithOrWithoutAPublishDeadlineWithoutCallingAws() {
        new ApiHandler(environment(null));
        new ApiHandler(environment("2.5"));
    }
}

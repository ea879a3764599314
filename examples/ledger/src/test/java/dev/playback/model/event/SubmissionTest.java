package dev.playback.model.event;

import dev.playback.examples.ledger.BadSubmissions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.playback.examples.ledger.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubmissionTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final AtomicInteger counter = new AtomicInteger();
    private final Submission submission = new Submission(Ledger.catalog(), () -> "gen-" + counter.incrementAndGet());

    private static JsonNode parse(String text) {
        try {
            return EventCodec.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @ParameterizedTest(name = "{0} is refused naming {2}")
    @MethodSource("dev.playback.examples.ledger.BadSubmissions#cases")
    void refusesBadInputNamingTheField(String problem, String body, String field) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> submission.parse(parse(body), NOW));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void refusesAMissingBody() {
        assertEquals("body", assertThrows(InvalidEventException.class, () -> submission.parse(null, NOW)).field());
        assertEquals("body", assertThrows(InvalidEventException.class, () -> submission.parse(NullNode.instance, NOW)).field());
    }

    @Test
    void refusesAWholeBatchForOneBadElementAndSaysWhichOne() {
        String body = "[" + BadSubmissions.VALID + ",{\"aggregateId\":\"acc-2\",\"type\":\"Nope\",\"payload\":{}}]";
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> submission.parse(parse(body), NOW));
        assertEquals("[1].type", e.field());
        assertTrue(e.getMessage().startsWith("event 1:"), e.getMessage());
        assertTrue(e.getMessage().contains("Nope"), e.getMessage());
    }

    @Test
    void acceptsABatchOfFiveHundred() {
        assertEquals(500, submission.parse(parse(BadSubmissions.batch(500)), NOW).size());
    }

    @Test
    void acceptsIdsOfOneAndOf128Characters() {
        String id = "a".repeat(128);
        String body = "{\"aggregateId\":\"" + id + "\",\"eventId\":\"x\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}";
        EventEnvelope e = submission.parse(parse(body), NOW).get(0);
        assertEquals(id, e.aggregateId());
        assertEquals("x", e.eventId());
    }

    @Test
    void acceptsIdsOfEveryAllowedCharacter() {
        String id = "Acc.9_z:x-Y";
        EventEnvelope e = submission.parse(parse("{\"aggregateId\":\"" + id + "\",\"eventId\":\"" + id
                + "\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}"), NOW).get(0);
        assertEquals(id, e.aggregateId());
    }

    @Test
    void acceptsAmountsWithNoneOneOrTwoDecimals() {
        for (String amount : List.of("1", "0.5", "0.01", "999999999999999.99")) {
            String body = "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"" + amount + "\"}}";
            assertEquals(amount, submission.parse(parse(body), NOW).get(0).payload().get("amount").asText());
        }
    }

    @Test
    void turnsOneEventIntoAnEnvelopeWithAGeneratedIdAndTheIngestTime() {
        List<EventEnvelope> events = submission.parse(parse(BadSubmissions.VALID), NOW);
        assertEquals(1, events.size());
        EventEnvelope e = events.get(0);
        assertEquals("gen-1", e.eventId());
        assertEquals("acc-1", e.aggregateId());
        assertEquals("MoneyDeposited", e.type());
        assertEquals(2, e.schemaVersion(), "MoneyDeposited is at schema 2; events posted without schemaVersion are current");
        assertNull(e.version());
        assertNull(e.expectedVersion());
        assertEquals(NOW, e.occurredAt());
        assertEquals(NOW, e.recordedAt());
        assertEquals(json("{\"amount\":\"10.00\"}"), e.payload());
        assertEquals(EventMetadata.NONE, e.metadata());
    }

    @Test
    void keepsWhatTheClientGave() {
        String body = "{\"aggregateId\":\"acc-1\",\"eventId\":\"client-7\",\"type\":\"AccountOpened\",\"expectedVersion\":0,"
                + "\"occurredAt\":\"2026-02-01T08:30:00Z\",\"schemaVersion\":1,"
                + "\"metadata\":{\"correlationId\":\"c-1\",\"causationId\":\"k-1\",\"actor\":\"alice\"},"
                + "\"payload\":{\"owner\":\"Ada\",\"currency\":\"EUR\"}}";
        EventEnvelope e = submission.parse(parse(body), NOW).get(0);
        assertEquals("client-7", e.eventId());
        assertEquals(0L, e.expectedVersion());
        assertEquals(Instant.parse("2026-02-01T08:30:00Z"), e.occurredAt());
        assertEquals(NOW, e.recordedAt());
        assertEquals(new EventMetadata("c-1", "k-1", "alice"), e.metadata());
        assertEquals(0, counter.get(), "no id generated when the client gave one");
    }

    @Test
    void keepsTheOrderOfABatch() {
        String body = "[{\"aggregateId\":\"a\",\"eventId\":\"1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1\"}},"
                + "{\"aggregateId\":\"b\",\"eventId\":\"2\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"2\"}},"
                + "{\"aggregateId\":\"a\",\"eventId\":\"3\",\"type\":\"MoneyWithdrawn\",\"payload\":{\"amount\":\"1\"}}]";
        assertEquals(List.of("1", "2", "3"), submission.parse(parse(body), NOW).stream().map(EventEnvelope::eventId).toList());
    }

    @Test
    void acceptsOccurredAtFromTheFirstToTheLastInstantOfYears0001To9999() {
        for (String t : List.of("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z")) {
            String body = "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"occurredAt\":\"" + t + "\",\"payload\":{\"amount\":\"1\"}}";
            assertEquals(Instant.parse(t), submission.parse(parse(body), NOW).get(0).occurredAt());
        }
    }

    @Test
    void acceptsExpectedVersionUpTo2To53Minus1() {
        String body = "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"expectedVersion\":9007199254740991,\"payload\":{\"amount\":\"1\"}}";
        assertEquals(9007199254740991L, submission.parse(parse(body), NOW).get(0).expectedVersion());
    }

    @Test
    void acceptsTextInAnyScriptAndEmojiWithoutControls() {
        String owner = "Ada Lovelace \u0639\u0627\u062f\u0644 \u00e9\u00e8 \ud83d\ude00 \u4e2d\u6587";
        String body = "{\"aggregateId\":\"acc-1\",\"type\":\"AccountOpened\",\"payload\":{\"owner\":\"" + owner + "\",\"currency\":\"EUR\"}}";
        assertEquals("Ada Lovelace \u0639\u0627\u062f\u0644 \u00e9\u00e8 \ud83d\ude00 \u4e2d\u6587",
                submission.parse(parse(body), NOW).get(0).payload().get("owner").asText());
    }

    @Test
    void givesEventsWithoutIdsTheIdsOfTheIdempotencyKeyByPosition() {
        String body = "[{\"aggregateId\":\"a\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1\"}},"
                + "{\"aggregateId\":\"b\",\"eventId\":\"own-id\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"2\"}},"
                + "{\"aggregateId\":\"a\",\"type\":\"MoneyWithdrawn\",\"payload\":{\"amount\":\"1\"}}]";
        List<String> ids = submission.parse(parse(body), NOW, new IdempotencyKey("retry-1")).stream().map(EventEnvelope::eventId).toList();
        assertEquals(List.of("ik1-3998fbdb8d844aa01d03de09b39b7b08-0", "own-id", "ik1-3998fbdb8d844aa01d03de09b39b7b08-2"), ids);
        assertEquals(0, counter.get(), "no random id is drawn when a key gives them");
        assertEquals(List.of("ik1-3998fbdb8d844aa01d03de09b39b7b08-0"),
                submission.parse(parse(BadSubmissions.VALID), NOW, new IdempotencyKey("retry-1")).stream().map(EventEnvelope::eventId).toList());
    }

    @Test
    void refusesADecimalThatWouldBeStoredAsAnotherNumber() {
        for (String number : List.of("1e400", "-1e400")) {
            String body = "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1\"},\"metadata\":{\"actor\":" + number + "}}";
            assertEquals("metadata.actor", assertThrows(InvalidEventException.class, () -> submission.parse(parse(body), NOW)).field());
        }
    }
}

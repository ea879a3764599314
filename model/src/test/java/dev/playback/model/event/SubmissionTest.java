package dev.playback.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The core's submission rules, on a domain-free type: {@code Noted} at schema 2 (schema 1 named its field {@code note}). */
class SubmissionTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    /** {@code {"text": <string>}} at schema 2; schema 1 was {@code {"note": ...}}. */
    static final EventType NOTED = new EventType() {
        @Override
        public String name() {
            return "Noted";
        }

        @Override
        public int schemaVersion() {
            return 2;
        }

        @Override
        public void validate(ObjectNode payload) {
            if (!payload.path("text").isTextual()) throw new InvalidEventException("payload.text", "field 'payload.text' must be a string");
        }

        @Override
        public ObjectNode upcast(int fromSchemaVersion, ObjectNode payload) {
            ObjectNode out = payload.objectNode();
            out.set("text", payload.get("note"));
            return out;
        }
    };
    static final String VALID = "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"}}";

    private final AtomicInteger counter = new AtomicInteger();
    private final Submission submission = new Submission(new EventCatalog(List.of(NOTED, Envelopes.DOCUMENT)),
            () -> "gen-" + counter.incrementAndGet());

    private static JsonNode parse(String text) {
        return SubmissionJson.read(text.getBytes(StandardCharsets.UTF_8));
    }

    private InvalidEventException refused(String body) {
        return assertThrows(InvalidEventException.class, () -> submission.parse(parse(body), NOW));
    }

    private static String noted(String extra) {
        return "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"}" + extra + "}";
    }

    @Test
    void turnsOneEventIntoAnEnvelopeWithAGeneratedIdAndTheIngestTime() {
        List<EventEnvelope> events = submission.parse(parse(VALID), NOW);
        assertEquals(1, events.size());
        EventEnvelope e = events.get(0);
        assertEquals("gen-1", e.eventId());
        assertEquals("n-1", e.aggregateId());
        assertEquals("Noted", e.type());
        assertEquals(2, e.schemaVersion());
        assertNull(e.version());
        assertNull(e.expectedVersion());
        assertEquals(NOW, e.occurredAt());
        assertEquals(NOW, e.recordedAt());
        assertEquals(json("{\"text\":\"hi\"}"), e.payload());
        assertEquals(EventMetadata.NONE, e.metadata());
        assertEquals("gen-2", submission.parseOne(parse(VALID), NOW).eventId());
    }

    @Test
    void keepsWhatTheClientGave() {
        EventEnvelope e = submission.parse(parse(noted(",\"eventId\":\"client-7\",\"expectedVersion\":0,\"occurredAt\":\"2026-02-01T08:30:00Z\","
                + "\"schemaVersion\":2,\"metadata\":{\"correlationId\":\"c-1\",\"causationId\":\"k-1\",\"actor\":\"alice\"}")), NOW).get(0);
        assertEquals("client-7", e.eventId());
        assertEquals(0L, e.expectedVersion());
        assertEquals(Instant.parse("2026-02-01T08:30:00Z"), e.occurredAt());
        assertEquals(new EventMetadata("c-1", "k-1", "alice"), e.metadata());
        assertEquals(0, counter.get(), "no id generated when the client gave one");
    }

    @Test
    void nullOptionalFieldsAreAbsentOnes() {
        EventEnvelope e = submission.parse(parse(noted(",\"expectedVersion\":null,\"occurredAt\":null,\"metadata\":null")), NOW).get(0);
        assertNull(e.expectedVersion());
        assertEquals(NOW, e.occurredAt());
        assertEquals(EventMetadata.NONE, e.metadata());
    }

    @Test
    void validatesAnOlderSchemaAfterUpcastingButKeepsThePayloadAsSent() {
        EventEnvelope e = submission.parse(parse("{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"schemaVersion\":1,\"payload\":{\"note\":\"old\"}}"), NOW).get(0);
        assertEquals(1, e.schemaVersion());
        assertEquals(json("{\"note\":\"old\"}"), e.payload());
        InvalidEventException bad = refused("{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"schemaVersion\":1,\"payload\":{\"note\":5}}");
        assertEquals("payload.text", bad.field());
    }

    @Test
    void keepsTheOrderOfABatchAndAcceptsFiveHundred() {
        String body = "[" + noted(",\"eventId\":\"1\"") + "," + noted(",\"eventId\":\"2\"") + "," + noted(",\"eventId\":\"3\"") + "]";
        assertEquals(List.of("1", "2", "3"), submission.parse(parse(body), NOW).stream().map(EventEnvelope::eventId).toList());
        String batch = "[" + String.join(",", java.util.Collections.nCopies(500, VALID)) + "]";
        assertEquals(500, submission.parse(parse(batch), NOW).size());
    }

    @Test
    void refusesABatchOfFiveHundredAndOne() {
        String batch = "[" + String.join(",", java.util.Collections.nCopies(501, VALID)) + "]";
        InvalidEventException e = refused(batch);
        assertEquals("body", e.field());
        assertEquals("event array has 501 events; at most 500 are accepted", e.getMessage());
    }

    @Test
    void refusesAWholeBatchForOneBadElementAndSaysWhichOne() {
        InvalidEventException e = refused("[" + VALID + ",{\"aggregateId\":\"n-2\",\"type\":\"Nope\",\"payload\":{}}]");
        assertEquals("[1].type", e.field());
        assertEquals("event 1: unknown event type 'Nope'; known types: Noted, DocumentAttached", e.getMessage());
    }

    @Test
    void refusesAMissingOrEmptyBody() {
        for (JsonNode empty : new JsonNode[]{null, NullNode.instance, MissingNode.getInstance()}) {
            InvalidEventException e = assertThrows(InvalidEventException.class, () -> submission.parse(empty, NOW));
            assertEquals("body", e.field());
        }
        assertEquals("event array is empty", refused("[]").getMessage());
    }

    @Test
    void givesEventsWithoutIdsTheIdsOfTheIdempotencyKeyByPosition() {
        String body = "[" + VALID + "," + noted(",\"eventId\":\"own-id\"") + "," + VALID + "]";
        List<String> ids = submission.parse(parse(body), NOW, new IdempotencyKey("retry-1")).stream().map(EventEnvelope::eventId).toList();
        assertEquals(List.of("ik1-3998fbdb8d844aa01d03de09b39b7b08-0", "own-id", "ik1-3998fbdb8d844aa01d03de09b39b7b08-2"), ids);
        assertEquals(List.of("ik1-3998fbdb8d844aa01d03de09b39b7b08-0"),
                submission.parse(parse(VALID), NOW, new IdempotencyKey("retry-1")).stream().map(EventEnvelope::eventId).toList());
        assertEquals(0, counter.get(), "no id is drawn when a key gives them");
    }

    @Test
    void acceptsTheEdgesOfEveryRange() {
        String id = "A".repeat(127) + "z";
        EventEnvelope e = submission.parse(parse("{\"aggregateId\":\"" + id + "\",\"eventId\":\"a.9_Z:x-Y\",\"type\":\"Noted\",\"payload\":{\"text\":\"\"},"
                + "\"expectedVersion\":9007199254740991,\"occurredAt\":\"0001-01-01T00:00:00Z\",\"schemaVersion\":2,"
                + "\"metadata\":{\"actor\":\"" + "m".repeat(256) + "\",\"correlationId\":\"c\"}}"), NOW).get(0);
        assertEquals(id, e.aggregateId());
        assertEquals("a.9_Z:x-Y", e.eventId());
        assertEquals(9007199254740991L, e.expectedVersion());
        assertEquals(Instant.parse("0001-01-01T00:00:00Z"), e.occurredAt());
        assertEquals(new EventMetadata("c", null, "m".repeat(256)), e.metadata());
        assertEquals(Instant.parse("9999-12-31T23:59:59.999999999Z"),
                submission.parse(parse(noted(",\"occurredAt\":\"9999-12-31T23:59:59.999999999Z\"")), NOW).get(0).occurredAt());
        assertEquals(0L, submission.parse(parse(noted(",\"expectedVersion\":0")), NOW).get(0).expectedVersion());
    }

    @ParameterizedTest(name = "{0} is refused naming {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "5 | body | an event must be a JSON object, got a number",
            "[true] | [0].body | event 0: an event must be a JSON object, got a boolean",
            "[\"x\"] | [0].body | event 0: an event must be a JSON object, got a string",
            "[[1]] | [0].body | event 0: an event must be a JSON object, got an array",
            "[null] | [0].body | event 0: an event must be a JSON object, got null",
            "{\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"}} | aggregateId | field 'aggregateId' is required",
            "{\"aggregateId\":null,\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"}} | aggregateId | field 'aggregateId' is required",
            "{\"aggregateId\":7,\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"}} | aggregateId | field 'aggregateId' must be a string, got a number",
            "{\"aggregateId\":\"a b\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"}} | aggregateId | `field 'aggregateId' must be 1-128 characters of A-Z a-z 0-9 . _ : -, got 'a b'`",
            "{\"aggregateId\":\"\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"}} | aggregateId | `field 'aggregateId' must be 1-128 characters of A-Z a-z 0-9 . _ : -, got ''`",
            "{\"aggregateId\":\"n-1\",\"type\":{},\"payload\":{\"text\":\"hi\"}} | type | field 'type' must be a string, got an object",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\"} | payload | field 'payload' is required",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":null} | payload | field 'payload' is required",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":[1]} | payload | field 'payload' must be a JSON object, got an array",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{}} | payload.text | field 'payload.text' must be a string",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"extra\":1} | extra | `unknown field 'extra'; allowed: aggregateId, eventId, expectedVersion, metadata, occurredAt, payload, schemaVersion, type`",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"schemaVersion\":0} | schemaVersion | field 'schemaVersion' must be an integer from 1 to 2 for Noted",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"schemaVersion\":3} | schemaVersion | field 'schemaVersion' must be an integer from 1 to 2 for Noted",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"schemaVersion\":1.5} | schemaVersion | field 'schemaVersion' must be an integer from 1 to 2 for Noted",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"schemaVersion\":4294967297} | schemaVersion | field 'schemaVersion' must be an integer from 1 to 2 for Noted",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"eventId\":\"a/b\"} | eventId | `field 'eventId' must be 1-128 characters of A-Z a-z 0-9 . _ : -, got 'a/b'`",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"expectedVersion\":-1} | expectedVersion | field 'expectedVersion' must be an integer from 0 to 9007199254740991, got -1",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"expectedVersion\":9007199254740992} | expectedVersion | field 'expectedVersion' must be an integer from 0 to 9007199254740991, got 9007199254740992",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"expectedVersion\":\"1\"} | expectedVersion | field 'expectedVersion' must be an integer from 0 to 9007199254740991, got \"1\"",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"expectedVersion\":1.5} | expectedVersion | field 'expectedVersion' must be an integer from 0 to 9007199254740991, got 1.5",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"expectedVersion\":99999999999999999999} | expectedVersion | field 'expectedVersion' must be an integer from 0 to 9007199254740991, got 99999999999999999999",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"occurredAt\":\"yesterday\"} | occurredAt | `field 'occurredAt' must be an ISO-8601 instant like 2026-01-31T12:00:00Z, got 'yesterday'`",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"occurredAt\":\"-0001-12-31T23:59:59Z\"} | occurredAt | `field 'occurredAt' must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z (years 0001 to 9999), got '-0001-12-31T23:59:59Z'`",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"occurredAt\":\"+10000-01-01T00:00:00Z\"} | occurredAt | `field 'occurredAt' must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z (years 0001 to 9999), got '+10000-01-01T00:00:00Z'`",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"metadata\":[]} | metadata | field 'metadata' must be a JSON object",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"metadata\":{\"who\":\"x\"}} | metadata.who | `unknown metadata field 'who'; allowed: actor, causationId, correlationId`",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"metadata\":{\"actor\":1}} | metadata.actor | metadata field 'actor' must be a string of 1-256 characters",
            "{\"aggregateId\":\"n-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"},\"metadata\":{\"actor\":\"\"}} | metadata.actor | metadata field 'actor' must be a string of 1-256 characters",
    })
    void refusesBadInputNamingTheField(String body, String field, String message) {
        InvalidEventException e = refused(body);
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(message, e.getMessage());
    }

    @Test
    void refusesALongIdShowingItsFirstFortyCharacters() {
        String id = "b".repeat(129);
        InvalidEventException e = refused("{\"aggregateId\":\"" + id + "\",\"type\":\"Noted\",\"payload\":{\"text\":\"hi\"}}");
        assertEquals("field 'aggregateId' must be 1-128 characters of A-Z a-z 0-9 . _ : -, got '" + "b".repeat(40) + "…'", e.getMessage());
        InvalidEventException actor = refused(noted(",\"metadata\":{\"actor\":\"" + "m".repeat(257) + "\"}"));
        assertEquals("metadata.actor", actor.field());
    }

    @Test
    void refusesAControlCharacterAnywhereBeforeLookingAtTheType() {
        InvalidEventException e = refused("{\"aggregateId\":\"n-1\",\"type\":\"Nope\",\"payload\":{\"text\":\"a\\u0000\"}}");
        assertEquals("payload.text", e.field());
    }

    @Test
    void describesEveryKindOfJsonValue() {
        assertEquals("an array", Submission.kind(json("{\"x\":[]}").get("x")));
        assertEquals("an object", Submission.kind(json("{}")));
        assertEquals("a number", Submission.kind(json("{\"x\":1}").get("x")));
        assertEquals("a boolean", Submission.kind(json("{\"x\":false}").get("x")));
        assertEquals("null", Submission.kind(NullNode.instance));
        assertEquals("a string", Submission.kind(json("{\"x\":\"s\"}").get("x")));
        assertEquals("missing", Submission.kind(MissingNode.getInstance()));
    }
}

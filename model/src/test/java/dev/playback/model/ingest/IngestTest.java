package dev.playback.model.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.event.IdempotencyKey;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.event.PublishDeadlineExceeded;
import dev.playback.model.store.ContentHash;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryEventPublisher;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final int MB = 1024 * 1024;
    /** Any payload; {@code name} is personal data of the aggregate. */
    private static final EventType NOTED = new EventType() {
        @Override
        public String name() {
            return "Noted";
        }

        @Override
        public void validate(ObjectNode payload) {
        }

        @Override
        public List<String> personalFields() {
            return List.of("name");
        }
    };

    private final InMemoryEventPublisher published = new InMemoryEventPublisher();
    private final InMemoryPayloadStore payloads = new InMemoryPayloadStore();
    private final InMemoryEventLog events = new InMemoryEventLog(payloads);
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final Ingest ingest = new Ingest(new EventCatalog(List.of(NOTED)), published, payloads, events, states,
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static JsonNode json(String text) {
        try {
            return EventCodec.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static String event(String id, String aggregateId, String text) {
        return "{\"eventId\":\"" + id + "\",\"aggregateId\":\"" + aggregateId + "\",\"type\":\"Noted\",\"payload\":{\"text\":\"" + text + "\"}}";
    }

    /** An event whose body, as compact JSON, is exactly {@code bytes} long (ASCII only). */
    private static String eventOfSize(int bytes) {
        String prefix = "{\"eventId\":\"e-1\",\"aggregateId\":\"a-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"";
        String suffix = "\"}}";
        return prefix + "x".repeat(bytes - prefix.length() - suffix.length()) + suffix;
    }

    /** Appends what was published, versions from 1 per aggregate in order, as the pump would. */
    private void appendPublished() {
        java.util.Map<String, Long> next = new java.util.HashMap<>();
        for (EventEnvelope e : published.published()) {
            long v = next.merge(e.aggregateId(), 1L, Long::sum);
            events.record(new EventStatus.Claimed(e.eventId(), e.aggregateId(), v, NOW, ContentHash.of(e), List.of()));
            events.write(List.of(e.withVersion(v)));
        }
    }

    @Test
    void acceptsEventsInOrderAndPublishesThemWithTheIngestTime() {
        List<String> ids = ingest.accept(json("[" + event("e-1", "a-1", "one") + "," + event("e-2", "a-2", "two") + "]"));
        assertEquals(List.of("e-1", "e-2"), ids);
        assertEquals(List.of("e-1", "e-2"), published.published().stream().map(EventEnvelope::eventId).toList());
        assertEquals(NOW, published.published().get(0).recordedAt());
        assertEquals("one", published.published().get(0).payload().get("text").asText());
    }

    @Test
    void publishesNothingWhenOneEventOfABatchIsBad() {
        String bad = "{\"aggregateId\":\"a-2\",\"type\":\"Nope\",\"payload\":{}}";
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> ingest.accept(json("[" + event("e-1", "a-1", "x") + "," + bad + "]")));
        assertEquals("[1].type", e.field());
        assertTrue(published.published().isEmpty());
    }

    @Test
    void sealsPersonalFieldsBeforePublishingAndRevealsThemOnRead() {
        ingest.accept(json("{\"eventId\":\"e-1\",\"aggregateId\":\"a-1\",\"type\":\"Noted\",\"payload\":{\"name\":\"Ada\"}}"));
        String sealed = published.published().get(0).payload().get("name").asText();
        assertTrue(sealed.startsWith("pii:v1:"), sealed);
        appendPublished();
        Ingest.Lookup found = ingest.event("e-1");
        assertEquals("Ada", assertInstanceOf(Ingest.Lookup.Appended.class, found).event().payload().get("name").asText());
        assertEquals(List.of("Ada"), ingest.history("a-1", 1, 10).stream().map(e -> e.payload().get("name").asText()).toList());
        assertEquals("Ada", ingest.reveal(json("{\"n\":\"" + sealed + "\"}")).get("n").asText());
    }

    @Test
    void namesTheElementOfABatchWhosePersonalDataCannotBeSealed() {
        String token = "pii:v1:a-1:AAAA";
        InvalidEventException batch = assertThrows(InvalidEventException.class, () -> ingest.accept(json("[" + event("e-1", "a-1", "x") + ","
                + event("e-2", "a-1", token) + "]")));
        assertEquals("[1].payload.text", batch.field());
        InvalidEventException single = assertThrows(InvalidEventException.class, () -> ingest.accept(json(event("e-2", "a-1", token))));
        assertEquals("payload.text", single.field());
        assertTrue(published.published().isEmpty());
    }

    @Test
    void refusesAnEventOverOneMegabyteAsSubmittedWhateverElseIsWrong() {
        String big = eventOfSize(MB + 1).replace("\"type\":\"Noted\"", "\"type\":\"Nopes\"");
        Ingest.TooLargeException single = assertThrows(Ingest.TooLargeException.class, () -> ingest.accept(json(big)));
        assertEquals("body", single.field());
        assertEquals("event is 1048577 bytes; at most 1048576 bytes are accepted", single.getMessage());
        Ingest.TooLargeException inBatch = assertThrows(Ingest.TooLargeException.class,
                () -> ingest.accept(json("[" + event("e-0", "a-1", "x") + "," + big + "]")));
        assertEquals("[1]", inBatch.field());
        assertEquals("event 1 is 1048577 bytes; at most 1048576 bytes are accepted", inBatch.getMessage());
        assertTrue(published.published().isEmpty());
    }

    @Test
    void anEventOfExactlyOneMegabyteAsSubmittedIsMeasuredAgainEncoded() {
        // passes the check of the submitted JSON; its envelope (ids, times) is larger, and refused naming its encoded size
        Ingest.TooLargeException single = assertThrows(Ingest.TooLargeException.class, () -> ingest.accept(json(eventOfSize(MB))));
        assertEquals("body", single.field());
        assertTrue(single.getMessage().startsWith("event is "), single.getMessage());
        assertTrue(single.getMessage().endsWith(" bytes encoded; at most 1048576 bytes are accepted"), single.getMessage());
        Ingest.TooLargeException inBatch = assertThrows(Ingest.TooLargeException.class,
                () -> ingest.accept(json("[" + event("e-0", "a-1", "x") + "," + eventOfSize(MB) + "]")));
        assertEquals("[1]", inBatch.field());
        assertTrue(inBatch.getMessage().startsWith("event 1 is "), inBatch.getMessage());
        assertTrue(published.published().isEmpty());
    }

    @Test
    void acceptsAnEventWhoseEnvelopeIsExactlyOneMegabyte() {
        // measure the envelope's overhead on a small event, then fill the payload to reach 1 MB encoded
        ingest.accept(json(eventOfSize(1000)));
        int overhead = EventCodec.toBytes(published.published().get(0)).length - 1000;
        assertEquals(List.of("e-1"), ingest.accept(json(eventOfSize(MB - overhead))));
        assertThrows(Ingest.TooLargeException.class, () -> ingest.accept(json(eventOfSize(MB - overhead + 1))));
    }

    @Test
    void keepsAPayloadOver256KilobytesAsideUnderItsContentAddressedKey() {
        String text = "y".repeat(256 * 1024);
        ingest.accept(json(event("e-1", "a-1", text)));
        EventEnvelope sent = published.published().get(0);
        assertNull(sent.payload());
        byte[] payload = ("{\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals("memory://payloads/a-1/e-1/" + sha256(payload) + ".json", sent.payloadRef());
        assertArrayEquals(payload, payloads.get(sent.payloadRef()));
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void keepsAPayloadOfExactly256KilobytesInline() {
        String text = "y".repeat(256 * 1024 - "{\"text\":\"\"}".length());
        ingest.accept(json(event("e-1", "a-1", text)));
        EventEnvelope sent = published.published().get(0);
        assertNull(sent.payloadRef());
        assertEquals(text, sent.payload().get("text").asText());
        assertEquals(0, payloads.size());
    }

    @Test
    void namesAClaimCheckObjectByAggregateEventAndTheSha256OfItsBytes() {
        EventEnvelope e = new EventEnvelope("e-9", "a-9", "Noted", 1, null, null, NOW, NOW, (ObjectNode) json("{}"), null, null);
        assertEquals("payloads/a-9/e-9/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.json",
                Ingest.payloadKey(e, "abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void refusesAnIdThatAlreadyNamesAnEventOfAnotherAggregate() {
        events.record(new EventStatus.Claimed("e-1", "other", 1, NOW));
        Ingest.ConflictException e = assertThrows(Ingest.ConflictException.class, () -> ingest.accept(json(event("e-1", "a-1", "x"))));
        assertEquals("eventId", e.field());
        assertTrue(e.getMessage().startsWith("eventId e-1 already names another event (aggregate other); this one (aggregate a-1, content "),
                e.getMessage());
        Ingest.ConflictException inBatch = assertThrows(Ingest.ConflictException.class,
                () -> ingest.accept(json("[" + event("e-0", "a-1", "x") + "," + event("e-1", "a-1", "x") + "]")));
        assertEquals("[1].eventId", inBatch.field());
        assertTrue(published.published().isEmpty());
    }

    @Test
    void refusesAnIdThatAlreadyNamesOtherContentAndAcceptsARetryOfTheSame() {
        ingest.accept(json(event("e-1", "a-1", "x")));
        appendPublished();
        Ingest.ConflictException e = assertThrows(Ingest.ConflictException.class, () -> ingest.accept(json(event("e-1", "a-1", "changed"))));
        assertTrue(e.getMessage().contains("(aggregate a-1, content "), e.getMessage());
        assertEquals(List.of("e-1"), ingest.accept(json(event("e-1", "a-1", "x"))));
        assertEquals(2, published.published().size());
    }

    @Test
    void acceptsAnIdRecordedWithoutAContentHashForTheSameAggregate() {
        events.record(new EventStatus.Claimed("e-1", "a-1", 1, NOW));
        assertEquals(List.of("e-1"), ingest.accept(json(event("e-1", "a-1", "anything"))));
    }

    @Test
    void checksIdsDerivedFromAnIdempotencyKeyToo() {
        String body = "{\"aggregateId\":\"a-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"x\"}}";
        IdempotencyKey key = new IdempotencyKey("k-1");
        List<String> ids = ingest.accept(json(body), key);
        assertEquals(List.of(key.eventId(0)), ids);
        appendPublished();
        assertEquals(ids, ingest.accept(json(body), key));
        String other = "{\"aggregateId\":\"a-1\",\"type\":\"Noted\",\"payload\":{\"text\":\"y\"}}";
        assertThrows(Ingest.ConflictException.class, () -> ingest.accept(json(other), key));
        // without the key, the same body gets a new id and no conflict
        assertEquals(1, ingest.accept(json(other)).size());
    }

    @Test
    void aPublishDeadlineNamesTheIdsOfTheEventsNotAcknowledged() {
        PublishDeadlineExceeded cause = new PublishDeadlineExceeded(Duration.ofSeconds(3), "stream too slow", null);
        Ingest slow = new Ingest(new EventCatalog(List.of(NOTED)), list -> {
            throw cause;
        }, payloads, events, states, Clock.fixed(NOW, ZoneOffset.UTC));
        PublishDeadlineExceeded e = assertThrows(PublishDeadlineExceeded.class,
                () -> slow.accept(json("[" + event("e-1", "a-1", "x") + "," + event("e-2", "a-1", "y") + "]")));
        assertEquals(List.of("e-1", "e-2"), e.eventIds());
        assertEquals(Duration.ofSeconds(3), e.deadline());
        assertEquals("stream too slow", e.getMessage());
        assertSame(cause, e.getCause());
    }

    @Test
    void looksUpAnEventByWhatThePumpRecorded() {
        assertInstanceOf(Ingest.Lookup.NotYet.class, ingest.event("unknown"));
        ingest.accept(json(event("e-1", "a-1", "x")));
        events.record(new EventStatus.Claimed("e-1", "a-1", 1, NOW, null, List.of("later send")));
        assertInstanceOf(Ingest.Lookup.NotYet.class, ingest.event("e-1"), "claimed, not written yet");
        events.write(List.of(published.published().get(0).withVersion(1)));
        Ingest.Lookup.Appended appended = assertInstanceOf(Ingest.Lookup.Appended.class, ingest.event("e-1"));
        assertEquals("x", appended.event().payload().get("text").asText());
        assertEquals(List.of("later send"), appended.conflicts());
        assertEquals(List.of(), new Ingest.Lookup.Appended(appended.event()).conflicts());

        EventStatus.Rejected rejected = new EventStatus.Rejected("e-2", "a-1", "expected version 5", NOW);
        events.record(rejected);
        assertEquals(rejected, assertInstanceOf(Ingest.Lookup.Rejected.class, ingest.event("e-2")).rejection());
    }

    @Test
    void aClaimWhoseVersionHoldsAnotherEventIsNotYetAppended() {
        ingest.accept(json(event("e-1", "a-1", "x")));
        events.write(List.of(published.published().get(0).withVersion(1)));
        events.record(new EventStatus.Claimed("e-2", "a-1", 1, NOW));
        assertInstanceOf(Ingest.Lookup.NotYet.class, ingest.event("e-2"));
    }

    @Test
    void readsStateFromTheActiveGenerationRevealed() {
        assertEquals(Optional.empty(), ingest.state("counter", "a-1"));
        states.save(new ProcessorState("counter", "g0", "a-1", 3, json("{\"n\":3}")), 0);
        assertEquals(json("{\"n\":3}"), ingest.state("counter", "a-1").orElseThrow().state());
        states.save(new ProcessorState("counter", "g1", "a-1", 4, json("{\"n\":4}")), 0);
        states.activate("counter", "g1");
        assertEquals(4, ingest.state("counter", "a-1").orElseThrow().version());
        assertEquals("g0", Ingest.DEFAULT_GENERATION);
    }

    @Test
    void readsAHistoryFromAVersionUpToALimit() {
        ingest.accept(json("[" + event("e-1", "a-1", "1") + "," + event("e-2", "a-1", "2") + "," + event("e-3", "a-1", "3") + "]"));
        appendPublished();
        assertEquals(List.of("e-2"), ingest.history("a-1", 2, 1).stream().map(EventEnvelope::eventId).toList());
        assertEquals(List.of("e-2", "e-3"), ingest.history("a-1", 2, 10).stream().map(EventEnvelope::eventId).toList());
        assertFalse(ingest.history("a-1", 1, 10).isEmpty());
    }
}

package dev.playback.model.event;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Instant;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {
    @Test
    void decodesWhatItEncodedWithEveryField() {
        EventEnvelope e = new EventEnvelope("e-1", "acc-1", "CounterAdded", 2, 7L, 6L,
                Instant.parse("2026-01-31T12:00:00.123456789Z"), Instant.parse("2026-01-31T12:00:01Z"),
                json("{\"amount\":\"10.00\",\"nested\":{\"list\":[1,2.5,\"ü\"]}}"), null,
                new EventMetadata("corr", "cause", "alice"));
        assertEquals(e, EventCodec.fromBytes(EventCodec.toBytes(e)));
        assertEquals(e, EventCodec.fromText(EventCodec.toText(e)));
        assertEquals(e, EventCodec.fromJson(EventCodec.toJson(e)));
    }

    @Test
    void decodesWhatItEncodedWithOnlyTheRequiredFieldsAndAPayloadReference() {
        EventEnvelope e = new EventEnvelope("e-1", "acc-1", "CounterAdded", 1, null, null,
                Instant.parse("2026-01-31T12:00:00Z"), null, null, "s3://bucket/payloads/acc-1/e-1.json", null);
        EventEnvelope decoded = EventCodec.fromText(EventCodec.toText(e));
        assertEquals(e, decoded);
        assertEquals(EventMetadata.NONE, decoded.metadata());
    }

    @Test
    void leavesAbsentOptionalFieldsOutOfTheJson() {
        EventEnvelope e = Envelopes.added("e-1", "acc-1", "1.00");
        var n = EventCodec.toJson(new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), 1, null, null,
                e.occurredAt(), null, e.payload(), null, null));
        assertFalse(n.has("version"));
        assertFalse(n.has("expectedVersion"));
        assertFalse(n.has("recordedAt"));
        assertFalse(n.has("payloadRef"));
        assertFalse(n.has("metadata"));
    }

    @Test
    void namesAMissingRequiredField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventCodec.fromText(
                "{\"eventId\":\"e-1\",\"type\":\"T\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"payload\":{}}"));
        assertTrue(e.getMessage().contains("aggregateId"), e.getMessage());
    }

    @Test
    void refusesSomethingThatIsNotAnEvent() {
        assertThrows(IllegalArgumentException.class, () -> EventCodec.fromText("[1,2]"));
        assertThrows(UncheckedIOException.class, () -> EventCodec.fromText("{not json"));
    }
}

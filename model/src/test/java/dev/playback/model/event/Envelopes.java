package dev.playback.model.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * Test events with fixed, deterministic times: free-form ones ({@link #event}, {@link #DOCUMENT}) and three of a plain
 * counter ({@link #created}, {@link #added}, {@link #removed}): the core knows no domain.
 */
public final class Envelopes {
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Envelopes() {
    }

    /** A free-form event type ({@code DocumentAttached}, any payload), so that payloads can be as large as a test needs. */
    public static final EventType DOCUMENT = new EventType() {
        @Override
        public String name() {
            return "DocumentAttached";
        }

        @Override
        public void validate(ObjectNode payload) {
        }
    };

    public static ObjectNode json(String text) {
        try {
            return (ObjectNode) EventCodec.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    public static EventEnvelope event(String eventId, String aggregateId, String type, ObjectNode payload) {
        return new EventEnvelope(eventId, aggregateId, type, 1, null, null, T0, T0, payload, null, EventMetadata.NONE);
    }

    public static EventEnvelope created(String eventId, String aggregateId) {
        return event(eventId, aggregateId, "CounterCreated", json("{\"name\":\"Ada\",\"unit\":\"items\"}"));
    }

    public static EventEnvelope added(String eventId, String aggregateId, String amount) {
        return event(eventId, aggregateId, "CounterAdded", json("{\"amount\":\"" + amount + "\"}"));
    }

    public static EventEnvelope removed(String eventId, String aggregateId, String amount) {
        return event(eventId, aggregateId, "CounterRemoved", json("{\"amount\":\"" + amount + "\"}"));
    }

    public static EventEnvelope expecting(EventEnvelope e, long expectedVersion) {
        return new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), e.schemaVersion(), e.version(), expectedVersion,
                e.occurredAt(), e.recordedAt(), e.payload(), e.payloadRef(), e.metadata());
    }
}

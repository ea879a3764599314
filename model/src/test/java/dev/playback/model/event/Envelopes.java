package dev.playback.model.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.ledger.LedgerEvent;

import java.time.Instant;

/** Test events: envelopes of the ledger domain (and free-form ones) with fixed, deterministic times. */
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

    /** The ledger's event types and {@link #DOCUMENT}. */
    public static EventCatalog ledgerAndDocuments() {
        java.util.List<EventType> types = new java.util.ArrayList<>(LedgerEvent.types());
        types.add(DOCUMENT);
        return new EventCatalog(types);
    }

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

    public static EventEnvelope opened(String eventId, String aggregateId) {
        return event(eventId, aggregateId, LedgerEvent.ACCOUNT_OPENED, json("{\"owner\":\"Ada\",\"currency\":\"EUR\"}"));
    }

    public static EventEnvelope deposited(String eventId, String aggregateId, String amount) {
        return event(eventId, aggregateId, LedgerEvent.MONEY_DEPOSITED, json("{\"amount\":\"" + amount + "\"}"));
    }

    public static EventEnvelope withdrawn(String eventId, String aggregateId, String amount) {
        return event(eventId, aggregateId, LedgerEvent.MONEY_WITHDRAWN, json("{\"amount\":\"" + amount + "\"}"));
    }

    public static EventEnvelope expecting(EventEnvelope e, long expectedVersion) {
        return new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), e.schemaVersion(), e.version(), expectedVersion,
                e.occurredAt(), e.recordedAt(), e.payload(), e.payloadRef(), e.metadata());
    }
}

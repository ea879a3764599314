package dev.playback.model.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The one JSON form of {@link EventEnvelope}: on the streams, in the API, in stored items. */
public final class EventCodec {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EventCodec() {
    }

    public static ObjectNode toJson(EventEnvelope e) {
        ObjectNode n = NODES.objectNode();
        n.put("eventId", e.eventId());
        n.put("aggregateId", e.aggregateId());
        n.put("type", e.type());
        n.put("schemaVersion", e.schemaVersion());
        if (e.version() != null) n.put("version", e.version());
        if (e.expectedVersion() != null) n.put("expectedVersion", e.expectedVersion());
        n.put("occurredAt", e.occurredAt().toString());
        if (e.recordedAt() != null) n.put("recordedAt", e.recordedAt().toString());
        if (e.payload() != null) n.set("payload", e.payload());
        if (e.payloadRef() != null) n.put("payloadRef", e.payloadRef());
        EventMetadata m = e.metadata();
        if (m.correlationId() != null || m.causationId() != null || m.actor() != null) {
            ObjectNode mn = n.putObject("metadata");
            if (m.correlationId() != null) mn.put("correlationId", m.correlationId());
            if (m.causationId() != null) mn.put("causationId", m.causationId());
            if (m.actor() != null) mn.put("actor", m.actor());
        }
        return n;
    }

    public static byte[] toBytes(EventEnvelope e) {
        try {
            return JSON.writeValueAsBytes(toJson(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot encode event " + e.eventId(), ex);
        }
    }

    public static String toText(EventEnvelope e) {
        return new String(toBytes(e), StandardCharsets.UTF_8);
    }

    public static EventEnvelope fromBytes(byte[] bytes) {
        try {
            return fromJson(JSON.readTree(bytes));
        } catch (IOException ex) {
            throw new UncheckedIOException("not a JSON event: " + ex.getMessage(), ex);
        }
    }

    public static EventEnvelope fromText(String text) {
        return fromBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes an envelope written by {@link #toJson}; a missing required field is named in the error. */
    public static EventEnvelope fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("event must be a JSON object");
        JsonNode meta = n.path("metadata");
        EventMetadata metadata = meta.isObject()
                ? new EventMetadata(text(meta, "correlationId"), text(meta, "causationId"), text(meta, "actor"))
                : EventMetadata.NONE;
        JsonNode payload = n.get("payload");
        return new EventEnvelope(
                required(n, "eventId"),
                required(n, "aggregateId"),
                required(n, "type"),
                n.path("schemaVersion").asInt(1),
                n.hasNonNull("version") ? n.get("version").asLong() : null,
                n.hasNonNull("expectedVersion") ? n.get("expectedVersion").asLong() : null,
                Instant.parse(required(n, "occurredAt")),
                n.hasNonNull("recordedAt") ? Instant.parse(n.get("recordedAt").asText()) : null,
                payload != null && payload.isObject() ? (ObjectNode) payload : null,
                text(n, "payloadRef"),
                metadata);
    }

    private static String required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("event field '" + field + "' is missing");
        return v.asText();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

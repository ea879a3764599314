package dev.playback.lambdas.aws.dynamodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The item layout of the events table: key (aggregateId, version) and the payload as JSON text. Events written
 * before the index table still carry the keys of the table's former indexes ({@code recordedDay}, {@code recordedKey},
 * {@code occurredDay}, {@code occurredKey}); reading ignores them.
 */
final class EventItems {
    private EventItems() {
    }

    static Map<String, AttributeValue> toItem(EventEnvelope e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("aggregateId", s(e.aggregateId()));
        item.put("version", n(e.version()));
        item.put("eventId", s(e.eventId()));
        item.put("type", s(e.type()));
        item.put("schemaVersion", n(e.schemaVersion()));
        item.put("occurredAt", s(e.occurredAt().toString()));
        if (e.recordedAt() != null) item.put("recordedAt", s(e.recordedAt().toString()));
        if (e.payload() != null) item.put("payload", s(e.payload().toString()));
        if (e.payloadRef() != null) item.put("payloadRef", s(e.payloadRef()));
        EventMetadata m = e.metadata();
        if (m.correlationId() != null) item.put("correlationId", s(m.correlationId()));
        if (m.causationId() != null) item.put("causationId", s(m.causationId()));
        if (m.actor() != null) item.put("actor", s(m.actor()));
        return item;
    }

    static EventEnvelope fromItem(Map<String, AttributeValue> item) {
        ObjectNode payload = null;
        if (item.containsKey("payload")) {
            try {
                payload = (ObjectNode) EventCodec.JSON.readTree(item.get("payload").s());
            } catch (IOException ex) {
                throw new UncheckedIOException("stored payload of " + text(item, "eventId") + " is not JSON", ex);
            }
        }
        return new EventEnvelope(text(item, "eventId"), text(item, "aggregateId"), text(item, "type"),
                Integer.parseInt(item.get("schemaVersion").n()), Long.parseLong(item.get("version").n()), null,
                Instant.parse(text(item, "occurredAt")),
                item.containsKey("recordedAt") ? Instant.parse(text(item, "recordedAt")) : null,
                payload, text(item, "payloadRef"),
                new EventMetadata(text(item, "correlationId"), text(item, "causationId"), text(item, "actor")));
    }

    static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }

    static AttributeValue n(long v) {
        return AttributeValue.builder().n(Long.toString(v)).build();
    }

    static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}

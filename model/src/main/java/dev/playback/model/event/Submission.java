package dev.playback.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns what a client posts into events, or refuses it with an {@link InvalidEventException} that names
 * the field. A batch with one bad element is refused whole.
 */
public final class Submission {
    public static final int MAX_BATCH = 500;
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Set<String> FIELDS = Set.of(
            "aggregateId", "type", "payload", "eventId", "expectedVersion", "occurredAt", "metadata", "schemaVersion");
    private static final Set<String> METADATA_FIELDS = Set.of("correlationId", "causationId", "actor");
    /**
     * The earliest and latest {@code occurredAt} accepted: years 0001 to 9999, what the events table's time index keys
     * ({@code TimeKeys}: fixed-width {@code yyyy-MM-dd...}, so that string order is time order) can hold.
     */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /**
     * The largest {@code expectedVersion}: 2^53 - 1, the largest integer every JSON reader keeps exactly (I-JSON,
     * RFC 7493), and far beyond any aggregate's version.
     */
    public static final long MAX_EXPECTED_VERSION = (1L << 53) - 1;

    private final EventCatalog catalog;
    private final Supplier<String> ids;

    public Submission(EventCatalog catalog, Supplier<String> ids) {
        this.catalog = catalog;
        this.ids = ids;
    }

    /** One event object or an array of 1..500 of them. {@code now} is the ingest time. */
    public List<EventEnvelope> parse(JsonNode body, Instant now) {
        return parse(body, now, null);
    }

    /**
     * As {@link #parse(JsonNode, Instant)}; with an {@code idempotencyKey}, an event without {@code eventId} gets the
     * id {@link IdempotencyKey#eventId} derives from the key and its position in the body, instead of a new one.
     */
    public List<EventEnvelope> parse(JsonNode body, Instant now, IdempotencyKey idempotencyKey) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw new InvalidEventException("body", "request body is empty; expected an event object or an array of events");
        }
        List<EventEnvelope> out = new ArrayList<>();
        if (body.isArray()) {
            if (body.isEmpty()) throw new InvalidEventException("body", "event array is empty");
            if (body.size() > MAX_BATCH) {
                throw new InvalidEventException("body", "event array has " + body.size() + " events; at most " + MAX_BATCH + " are accepted");
            }
            for (int i = 0; i < body.size(); i++) {
                int index = i;
                try {
                    out.add(parseOne(body.get(i), now, () -> idempotencyKey == null ? ids.get() : idempotencyKey.eventId(index)));
                } catch (InvalidEventException e) {
                    throw e.at(i);
                }
            }
        } else {
            out.add(parseOne(body, now, () -> idempotencyKey == null ? ids.get() : idempotencyKey.eventId(0)));
        }
        return out;
    }

    public EventEnvelope parseOne(JsonNode n, Instant now) {
        return parseOne(n, now, ids);
    }

    private EventEnvelope parseOne(JsonNode n, Instant now, Supplier<String> newId) {
        if (!n.isObject()) throw new InvalidEventException("body", "an event must be a JSON object, got " + kind(n));
        TextRules.check(n, "");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new InvalidEventException(f, "unknown field '" + f + "'; allowed: " + String.join(", ", FIELDS.stream().sorted().toList()));
        }
        String aggregateId = id(n, "aggregateId", true);
        String type = string(n, "type", true);
        EventType eventType = catalog.require(type);
        JsonNode payload = n.get("payload");
        if (payload == null || payload.isNull()) throw new InvalidEventException("payload", "field 'payload' is required");
        if (!payload.isObject()) throw new InvalidEventException("payload", "field 'payload' must be a JSON object, got " + kind(payload));
        int schemaVersion = eventType.schemaVersion();
        if (n.has("schemaVersion")) {
            JsonNode sv = n.get("schemaVersion");
            if (!sv.isIntegralNumber() || !sv.canConvertToInt() || sv.asInt() < 1 || sv.asInt() > eventType.schemaVersion()) {
                throw new InvalidEventException("schemaVersion", "field 'schemaVersion' must be an integer from 1 to " + eventType.schemaVersion() + " for " + type);
            }
            schemaVersion = sv.asInt();
        }
        ObjectNode current = (ObjectNode) payload;
        for (int v = schemaVersion; v < eventType.schemaVersion(); v++) current = eventType.upcast(v, current.deepCopy());
        eventType.validate(current);
        String eventId = n.has("eventId") ? id(n, "eventId", true) : newId.get();
        Long expectedVersion = null;
        if (n.has("expectedVersion") && !n.get("expectedVersion").isNull()) {
            JsonNode ev = n.get("expectedVersion");
            if (!ev.isIntegralNumber() || !ev.canConvertToLong() || ev.asLong() < 0 || ev.asLong() > MAX_EXPECTED_VERSION) {
                throw new InvalidEventException("expectedVersion", "field 'expectedVersion' must be an integer from 0 to "
                        + MAX_EXPECTED_VERSION + ", got " + abbreviate(ev.toString()));
            }
            expectedVersion = ev.asLong();
        }
        Instant occurredAt = now;
        if (n.has("occurredAt") && !n.get("occurredAt").isNull()) {
            String t = string(n, "occurredAt", true);
            try {
                occurredAt = Instant.parse(t);
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("occurredAt", "field 'occurredAt' must be an ISO-8601 instant like 2026-01-31T12:00:00Z, got '" + abbreviate(t) + "'");
            }
            if (occurredAt.isBefore(EARLIEST) || occurredAt.isAfter(LATEST)) {
                throw new InvalidEventException("occurredAt", "field 'occurredAt' must be from " + EARLIEST + " to " + LATEST
                        + " (years 0001 to 9999), got '" + abbreviate(t) + "'");
            }
        }
        EventMetadata metadata = EventMetadata.NONE;
        if (n.has("metadata") && !n.get("metadata").isNull()) {
            JsonNode m = n.get("metadata");
            if (!m.isObject()) throw new InvalidEventException("metadata", "field 'metadata' must be a JSON object");
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!METADATA_FIELDS.contains(f)) throw new InvalidEventException("metadata." + f, "unknown metadata field '" + f + "'; allowed: actor, causationId, correlationId");
                if (!m.get(f).isTextual() || m.get(f).asText().isEmpty() || m.get(f).asText().length() > 256) throw new InvalidEventException("metadata." + f, "metadata field '" + f + "' must be a string of 1-256 characters");
            }
            metadata = new EventMetadata(m.path("correlationId").textValue(), m.path("causationId").textValue(), m.path("actor").textValue());
        }
        return new EventEnvelope(eventId, aggregateId, type, schemaVersion, null, expectedVersion,
                occurredAt, now, (ObjectNode) payload, null, metadata);
    }

    private static String id(JsonNode n, String field, boolean required) {
        String v = string(n, field, required);
        if (!ID.matcher(v).matches()) {
            throw new InvalidEventException(field, "field '" + field + "' must be 1-128 characters of A-Z a-z 0-9 . _ : -, got '" + abbreviate(v) + "'");
        }
        return v;
    }

    private static String string(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new InvalidEventException(field, "field '" + field + "' is required");
        if (!v.isTextual()) throw new InvalidEventException(field, "field '" + field + "' must be a string, got " + kind(v));
        return v.asText();
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case STRING -> "a string";
            default -> n.getNodeType().toString().toLowerCase();
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}

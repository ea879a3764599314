package dev.playback.model.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One event as it travels and as it is stored.
 *
 * <p>{@code version} is the per-aggregate position assigned by the pump on append (null before).
 * {@code expectedVersion} is the client's optimistic-concurrency guard (null when not given).
 * {@code payloadRef} names a claim-check object holding the payload when it was too large to travel
 * inline; then {@code payload} is null until a reader resolves it.
 */
public record EventEnvelope(
        String eventId,
        String aggregateId,
        String type,
        int schemaVersion,
        Long version,
        Long expectedVersion,
        Instant occurredAt,
        Instant recordedAt,
        ObjectNode payload,
        String payloadRef,
        EventMetadata metadata) {

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (payload == null && payloadRef == null) {
            throw new IllegalArgumentException("event " + eventId + " has neither payload nor payloadRef");
        }
        metadata = metadata == null ? EventMetadata.NONE : metadata;
    }

    public EventEnvelope withVersion(long newVersion) {
        return new EventEnvelope(eventId, aggregateId, type, schemaVersion, newVersion, expectedVersion,
                occurredAt, recordedAt, payload, payloadRef, metadata);
    }

    public EventEnvelope withPayload(ObjectNode newPayload) {
        return new EventEnvelope(eventId, aggregateId, type, schemaVersion, version, expectedVersion,
                occurredAt, recordedAt, newPayload, payloadRef, metadata);
    }

    public EventEnvelope withPayloadRef(String ref) {
        return new EventEnvelope(eventId, aggregateId, type, schemaVersion, version, expectedVersion,
                occurredAt, recordedAt, null, ref, metadata);
    }

    public EventEnvelope withSchema(String newType, int newSchemaVersion, ObjectNode newPayload) {
        return new EventEnvelope(eventId, aggregateId, newType, newSchemaVersion, version, expectedVersion,
                occurredAt, recordedAt, newPayload, payloadRef, metadata);
    }

    public long versionOrZero() {
        return version == null ? 0 : version;
    }
}

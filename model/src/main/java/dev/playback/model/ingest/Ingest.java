package dev.playback.model.ingest;

import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.IdempotencyKey;
import dev.playback.model.event.PublishDeadlineExceeded;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.event.Submission;
import dev.playback.model.privacy.PersonalData;
import dev.playback.model.privacy.memory.InMemorySubjectKeys;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.ContentHash;
import dev.playback.model.store.EventPublisher;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.PayloadStore;
import dev.playback.model.store.StateStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The ingest use cases behind the HTTP API: accept events (validate, assign ids, keep large payloads
 * aside, publish) and read back events, histories and projected state.
 */
public final class Ingest {
    /** Largest accepted event, encoded. */
    public static final int MAX_EVENT_BYTES = 1024 * 1024;
    /** Payloads larger than this travel and are stored by reference (claim check). */
    public static final int INLINE_PAYLOAD_BYTES = 256 * 1024;
    public static final String DEFAULT_GENERATION = "g0";

    private final EventCatalog catalog;
    private final Submission submission;
    private final PersonalData personal;
    private final EventPublisher publisher;
    private final PayloadStore payloads;
    private final EventStore events;
    private final StateStore states;
    private final Clock clock;

    /**
     * With the subjects' keys held in memory by this instance only (lost with it; reads through another instance show
     * personal fields as redacted): for tests and tools that need no key store.
     */
    public Ingest(EventCatalog catalog, EventPublisher publisher, PayloadStore payloads, EventStore events,
                  StateStore states, Clock clock) {
        this(catalog, publisher, payloads, events, states, new PersonalData(new InMemorySubjectKeys()), clock);
    }

    /** @param personal seals the personal fields of accepted events and reveals them in the reads */
    public Ingest(EventCatalog catalog, EventPublisher publisher, PayloadStore payloads, EventStore events,
                  StateStore states, PersonalData personal, Clock clock) {
        this.catalog = catalog;
        this.personal = personal;
        this.submission = new Submission(catalog, () -> UUID.randomUUID().toString());
        this.publisher = publisher;
        this.payloads = payloads;
        this.events = events;
        this.states = states;
        this.clock = clock;
    }

    /** Thrown for an event over {@link #MAX_EVENT_BYTES}; answered with 413. */
    public static final class TooLargeException extends InvalidEventException {
        public TooLargeException(String field, String message) {
            super(field, message);
        }
    }

    /** Thrown for an event whose client-chosen id already names another event (other aggregate or content); answered with 409. */
    public static final class ConflictException extends InvalidEventException {
        public ConflictException(String field, String message) {
            super(field, message);
        }
    }

    /** Validates, then publishes; returns the event ids in input order. Nothing is published if any event is bad. */
    public List<String> accept(com.fasterxml.jackson.databind.JsonNode body) {
        return accept(body, null);
    }

    /**
     * As {@link #accept(com.fasterxml.jackson.databind.JsonNode)}; with an {@code idempotencyKey} (may be null),
     * events without an {@code eventId} get ids derived from it ({@link IdempotencyKey#eventId}), so that a retry of
     * the same request is appended once.
     *
     * @throws PublishDeadlineExceeded when the publisher gave up at its deadline: nothing is
     *         acknowledged, and a retry with the same ids is safe
     */
    public List<String> accept(com.fasterxml.jackson.databind.JsonNode body, IdempotencyKey idempotencyKey) {
        refuseOversizedElements(body);
        List<EventEnvelope> parsed = sealed(submission.parse(body, clock.instant(), idempotencyKey));
        List<EventEnvelope> ready = new ArrayList<>(parsed.size());
        for (int i = 0; i < parsed.size(); i++) {
            EventEnvelope e = parsed.get(i);
            int size = EventCodec.toBytes(e).length;
            if (size > MAX_EVENT_BYTES) {
                String where = parsed.size() > 1 ? "[" + i + "]" : "body";
                throw new TooLargeException(where, "event " + (parsed.size() > 1 ? i + " " : "") + "is " + size
                        + " bytes encoded; at most " + MAX_EVENT_BYTES + " bytes are accepted");
            }
            ready.add(e);
        }
        List<EventEnvelope> out = new ArrayList<>(ready.size());
        for (EventEnvelope e : ready) {
            byte[] payload = e.payload().toString().getBytes(StandardCharsets.UTF_8);
            if (payload.length > INLINE_PAYLOAD_BYTES) {
                String ref = payloads.put(payloadKey(e, payload), payload);
                out.add(e.withPayloadRef(ref));
            } else {
                out.add(e);
            }
        }
        refuseConflictingIds(body, out, idempotencyKey != null);
        List<String> ids = out.stream().map(EventEnvelope::eventId).toList();
        try {
            publisher.publish(out);
        } catch (PublishDeadlineExceeded e) {
            throw e.forEvents(ids);
        }
        return ids;
    }

    /**
     * The events with their personal fields sealed ({@link PersonalData#seal}): validation has seen the plaintext, and
     * from here on (size, claim check, content hash, the stream) only tokens exist.
     */
    private List<EventEnvelope> sealed(List<EventEnvelope> parsed) {
        List<EventEnvelope> out = new ArrayList<>(parsed.size());
        for (int i = 0; i < parsed.size(); i++) {
            EventEnvelope e = parsed.get(i);
            try {
                out.add(personal.seal(catalog.require(e.type()), e));
            } catch (InvalidEventException ex) {
                throw parsed.size() > 1 ? ex.at(i) : ex;
            }
        }
        return out;
    }

    /**
     * The claim-check key of a payload: {@code payloads/<aggregateId>/<eventId>/<sha256>.json}, with the SHA-256 of
     * the payload's bytes in lowercase hex. Content-addressed, so an object is written once: a re-send of the event id
     * with other content goes to another key and cannot replace what an appended event refers to (a re-send with the
     * same content writes the same bytes). References stored under the earlier layout
     * ({@code payloads/<aggregateId>/<eventId>.json}) stay readable: a reference is read as it is.
     */
    public static String payloadKey(EventEnvelope e, byte[] payload) {
        try {
            String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(payload));
            return "payloads/" + e.aggregateId() + "/" + e.eventId() + "/" + sha256 + ".json";
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
        }
    }

    /**
     * An event id the client chose (in the body, or through an Idempotency-Key) that the pump already recorded for another aggregate or other content
     * ({@link ContentHash}) is refused with 409 before the 202; a conflict that arises later (two sends racing) is
     * recorded by the pump with the id's status.
     */
    private void refuseConflictingIds(com.fasterxml.jackson.databind.JsonNode body, List<EventEnvelope> out, boolean keyed) {
        List<String> chosen = new ArrayList<>();
        if (keyed) {
            // Ids derived from an Idempotency-Key are chosen by the client too: a retry with another body conflicts.
            out.forEach(e -> chosen.add(e.eventId()));
        } else {
            for (com.fasterxml.jackson.databind.JsonNode n : body.isArray() ? body : List.of(body)) {
                if (n.hasNonNull("eventId")) chosen.add(n.get("eventId").asText());
            }
        }
        if (chosen.isEmpty()) return;
        java.util.Map<String, EventStatus> seen = events.statuses(chosen);
        for (int i = 0; i < out.size(); i++) {
            EventEnvelope e = out.get(i);
            EventStatus s = seen.get(e.eventId());
            if (s == null) continue;
            String hash = ContentHash.of(e);
            if (!s.aggregateId().equals(e.aggregateId()) || (s.hash() != null && !s.hash().equals(hash))) {
                throw new ConflictException(out.size() > 1 ? "[" + i + "].eventId" : "eventId", "eventId " + e.eventId()
                        + " already names another event (aggregate " + s.aggregateId() + (s.hash() == null ? "" : ", content " + s.hash())
                        + "); this one (aggregate " + e.aggregateId() + ", content " + hash + ") is refused");
            }
        }
    }

    /**
     * An event over 1 MB is refused with 413 whatever else is wrong with it: the size is checked on the submitted
     * JSON before validation (which would otherwise answer 400 for, say, an over-long field). The encoded envelope
     * is checked again after parsing.
     */
    private static void refuseOversizedElements(com.fasterxml.jackson.databind.JsonNode body) {
        if (body == null) return;
        if (body.isArray()) {
            if (body.size() > Submission.MAX_BATCH) return; // refused as a whole by the parser, with 400
            for (int i = 0; i < body.size(); i++) {
                long size = encodedSize(body.get(i));
                if (size > MAX_EVENT_BYTES) {
                    throw new TooLargeException("[" + i + "]", "event " + i + " is " + size + " bytes; at most " + MAX_EVENT_BYTES + " bytes are accepted");
                }
            }
        } else {
            long size = encodedSize(body);
            if (size > MAX_EVENT_BYTES) throw new TooLargeException("body", "event is " + size + " bytes; at most " + MAX_EVENT_BYTES + " bytes are accepted");
        }
    }

    private static long encodedSize(com.fasterxml.jackson.databind.JsonNode node) {
        long[] count = {0};
        java.io.OutputStream counter = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try {
            EventCodec.JSON.writeValue(counter, node);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return count[0];
    }

    public sealed interface Lookup {
        /** {@code conflicts}: later sends of the same id with other content or another aggregate, not appended. */
        record Appended(EventEnvelope event, List<String> conflicts) implements Lookup {
            public Appended(EventEnvelope event) {
                this(event, List.of());
            }
        }

        record Rejected(EventStatus.Rejected rejection) implements Lookup {
        }

        record NotYet() implements Lookup {
        }
    }

    public Lookup event(String eventId) {
        EventStatus status = events.statuses(List.of(eventId)).get(eventId);
        if (status instanceof EventStatus.Rejected r) return new Lookup.Rejected(r);
        if (status instanceof EventStatus.Claimed c) {
            List<EventEnvelope> found = events.read(c.aggregateId(), c.version(), 1);
            if (!found.isEmpty() && found.get(0).eventId().equals(eventId) && found.get(0).version() == c.version()) {
                return new Lookup.Appended(personal.reveal(found.get(0)), c.conflicts());
            }
        }
        return new Lookup.NotYet();
    }

    public Optional<ProcessorState> state(String processor, String aggregateId) {
        String generation = states.activeGeneration(processor, DEFAULT_GENERATION);
        return states.load(processor, generation, aggregateId).map(personal::reveal);
    }

    /** {@code state} (a processor's state as stored) with its personal fields revealed. */
    public com.fasterxml.jackson.databind.JsonNode reveal(com.fasterxml.jackson.databind.JsonNode state) {
        return personal.reveal(state);
    }

    /** The aggregate's events from {@code fromVersion}, at most {@code limit}, their personal fields revealed. */
    public List<EventEnvelope> history(String aggregateId, long fromVersion, int limit) {
        return personal.reveal(events.read(aggregateId, fromVersion, limit));
    }
}

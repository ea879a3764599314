package dev.playback.model.store;

import java.time.Instant;
import java.util.List;

/**
 * What became of an accepted event id. {@code hash} is the {@link ContentHash} of the event the status was
 * recorded for (null for statuses recorded before hashes were kept); {@code conflicts} names every later send of
 * the same id with other content or another aggregate, which was not appended.
 */
public sealed interface EventStatus {
    String eventId();

    String aggregateId();

    String hash();

    List<String> conflicts();

    /** The pump chose {@code version} for the event; it is appended once the event item exists there. */
    record Claimed(String eventId, String aggregateId, long version, Instant at, String hash, List<String> conflicts)
            implements EventStatus {
        public Claimed {
            conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
        }

        public Claimed(String eventId, String aggregateId, long version, Instant at) {
            this(eventId, aggregateId, version, at, null, List.of());
        }

        public Claimed withVersion(long to) {
            return new Claimed(eventId, aggregateId, to, at, hash, conflicts);
        }
    }

    /**
     * The pump refused the event (an {@code expectedVersion} mismatch, an event it cannot store); it is not in the
     * log.
     */
    record Rejected(String eventId, String aggregateId, String reason, Instant at, String hash, List<String> conflicts)
            implements EventStatus {
        public Rejected {
            conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
        }

        public Rejected(String eventId, String aggregateId, String reason, Instant at) {
            this(eventId, aggregateId, reason, at, null, List.of());
        }
    }
}

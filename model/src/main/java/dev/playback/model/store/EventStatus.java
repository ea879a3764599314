package dev.playback.model.store;

import java.time.Instant;

/** What became of an accepted event id. */
public sealed interface EventStatus {
    String eventId();

    String aggregateId();

    /** The pump chose {@code version} for the event; it is appended once the event item exists there. */
    record Claimed(String eventId, String aggregateId, long version, Instant at) implements EventStatus {
    }

    /** The pump refused the event (for example an {@code expectedVersion} mismatch); it is not in the log. */
    record Rejected(String eventId, String aggregateId, String reason, Instant at) implements EventStatus {
    }
}

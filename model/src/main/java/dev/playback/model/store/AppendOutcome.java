package dev.playback.model.store;

/** What one append did with one event. */
public sealed interface AppendOutcome {
    String eventId();

    record Appended(String eventId, String aggregateId, long version) implements AppendOutcome {
    }

    /**
     * The event id was appended or rejected before, for this same event: nothing written again. {@code version} is
     * where it was appended when that is known, else null.
     */
    record Duplicate(String eventId, String aggregateId, Long version) implements AppendOutcome {
        public Duplicate(String eventId) {
            this(eventId, null, null);
        }
    }

    /** The event was refused; the reason is recorded with its id ({@link EventStatus.Rejected}). */
    record Rejected(String eventId, String aggregateId, String reason) implements AppendOutcome {
    }

    /**
     * The event id was taken by another event (other content or another aggregate): this one is not appended, and
     * {@code reason} is recorded in the id's {@link EventStatus#conflicts()}.
     */
    record Conflict(String eventId, String aggregateId, String reason) implements AppendOutcome {
    }
}

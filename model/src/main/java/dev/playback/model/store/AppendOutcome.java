package dev.playback.model.store;

/** What one append did with one event. */
public sealed interface AppendOutcome {
    String eventId();

    record Appended(String eventId, String aggregateId, long version) implements AppendOutcome {
    }

    /**
     * The event id was appended or rejected before: nothing written again. {@code version} is where it
     * was appended when that is known (an earlier attempt of the same delivery), else null.
     */
    record Duplicate(String eventId, String aggregateId, Long version) implements AppendOutcome {
        public Duplicate(String eventId) {
            this(eventId, null, null);
        }
    }

    record Rejected(String eventId, String aggregateId, String reason) implements AppendOutcome {
    }
}

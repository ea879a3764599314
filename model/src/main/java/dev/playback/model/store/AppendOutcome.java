package dev.playback.model.store;

/** What one append did with one event. */
public sealed interface AppendOutcome {
    String eventId();

    record Appended(String eventId, String aggregateId, long version) implements AppendOutcome {
    }

    /** The event id was appended or rejected before: nothing written again. */
    record Duplicate(String eventId) implements AppendOutcome {
    }

    record Rejected(String eventId, String aggregateId, String reason) implements AppendOutcome {
    }
}

package dev.playback.model.gateway;

import java.util.List;

/** Port: the log of commands per event (DynamoDB items in the data table in production). */
public interface CommandLog {
    /** Every entry logged for the event by the processor, in the order they were logged. */
    List<LoggedCommand> forEvent(String processor, String eventId);

    /**
     * Appends the entry unless an entry with the same {@link LoggedCommand#entryId()} is there already; returns the
     * entry the log keeps for that id: {@code entry}, or the one logged before it (by a concurrent or an earlier writer).
     */
    LoggedCommand append(LoggedCommand entry);
}

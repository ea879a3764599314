package dev.playback.model.gateway;

import java.util.List;

/** Port: the log of commands per event (DynamoDB items in the data table in production). */
public interface CommandLog {
    /** Every entry logged for the event by the processor, in the order they were logged. */
    List<LoggedCommand> forEvent(String processor, String eventId);

    /** Appends the entry unless an entry with the same {@link LoggedCommand#entryId()} is there already. */
    void append(LoggedCommand entry);
}

package dev.playback.tools.archive;

import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryRecords;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.replay.EventIndex;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.PayloadStore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an export reads from a stack and an import writes to it, through the stack's own ports: the events (read with
 * claim-check payloads resolved; written through the pump's {@link dev.playback.model.store.Appender} on {@link #log}),
 * the event index, the payload store, the recorded query answers and the command logs. {@link AwsStackData} is the
 * DynamoDB and S3 one, for a local stack and a deployed one alike.
 */
public interface StackData extends AutoCloseable {
    /** Where the data is, for the manifest and the messages ({@code local stack (FILE)}, {@code AWS stack NAME}). */
    String where();

    EventStore events();

    EventLog log();

    EventIndex index();

    PayloadStore payloads();

    QueryRecords queries();

    CommandLog commands();

    /** Every aggregate with events: the whole events table's scope. */
    List<String> allAggregates();

    /** Every recorded query answer of {@code eventId}, by any processor. */
    List<RecordedQuery> queriesOf(String eventId);

    /** The processors whose command logs are read (the stack's processors with external effects). */
    List<String> commandProcessors();

    /** The command log entries of {@code processor} for each of {@code eventIds}, in the order logged. */
    default Map<String, List<LoggedCommand>> commandsOf(String processor, List<String> eventIds) {
        Map<String, List<LoggedCommand>> out = new LinkedHashMap<>();
        for (String id : eventIds) out.put(id, commands().forEvent(processor, id));
        return out;
    }

    @Override
    default void close() {
    }
}

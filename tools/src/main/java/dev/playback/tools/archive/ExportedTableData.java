package dev.playback.tools.archive;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryRecords;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.replay.EventIndex;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.PayloadStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stack's data whose events come from DynamoDB's export of the events table to S3 ({@link TableExport}) instead of
 * reads of the table: every aggregate of the export, and its events; the recorded answers, the command logs, the
 * payloads and the index still come from the stack ({@link AwsStackData}). The export's events are read once, on first
 * use, and held in memory grouped by aggregate.
 */
public final class ExportedTableData implements StackData {
    private final AwsStackData stack;
    private final TableExport export;
    private final TableExport.Written written;
    private Map<String, List<EventEnvelope>> byAggregate;

    public ExportedTableData(AwsStackData stack, TableExport export, TableExport.Written written) {
        this.stack = stack;
        this.export = export;
        this.written = written;
    }

    private synchronized Map<String, List<EventEnvelope>> exported() {
        if (byAggregate == null) {
            Map<String, List<EventEnvelope>> read = new TreeMap<>();
            export.read(written, item -> {
                EventEnvelope e = stack.eventOf(item);
                read.computeIfAbsent(e.aggregateId(), a -> new ArrayList<>()).add(e);
            });
            read.values().forEach(l -> l.sort(Comparator.comparing(EventEnvelope::version)));
            byAggregate = read;
        }
        return byAggregate;
    }

    @Override
    public String where() {
        return stack.where() + " (export to S3 " + written.exportArn() + ")";
    }

    /** The export's events; the statuses of event ids from the stack. */
    @Override
    public EventStore events() {
        return new EventStore() {
            @Override
            public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
                return exported().getOrDefault(aggregateId, List.of()).stream().filter(e -> e.version() >= fromVersion).limit(limit).toList();
            }

            @Override
            public Map<String, EventStatus> statuses(Collection<String> eventIds) {
                return stack.events().statuses(eventIds);
            }
        };
    }

    @Override
    public EventLog log() {
        return stack.log();
    }

    @Override
    public EventIndex index() {
        return stack.index();
    }

    @Override
    public PayloadStore payloads() {
        return stack.payloads();
    }

    @Override
    public QueryRecords queries() {
        return stack.queries();
    }

    @Override
    public CommandLog commands() {
        return stack.commands();
    }

    /** Every aggregate the export holds. */
    @Override
    public List<String> allAggregates() {
        return List.copyOf(exported().keySet());
    }

    @Override
    public List<RecordedQuery> queriesOf(String eventId) {
        return stack.queriesOf(eventId);
    }

    @Override
    public List<String> commandProcessors() {
        return stack.commandProcessors();
    }

    @Override
    public Map<String, List<LoggedCommand>> commandsOf(String processor, List<String> eventIds) {
        return stack.commandsOf(processor, eventIds);
    }
}

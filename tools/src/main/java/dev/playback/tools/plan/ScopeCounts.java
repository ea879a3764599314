package dev.playback.tools.plan;

import dev.playback.model.replay.EventIndex;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.model.replay.TimeField;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The counts a plan starts from, never from a scan: the events table's metadata (DescribeTable ItemCount and
 * TableSizeBytes, which AWS refreshes about every six hours) and the events index (aggregates of the scope).
 */
public final class ScopeCounts {
    /** The mean stored event size assumed when there is no table to ask (a what-if). */
    public static final double DEFAULT_EVENT_BYTES = 400;

    private ScopeCounts() {
    }

    /**
     * The table's events and their mean size, from DescribeTable; {@code countKnown} false when DescribeTable reports no
     * items although the table has some (AWS refreshes ItemCount about every six hours; dynalite never does).
     */
    public record TableFigures(long events, double eventBytes, boolean countKnown, String source) {
    }

    /** Items read for the mean event size when DescribeTable has no size: one page, not a scan of the table. */
    static final int SAMPLE = 100;

    public static TableFigures describe(DynamoDbClient dynamo, String eventsTable) {
        TableDescription t = dynamo.describeTable(d -> d.tableName(eventsTable)).table();
        long items = t.itemCount() == null ? 0 : t.itemCount();
        long bytes = t.tableSizeBytes() == null ? 0 : t.tableSizeBytes();
        String source = "DescribeTable " + eventsTable + ": ItemCount " + items + ", TableSizeBytes " + bytes;
        if (items > 0 && bytes > 0) return new TableFigures(items, (double) bytes / items, true, source);
        var sample = dynamo.scan(s -> s.tableName(eventsTable).limit(SAMPLE)).items();
        if (sample.isEmpty()) return new TableFigures(0, DEFAULT_EVENT_BYTES, true, source + " (empty)");
        double mean = sample.stream().mapToLong(RebuildBenchmark.Meter::size).average().orElseThrow();
        return new TableFigures(items, mean, items > 0, source + "; mean size from a sample of " + sample.size() + " items");
    }

    /**
     * The mean write units of an item of the data table (processor states, checkpoints), from one page of it (not a
     * scan of the table); empty when the table has no items.
     */
    public static java.util.OptionalDouble stateWriteUnits(DynamoDbClient dynamo, String dataTable) {
        var sample = dynamo.scan(s -> s.tableName(dataTable).limit(SAMPLE)).items();
        return sample.stream().mapToDouble(item -> Math.max(1, Math.ceil(RebuildBenchmark.Meter.size(item) / 1024.0))).average();
    }

    /**
     * A rebuild or verification covers the whole table: its events, and its aggregates as the index counts them
     * ({@code aggregates}: the count, when known).
     */
    public static Scope whole(Scope.ReplayShape shape, TableFigures table, long aggregates, String aggregatesSource) {
        if (shape == Scope.ReplayShape.PARTIAL) throw new IllegalArgumentException("a partial replay's scope is not the whole table");
        return new Scope(shape, table.events(), aggregates, table.events(), aggregates, table.eventBytes(),
                table.source() + "; aggregates " + aggregatesSource);
    }

    /**
     * A partial replay's scope: the aggregates the index finds for {@code ids}/{@code types}/the window (as the
     * replay's findAggregates does), their events estimated at the table's mean events per aggregate.
     */
    public static Scope partial(TableFigures table, long totalAggregates, String aggregatesSource, EventIndex index, List<String> ids,
                                Collection<String> types, TimeField field, Instant since, Instant until) {
        long inScope;
        String how;
        if (!ids.isEmpty()) {
            inScope = ids.size();
            how = "aggregates named";
        } else if (since != null || until != null) {
            inScope = index.inWindow(field, since == null ? Instant.EPOCH : since, until == null ? Instant.parse("9999-12-31T00:00:00Z") : until,
                    types).size();
            how = "index: aggregates in the window" + (types.isEmpty() ? "" : " with types " + types);
        } else {
            inScope = index.withTypes(types).size();
            how = "index: aggregates with types " + types;
        }
        return partial(table, totalAggregates, aggregatesSource, inScope, how);
    }

    /** A partial replay of {@code inScope} aggregates. */
    public static Scope partial(TableFigures table, long totalAggregates, String aggregatesSource, long inScope, String how) {
        if (totalAggregates < 1 && table.events() > 0) {
            throw new IllegalArgumentException("the table's aggregate count is needed to estimate the events in scope: " + aggregatesSource);
        }
        double perAggregate = totalAggregates == 0 ? 0 : (double) table.events() / totalAggregates;
        long events = Math.round(inScope * perAggregate);
        return new Scope(Scope.ReplayShape.PARTIAL, events, inScope, table.events(), totalAggregates, table.eventBytes(),
                how + "; events estimated at " + String.format(java.util.Locale.ROOT, "%.1f", perAggregate) + " per aggregate (" + table.source()
                        + "; aggregates " + aggregatesSource + ")");
    }
}

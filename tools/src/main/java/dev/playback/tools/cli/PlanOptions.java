package dev.playback.tools.cli;

import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.model.replay.TimeField;
import dev.playback.tools.plan.Plan;
import dev.playback.tools.plan.PriceList;
import dev.playback.tools.plan.ReplayMachineModel;
import dev.playback.tools.plan.Scope;
import dev.playback.tools.plan.ScopeCounts;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The planner's options ({@code playback plan ...}, and {@code --plan} on rebuild and replay) and the plan they make. */
final class PlanOptions {
    @Option(names = "--shards", paramLabel = "N", defaultValue = "2", description = "plan: playback stream shards (default: ${DEFAULT-VALUE}, template.yaml's ShardCount)")
    int shards;
    @Option(names = "--events", paramLabel = "N", description = "plan: what-if for N events without asking a table")
    Long events;
    @Option(names = "--aggregates", paramLabel = "N", description = "plan: the table's aggregates (with --events: default events / 100)")
    Long aggregates;
    @Option(names = "--event-bytes", paramLabel = "N", description = "plan: mean event size with --events (default: 400)")
    Double eventBytes;
    @Option(names = "--processors", paramLabel = "N", defaultValue = "4", description = "plan: processors whose state the replay writes (default: ${DEFAULT-VALUE}, the sample domains')")
    int processors;
    @Option(names = "--consumers", paramLabel = "N", defaultValue = "3", description = "plan: functions reading the playback stream (default: ${DEFAULT-VALUE})")
    int consumers;
    @Option(names = "--max-concurrency", paramLabel = "N", defaultValue = "0", description = "plan: segments or children at once (default: 0, all)")
    int maxConcurrency;
    @Option(names = "--index-table", paramLabel = "NAME", description = "plan with --aws: the event index table (else $PLAYBACK_EVENT_INDEX_TABLE)")
    String indexTable;
    @Option(names = "--prices", paramLabel = "FILE", description = "plan: a price and quota list (default: the shipped prices/aws-us-east-1.json)")
    Path prices;

    PriceList priceList() {
        return prices == null ? PriceList.standard() : PriceList.of(prices);
    }

    /** Options that contradict each other, before anything connects. */
    void check(CommandSpec spec) {
        if (eventBytes != null && events == null) throw Usage.error(spec, "option --event-bytes needs --events (else the table's mean size is used)");
    }

    ReplayMachineModel.Settings settings(int segments, Connection connection, CommandSpec spec) {
        ReplayCommands.inRange(segments, "--segments", 1, 10_000, spec);
        ReplayCommands.inRange(shards, "--shards", 1, 10_000, spec);
        ReplayCommands.inRange(processors, "--processors", 1, 1_000, spec);
        ReplayCommands.inRange(consumers, "--consumers", 1, 20, spec);
        ReplayCommands.inRange(maxConcurrency, "--max-concurrency", 0, 10_000, spec);
        ReplayMachineModel.Settings d = ReplayMachineModel.Settings.deployed(segments, shards, processors);
        // a what-if (--events) asks no table
        String data = connection == null || events != null ? null : connection.dataTableOrNull();
        double stateUnits = data == null ? d.stateWriteUnits() : ScopeCounts.stateWriteUnits(connection.dynamo(), data).orElse(d.stateWriteUnits());
        return new ReplayMachineModel.Settings(d.segments(), d.shards(), d.batchSize(), consumers, d.processors(), d.replayMemoryMb(),
                d.processorMemoryMb(), d.architecture(), d.publishBudgetSeconds(), maxConcurrency, d.aggregatesPerChild(), stateUnits);
    }

    /** What-if figures (--events), else the table's metadata through {@code connection}. */
    ScopeCounts.TableFigures table(Connection connection, CommandSpec spec) {
        if (events != null) {
            if (events < 0) throw Usage.error(spec, "option --events must be >= 0, not " + events);
            double bytes = eventBytes == null ? ScopeCounts.DEFAULT_EVENT_BYTES : eventBytes;
            if (bytes <= 0) throw Usage.error(spec, "option --event-bytes must be > 0, not " + bytes);
            return new ScopeCounts.TableFigures(events, bytes, true, "what-if: --events " + events);
        }
        check(spec);
        String table = connection.eventsTableOrNull();
        if (table == null) throw Usage.error(spec, "the events table is not known: --events-table NAME, $" + Connection.EVENTS_TABLE_ENV + " or --stack NAME");
        ScopeCounts.TableFigures t = ScopeCounts.describe(connection.dynamo(), table);
        if (!t.countKnown()) {
            throw Usage.error(spec, t.source() + ": the table has events but its metadata counts none yet (AWS refreshes ItemCount about every "
                    + "six hours; a local dynalite never): give --events N");
        }
        return t;
    }

    /** The table's aggregates: --aggregates, else (what-if) events / 100, else the event index's count (never a scan). */
    long totalAggregates(Connection connection, CommandSpec spec) {
        if (aggregates != null) {
            if (aggregates < 0) throw Usage.error(spec, "option --aggregates must be >= 0, not " + aggregates);
            return aggregates;
        }
        if (events != null) return Math.max(events == 0 ? 0 : 1, events / 100);
        return index(connection, spec).aggregateCount();
    }

    String aggregatesSource() {
        return aggregates != null ? "--aggregates " + aggregates : events != null ? "what-if: events / 100" : "the event index's aggregateCount";
    }

    /** The event index of the connection's stack: --index-table, else locally the stack's, else $PLAYBACK_EVENT_INDEX_TABLE. */
    DynamoEventIndex index(Connection connection, CommandSpec spec) {
        String name = indexTable;
        if (name == null && connection.isLocal()) name = connection.localName("EventIndexTable");
        if (name == null) name = System.getenv("PLAYBACK_EVENT_INDEX_TABLE");
        if (name == null || name.isBlank()) {
            throw Usage.error(spec, "with --aws the event index table is needed: --index-table NAME or $PLAYBACK_EVENT_INDEX_TABLE "
                    + "(the stack's output EventIndexTableName), or --aggregates N");
        }
        return new DynamoEventIndex(connection.dynamo(), connection.eventsTableOrNull(), name);
    }

    Plan wholeTable(Scope.ReplayShape shape, int segments, Connection connection, CommandSpec spec) {
        ScopeCounts.TableFigures t = table(connection, spec);
        Scope scope = ScopeCounts.whole(shape, t, totalAggregates(connection, spec), aggregatesSource());
        return Plan.of(scope, settings(segments, connection, spec), priceList());
    }

    Plan partial(Connection connection, List<String> ids, List<String> types, String timeField, Instant since, Instant until,
                 CommandSpec spec) {
        ScopeCounts.TableFigures t = table(connection, spec);
        long total = totalAggregates(connection, spec);
        Scope scope;
        if (events != null && ids.isEmpty()) {
            throw Usage.error(spec, "a what-if partial replay (--events) needs its aggregates named (--aggregate) or counted: use --aggregates N "
                    + "for the table and --aggregate for the scope, or plan against a table");
        } else if (connection == null || events != null || !ids.isEmpty()) {
            scope = ScopeCounts.partial(t, total, aggregatesSource(), ids.size(), "aggregates named");
        } else {
            TimeField field = "occurredAt".equals(timeField) ? TimeField.OCCURRED_AT : TimeField.RECORDED_AT;
            scope = ScopeCounts.partial(t, total, aggregatesSource(), index(connection, spec), ids, types, field, since, until);
        }
        return Plan.of(scope, settings(1, connection, spec), priceList());
    }

    /** {@code --plan} and {@code --yes} of rebuild, verify and replay, with the planner's options. */
    static final class First {
        @Option(names = "--plan", description = "print the plan (scope, duration, cost) on stderr and ask before starting")
        boolean plan;
        @Option(names = "--yes", description = "with --plan: start without asking (needed when stdin is not a terminal)")
        boolean yes;
        @picocli.CommandLine.Mixin
        PlanOptions options = new PlanOptions();

        /** Prints the plan and asks on the terminal; without a terminal only --yes starts. Returns whether to start. */
        boolean confirm(java.util.function.Supplier<Plan> plan, PrintStream err, CommandSpec spec) {
            return PlanOptions.confirm(plan.get(), err, yes, spec);
        }
    }

    /**
     * Prints the plan and asks on the terminal; without a terminal only {@code yes} (--yes) starts. Returns whether to start.
     */
    static boolean confirm(Plan plan, PrintStream err, boolean yes, CommandSpec spec) {
        plan.print(err);
        if (yes) return true;
        Console console = System.console();
        if (console == null) {
            throw Usage.error(spec, "option --plan asks before starting, but stdin is not a terminal: add --yes to start without asking");
        }
        String answer = console.readLine("start it? [y/N] ");
        boolean start = answer != null && answer.trim().toLowerCase(Locale.ROOT).matches("y|yes");
        if (!start) err.println("not started");
        return start;
    }
}

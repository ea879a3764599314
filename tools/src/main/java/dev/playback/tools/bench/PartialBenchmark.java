package dev.playback.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.model.replay.TimeField;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.plan.Plan;
import dev.playback.tools.plan.PriceList;
import dev.playback.tools.plan.ReplayMachineModel;
import dev.playback.tools.plan.Scope;
import dev.playback.tools.plan.ScopeCounts;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code playback bench partial}: a partial replay whose scope is every account on a fresh in-memory local stack.
 * Loads {@code aggregates} accounts (two events each: opened, deposited) straight into the events table through
 * the lambdas' event log adapter, runs the PartialReplayStateMachine by type (AccountOpened: all of them) in the
 * processor {@code balances}, whose
 * Distributed Map reads the scope from S3 in batches, checks the data store against an independent fold of the
 * events table ({@link LedgerFold}), and prints aggregates, events, seconds, map runs and child executions.
 */
public final class PartialBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MACHINE = "PartialReplayStateMachine";
    /** The Distributed Map's Label in partial-replay.asl.json: its children run as {@code <machine>/<Label>}. */
    static final String MAP_LABEL = "RebuildAggregates";
    private final PrintStream out;

    public PartialBenchmark(PrintStream out) {
        this.out = out;
    }

    /** What one partial replay did, as measured: from its output, its history and its map run's children. */
    public record Result(String replayId, String status, long aggregatesRead, long rebuilt, long events, double seconds, long mapRuns,
                         long childExecutions, String error) {
    }

    /**
     * Runs the benchmark over {@code aggregates} accounts: prints the plan of the replay (its scope from the event index)
     * before it starts, then what the run did; {@code beforeRun} gets the replay's request before it starts.
     */
    public int run(int aggregates, Consumer<ObjectNode> beforeRun) throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            out.printf(Locale.ROOT, "loading %,d accounts (%,d events) straight into the events table ...%n", aggregates, 2L * aggregates);
            long tl = System.nanoTime();
            load(stack, aggregates);
            out.printf(Locale.ROOT, "loaded in %.1f s%n", (System.nanoTime() - tl) / 1e9);
            ObjectNode request = JSON.createObjectNode().put("replayId", "bench-partial-" + Long.toString(System.currentTimeMillis(), 36));
            request.putArray("types").add("AccountOpened");
            // the processor the fold checks; the others would multiply the work without being checked
            request.putArray("processors").add("balances");
            beforeRun.accept(request);
            plan(stack, 2L * aggregates, List.of("AccountOpened"), 1).print(out);
            Result r = replay(stack, request, Duration.ofHours(2));
            print(r, out);
            if (!"SUCCEEDED".equals(r.status())) return 1;
            LedgerFold.Result fold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
            List<String> diffs = LedgerFold.compare(fold, stack.dynamoDb(), stack.physicalName("DataTable"),
                    RebuildBenchmark.activeGeneration(stack, "balances"));
            out.println("check: data store vs independent fold: " + (diffs.isEmpty() ? "equal" : diffs.size() + " differences, e.g. "
                    + diffs.subList(0, Math.min(3, diffs.size()))));
            return diffs.isEmpty() && r.aggregatesRead() == aggregates && r.rebuilt() == aggregates ? 0 : 1;
        }
    }

    /**
     * The plan of a partial replay by {@code types} in {@code processors} processors on the local stack: the scope from
     * the event index, the events from {@code events} (dynalite's DescribeTable counts no items) and the table's mean size.
     */
    static Plan plan(LocalStack stack, long events, List<String> types, int processors) {
        ScopeCounts.TableFigures described = ScopeCounts.describe(stack.dynamoDb(), stack.physicalName("EventsTable"));
        ScopeCounts.TableFigures table = new ScopeCounts.TableFigures(events, described.eventBytes(), true, "loaded; " + described.source());
        DynamoEventIndex index = new DynamoEventIndex(stack.dynamoDb(), stack.physicalName("EventsTable"),
                stack.physicalName("EventIndexTable"));
        Scope scope = ScopeCounts.partial(table, index.aggregateCount(), "the event index's aggregateCount", index, List.of(), types,
                TimeField.RECORDED_AT, null, null);
        int shards = stack.kinesis().describeStreamSummary(d -> d.streamName(stack.physicalName("PlaybackStream")))
                .streamDescriptionSummary().openShardCount();
        return Plan.of(scope, ReplayMachineModel.Settings.deployed(1, shards, processors), PriceList.standard());
    }

    /** {@code aggregates} accounts with two events each (AccountOpened, MoneyDeposited), in the pump's layout. */
    public static void load(LocalStack stack, int aggregates) throws Exception {
        RebuildBenchmark.load(stack, 2 * aggregates, aggregates, Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Starts the partial replay {@code request} (its {@code replayId} names the execution) and measures it to its end. */
    public static Result replay(LocalStack stack, ObjectNode request, Duration timeout) throws Exception {
        String replayId = request.get("replayId").asText();
        var sfn = stack.workflows().stepFunctions();
        String machine = stack.workflows().stateMachineArn(MACHINE);
        long t0 = System.nanoTime();
        sfn.startExecution(machine, replayId, request.toString());
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, machine, replayId, timeout);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long mapRuns = 0;
        for (HistoryEvent h : sfn.getExecutionHistory(d.executionArn())) {
            if (h.type().equals("MapRunStarted")) mapRuns++;
        }
        long children = 0;
        for (ExecutionDescription child : sfn.listExecutions(machine + "/" + MAP_LABEL, null)) {
            if (child.input() != null && child.input().contains("\"" + replayId + "\"")) children++;
        }
        JsonNode output = d.output() == null ? JSON.createObjectNode() : JSON.readTree(d.output());
        return new Result(replayId, d.status().name(), output.path("aggregatesRead").asLong(), output.path("rebuilt").asLong(),
                output.path("events").asLong(), seconds, mapRuns, children, d.error() == null ? null : d.error() + ": " + d.cause());
    }

    public static void print(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "partial replay %s: %s, %,d aggregates read, %,d rebuilt from %,d events in %.1f s (%.0f aggregates/s); "
                        + "%d map run(s), %,d child executions%n", r.replayId(), r.status(), r.aggregatesRead(), r.rebuilt(), r.events(),
                r.seconds(), r.seconds() == 0 ? 0.0 : r.rebuilt() / r.seconds(), r.mapRuns(), r.childExecutions());
        if (r.error() != null) out.println("  " + r.error());
    }
}

package dev.playback.test.replay;

import dev.onebox.eventsource.KinesisEventSourceMapping;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.plan.CostBreakdown;
import dev.playback.tools.plan.Plan;
import dev.playback.tools.plan.PriceList;
import dev.playback.tools.plan.ReplayMachineModel;
import dev.playback.tools.plan.Scope;
import dev.playback.tools.plan.ScopeCounts;
import dev.playback.tools.plan.WorkCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planner's predicted counts of a rebuild are within 10% of what a local rebuild of the same table counted (the
 * rebuild bench's Meter on the SDK clients and the executions' histories). The plan's mean event size comes from the
 * table (DescribeTable, a sample page where dynalite reports no size), its aggregates from the event index's count, its
 * shards and consumers from the local stack; the events are the ones loaded (dynalite's ItemCount stays 0).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PlanAgainstRunIT {
    static final int EVENTS = 6_000;
    static final int ACCOUNTS = 300;
    static final int SEGMENTS = 4;

    @Test
    void the_plans_predicted_counts_are_within_ten_percent_of_a_measured_local_rebuild() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            Replays.load(stack, EVENTS, ACCOUNTS);
            // dynalite's DescribeTable counts no items: the events are the ones loaded, their mean size from the table's sample
            ScopeCounts.TableFigures described = ScopeCounts.describe(stack.dynamoDb(), stack.physicalName("EventsTable"));
            ScopeCounts.TableFigures table = new ScopeCounts.TableFigures(EVENTS, described.eventBytes(), true, "loaded; " + described.source());
            String playback = stack.physicalName("PlaybackStream");
            int consumers = 0;
            for (KinesisEventSourceMapping m : stack.mappings().mappings()) if (m.event().streamName().equals(playback)) consumers++;
            int shards = stack.kinesis().describeStreamSummary(d -> d.streamName(playback)).streamDescriptionSummary().openShardCount();
            String replayFunction = stack.functions().all().keySet().stream().filter(n -> n.contains("ReplayFunction")).findFirst().orElseThrow();
            long replayCallsBefore = stack.functions().all().get(replayFunction).invocations();

            RebuildBenchmark.Result run = RebuildBenchmark.rebuild(stack, "planned", SEGMENTS, 500, EVENTS, 0, Duration.ofMinutes(10));
            RebuildBenchmark.print(run, System.out);
            assertEquals("SUCCEEDED", run.status());
            long replayCalls = stack.functions().all().get(replayFunction).invocations() - replayCallsBefore;
            int processors = new DynamoReplayStore(stack.dynamoDb(), stack.physicalName("DataTable")).find("planned").orElseThrow().processors().size();
            long drainChecks = 0;
            var sfn = stack.workflows().stepFunctions();
            for (ExecutionDescription e : sfn.listExecutions(stack.workflows().stateMachineArn("RebuildStateMachine"), null)) {
                for (HistoryEvent h : sfn.getExecutionHistory(e.executionArn())) {
                    if (h.type().endsWith("StateEntered") && "AwaitDrain".equals(h.details().get("name"))) drainChecks++;
                }
            }

            long aggregates = new DynamoEventIndex(stack.dynamoDb(), stack.physicalName("EventsTable"), stack.physicalName("EventIndexTable"))
                    .aggregateCount();
            assertEquals(ACCOUNTS, aggregates, "the event index's aggregate count");
            Scope scope = ScopeCounts.whole(Scope.ReplayShape.REBUILD, table, aggregates, "the event index's aggregateCount");
            ReplayMachineModel.Settings d = ReplayMachineModel.Settings.deployed(SEGMENTS, shards, processors);
            // the mean state item's write units, sampled from the data table as the planner does on a deployed stack
            double stateUnits = ScopeCounts.stateWriteUnits(stack.dynamoDb(), stack.physicalName("DataTable")).orElseThrow();
            ReplayMachineModel.Settings settings = new ReplayMachineModel.Settings(SEGMENTS, shards, 500, consumers, processors,
                    d.replayMemoryMb(), d.processorMemoryMb(), d.architecture(), d.publishBudgetSeconds(), 0, d.aggregatesPerChild(), stateUnits);
            Plan plan = Plan.of(scope, settings, PriceList.standard());
            plan.print(System.out);
            ReplayMachineModel.Prediction p = plan.prediction();
            WorkCounts predicted = p.counts();
            WorkCounts measured = run.counted();
            System.out.println("measured calls: " + RebuildBenchmark.Meter.callsByTarget());
            System.out.println("measured:");
            CostBreakdown.of(measured, PriceList.standard()).print(System.out, "  ");

            // The drain loop (AwaitDrain, Drained?, WaitForProjection once a second) lasts as long as the processors take
            // after the last publish, and the processors' invocations follow their batching window: both measure this
            // machine's speed, not AWS's; they are printed, and the counts compared leave them out.
            System.out.printf(Locale.ROOT, "drain checks: predicted %.0f, measured %d; processor invocations: predicted %.0f, measured %.0f%n",
                    p.drainWaits() + 1, drainChecks, predicted.lambdaRequests() - p.replayCalls(), measured.lambdaRequests() - replayCalls);
            List<Executable> checks = new ArrayList<>();
            checks.add(within("state transitions outside the drain loop", predicted.transitions() - 3 * p.drainWaits(),
                    measured.transitions() - 3 * (drainChecks - 1)));
            checks.add(within("ReplayFunction calls outside the drain loop", p.replayCalls() - (p.drainWaits() + 1), replayCalls - drainChecks));
            checks.add(within("Kinesis records", predicted.kinesisRecords(), measured.kinesisRecords()));
            checks.add(within("Kinesis PUT payload units", predicted.kinesisPutUnits(), measured.kinesisPutUnits()));
            checks.add(within("EventsTable read units", predicted.readUnits().get("EventsTable"), measured.readUnits().getOrDefault("EventsTable", 0.0)));
            checks.add(within("DataTable write units", predicted.writeUnits().get("DataTable"), measured.writeUnits().getOrDefault("DataTable", 0.0)));
            checks.add(within("DataTable read units", predicted.readUnits().get("DataTable"), measured.readUnits().getOrDefault("DataTable", 0.0)));
            assertAll(checks);
        }
    }

    static Executable within(String what, double predicted, double measured) {
        String line = String.format(Locale.ROOT, "%s: predicted %,.1f, measured %,.1f (%+.1f%%)", what, predicted, measured,
                measured == 0 ? 0 : (predicted - measured) * 100 / measured);
        System.out.println(line);
        return () -> assertTrue(Math.abs(predicted - measured) <= 0.10 * measured, line);
    }
}

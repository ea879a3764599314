package dev.playback.test.replay;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.lambdas.projection.ProjectionHandler;
import dev.playback.local.LocalOptions;
import dev.playback.local.LocalStack;
import dev.playback.local.bench.RebuildBenchmark;
import dev.playback.local.client.PlaybackApi;
import dev.playback.local.sfn.ExecutionDescription;
import dev.playback.local.sfn.ExecutionStatus;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.store.Generations;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replay that is stopped or fails ends within a minute: its record says ABORTED or FAILED, its generation is no
 * longer building and its items are deleted, no live event reaches it afterwards, and the active generation is
 * unchanged. A rebuild during which one playback record cannot be applied fails and names it.
 */
class ReplayEndsIT {
    static final int STORED = 20_000;
    static final int ACCOUNTS = 200;
    static final Duration ONE_MINUTE = Duration.ofMinutes(1);

    private static DynamoReplayStore replays(LocalStack stack) {
        return new DynamoReplayStore(stack.dynamoDb(), stack.physicalName("DataTable"));
    }

    private static DynamoStateStore states(LocalStack stack) {
        return new DynamoStateStore(stack.dynamoDb(), stack.physicalName("DataTable"));
    }

    /** Items of {@code generation} of balances in the data table (a full Scan). */
    private static long items(LocalStack stack, String generation) {
        long n = 0;
        for (var page : stack.dynamoDb().scanPaginator(s -> s.tableName(stack.physicalName("DataTable")).filterExpression("begins_with(pk, :p)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("balances#" + generation + "#"))).select("COUNT"))) {
            n += page.count();
        }
        return n;
    }

    /** Waits for a condition with a deadline; fails naming what was awaited. */
    private static void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeout + ": " + what);
            Thread.sleep(100);
        }
    }

    private static void postLive(LocalStack stack, int count) {
        String[] accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) accounts[i] = "bench-" + i;
        PlaybackApi api = new PlaybackApi(stack.apiUrl());
        for (int sent = 0; sent < count; sent += 50) Replays.post(api, Replays.deposits(accounts, 50, sent));
    }

    @Test
    void a_stopped_rebuild_ends_aborted_within_a_minute_and_its_generation_is_gone() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            Replays.load(stack, STORED, ACCOUNTS);
            String before = RebuildBenchmark.activeGeneration(stack, "balances");
            String execution = Replays.startRebuild(stack, "to-stop", 1, 20);
            await("replay to-stop recorded", ONE_MINUTE, () -> replays(stack).find("to-stop").isPresent());
            String generation = replays(stack).find("to-stop").orElseThrow().generation();
            await("the rebuild wrote into " + generation, ONE_MINUTE, () -> items(stack, generation) >= 20);
            long itemsAtStop = items(stack, generation);

            long t0 = System.nanoTime();
            stack.workflows().stepFunctions().stopExecution(execution, "Stopped", "by ReplayEndsIT");
            await("replay to-stop ABORTED", ONE_MINUTE, () -> replays(stack).find("to-stop").orElseThrow().status() == ReplayStatus.ABORTED);
            double ended = (System.nanoTime() - t0) / 1e9;
            await(generation + " no longer building", ONE_MINUTE, () -> !states(stack).generations("balances").building().contains(generation));
            stack.awaitIdle(Duration.ofMinutes(2));
            long itemsAfterEnd = items(stack, generation);
            postLive(stack, 500);
            stack.awaitIdle(Duration.ofMinutes(2));
            long itemsAfterLive = items(stack, generation);

            System.out.printf("stopped rebuild: ABORTED %.1f s after the stop; %s held %d items at the stop, %d after the end, %d after 500 live events%n",
                    ended, generation, itemsAtStop, itemsAfterEnd, itemsAfterLive);
            Replay r = replays(stack).find("to-stop").orElseThrow();
            assertTrue(r.detail().contains(execution) && r.detail().contains("ABORTED"), r.detail());
            assertEquals(0, itemsAfterEnd, "the dropped generation's items are deleted");
            assertEquals(0, itemsAfterLive, "no live event reaches the dropped generation");
            assertEquals(before, RebuildBenchmark.activeGeneration(stack, "balances"), "the active generation is unchanged");
            String again = stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn("RebuildStateMachine"),
                    "to-stop-again", "{\"replayId\":\"to-stop\"}").executionArn();
            ExecutionDescription refused = stack.workflows().stepFunctions().awaitExecution(again, ONE_MINUTE);
            assertEquals(ExecutionStatus.FAILED, refused.status());
            assertTrue(refused.cause().contains("has ended ABORTED") && refused.cause().contains("another replayId"), refused.cause());
        }
    }

    /** The projection as deployed, except that the playback records of one account carry a version gap it cannot fill. */
    static final class Breaking implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        static final String ACCOUNT = "bench-7";
        static final AtomicInteger BROKEN = new AtomicInteger();
        private final ProjectionHandler real;

        Breaking(Map<String, String> environment) {
            this.real = new ProjectionHandler(environment);
        }

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
            for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
                byte[] data = StreamRecords.bytes(r.getKinesis().getData());
                if (!PlaybackRecords.isPlayback(data)) continue;
                PlaybackRecord p = PlaybackRecords.decode(data);
                if (!p.aggregateId().equals(ACCOUNT)) continue;
                List<EventEnvelope> events = new ArrayList<>(p.events());
                EventEnvelope last = events.remove(events.size() - 1);
                events.add(last.withVersion(last.versionOrZero() + 1_000));
                r.getKinesis().setData(ByteBuffer.wrap(PlaybackRecords.encode(new PlaybackRecord(p.replayId(), p.generation(), p.processors(),
                        events, p.gatewayMode(), p.missingRecords()))));
                BROKEN.incrementAndGet();
            }
            return real.handleRequest(input, context);
        }
    }

    @Test
    void a_rebuild_during_which_a_playback_record_cannot_be_applied_fails_naming_it_and_the_active_generation_stays() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withHandler("ProjectionFunction", Breaking::new))) {
            Replays.load(stack, 4_000, ACCOUNTS);
            postLive(stack, 200);
            stack.awaitIdle(Duration.ofMinutes(2));
            String before = RebuildBenchmark.activeGeneration(stack, "balances");
            long activeItems = items(stack, before);
            long t0 = System.nanoTime();
            Replays.startRebuild(stack, "cannot-apply", 2, 100);
            ExecutionDescription d = Replays.awaitReplay(stack, "RebuildStateMachine", "cannot-apply", Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Replay r = replays(stack).find("cannot-apply").orElseThrow();
            await("replay cannot-apply's generation dropped", ONE_MINUTE, () -> !states(stack).generations("balances").building().contains(r.generation()));
            stack.awaitIdle(Duration.ofMinutes(2));
            long left = items(stack, r.generation());
            Generations g = states(stack).generations("balances");

            System.out.printf("unappliable record: execution %s after %.1f s (%d deliveries of %s's records broken); replay %s; %s holds %d items; "
                    + "active %s; cause: %s%n", d.status(), seconds, Breaking.BROKEN.get(), Breaking.ACCOUNT, r.status(), r.generation(), left,
                    g.active(), d.cause());
            assertEquals(ExecutionStatus.FAILED, d.status());
            assertEquals(ReplayStatus.FAILED, r.status());
            assertTrue(d.cause().contains("replay cannot-apply cannot switch to " + r.generation()), d.cause());
            assertTrue(d.cause().contains("processor balances could not apply playback record"), d.cause());
            assertTrue(d.cause().contains("aggregate " + Breaking.ACCOUNT + " versions"), d.cause());
            assertTrue(d.cause().contains("the active generation is unchanged"), d.cause());
            assertEquals(before, g.active());
            assertFalse(g.building().contains(r.generation()));
            assertEquals(0, left);
            assertEquals(activeItems, items(stack, before), "the active generation's items are as they were");
        }
    }
}

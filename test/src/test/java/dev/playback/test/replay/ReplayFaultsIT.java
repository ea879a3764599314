package dev.playback.test.replay;

import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.LedgerFold;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults in the replay function's Kinesis and DynamoDB calls during a rebuild of a few thousand events: the
 * result equals the independent fold of the events table, or the replay fails visibly (FAILED, its generation
 * dropped, the active one unchanged); it never switches to an incomplete generation.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReplayFaultsIT {
    static final int STORED = 3_000;
    static final int ACCOUNTS = 100;

    @AfterEach
    void disarm() {
        ReplayFaults.reset();
    }

    @Test
    void playback_records_answered_as_failed_although_put_are_put_again_and_the_rebuild_equals_the_fold() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            Replays.load(stack, STORED, ACCOUNTS);
            String before = RebuildBenchmark.activeGeneration(stack, "balances");
            ReplayFaults.reset();
            ReplayFaults.kinesisEvery = 7;

            Replays.startRebuild(stack, "kinesis-faults", 2, 50);
            ExecutionDescription d = Replays.awaitReplay(stack, "RebuildStateMachine", "kinesis-faults", Duration.ofMinutes(5));
            ReplayFaults.kinesisEvery = 0;
            stack.awaitIdle(Duration.ofMinutes(2));

            Replays.assertSucceeded(d);
            String after = RebuildBenchmark.activeGeneration(stack, "balances");
            LedgerFold.Result fold = Replays.assertActiveEqualsFold(stack);
            System.out.printf("kinesis faults: %d playback records answered as failed (put again: duplicates on the stream); "
                    + "%d events, %d accounts; active %s -> %s equals the fold; %s%n", ReplayFaults.failedRecords.get(), fold.events(),
                    ACCOUNTS, before, after, Replays.output(d).path("summary").asText());
            assertTrue(ReplayFaults.failedRecords.get() > 0, "no fault was injected");
            assertNotEquals(before, after);
            assertEquals(STORED, fold.events());
        }
    }

    @Test
    void a_lost_checkpoint_answer_fails_the_rebuild_visibly_and_the_active_generation_stays() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            Replays.load(stack, STORED, ACCOUNTS);
            String before = RebuildBenchmark.activeGeneration(stack, "balances");
            ReplayFaults.reset();
            ReplayFaults.checkpointLostAt = 10;

            Replays.startRebuild(stack, "dynamo-faults", 2, 50);
            ExecutionDescription d = Replays.awaitReplay(stack, "RebuildStateMachine", "dynamo-faults", Duration.ofMinutes(5));
            ReplayFaults.checkpointLostAt = 0;
            stack.awaitIdle(Duration.ofMinutes(2));
            Replay r = new DynamoReplayStore(stack.dynamoDb(), stack.physicalName("DataTable")).find("dynamo-faults").orElseThrow();
            var g = new DynamoStateStore(stack.dynamoDb(), stack.physicalName("DataTable")).generations("balances");

            System.out.printf("dynamodb faults: %d of %d checkpoint writes lost their answer; execution %s, replay %s; active %s (was %s), "
                    + "building %s; cause: %s%n", ReplayFaults.lostCheckpoints.get(), ReplayFaults.checkpointWrites.get(), d.status(), r.status(),
                    g.active(), before, g.building(), d.cause());
            assertEquals(1, ReplayFaults.lostCheckpoints.get());
            if (d.status() == ExecutionStatus.SUCCEEDED) {
                assertNotEquals(before, g.active());
                Replays.assertActiveEqualsFold(stack);
            } else {
                assertEquals(ExecutionStatus.FAILED, d.status());
                assertEquals(ReplayStatus.FAILED, r.status());
                assertTrue(d.cause().contains("injected by ReplayFaults"), d.cause());
                assertEquals(before, g.active(), "never switched to an incomplete generation");
                assertFalse(g.building().contains(r.generation()), "its generation was dropped");
            }
        }
    }
}

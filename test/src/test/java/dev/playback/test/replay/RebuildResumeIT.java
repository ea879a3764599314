package dev.playback.test.replay;

import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.cli.LocalEndpoints;
import dev.playback.tools.cli.ReplayProgress;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.test.adapters.Emulated;
import dev.playback.test.process.LocalProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.model.replay.PlaybackRecord;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (b) A rebuild interrupted halfway — the whole local runtime killed with SIGKILL, or the execution stopped —
 * resumes when started again with the same replay id: it completes, equal to the fold, and republishes at
 * most one batch per segment (published in all checkpoints − table size ≤ segments × batch size).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class RebuildResumeIT {
    static final int EVENTS = 20_000;
    static final int ACCOUNTS = 200;
    static final int SEGMENTS = 4;
    static final int BATCH = 200;

    @TempDir
    Path dir;

    @Test
    void a_rebuild_resumes_after_the_local_runtime_is_killed_halfway() throws Exception {
        Path data = dir.resolve("data");
        Path file = dir.resolve("local.json");
        Process first = LocalProcess.start(data, file, "first");
        try {
            LocalEndpoints e = LocalProcess.awaitFile(file, first);
            try (DynamoDbClient dynamo = LocalProcess.dynamo(e)) {
                load(dynamo, e);
                assertEquals(0, LocalProcess.cli(file, "rebuild", "--replay-id", "killed", "--segments", "" + SEGMENTS, "--batch-size", "" + BATCH));
                awaitPublished(dynamo, e.name("DataTable"), "killed", EVENTS / 2, Duration.ofMinutes(5));
                ReplayProgress beforeKill = ReplayProgress.read(dynamo, e.name("DataTable"), "killed");
                System.out.printf("kill -9 with %d of %d events published (%s)%n", beforeKill.published(), EVENTS, beforeKill.status());
            }
            LocalProcess.kill(first, file);   // SIGKILL: no shutdown hook; the emulators follow their parent down
        } finally {
            first.destroyForcibly();
        }
        Process second = LocalProcess.start(data, file, "second");
        try {
            LocalEndpoints e = LocalProcess.awaitFile(file, second);
            // what the kill left on disk (a restarted runtime resumes nothing by itself: the execution comes back FAILED):
            // the kill must have cut the replay short, or the resume below would prove nothing
            try (DynamoDbClient dynamo = LocalProcess.dynamo(e)) {
                ReplayProgress atKill = ReplayProgress.read(dynamo, e.name("DataTable"), "killed");
                System.out.printf("after the restart: %d of %d events published (%s)%n", atKill.published(), EVENTS, atKill.status());
                assertEquals("RUNNING", atKill.status(), "the replay had ended when it was killed");
                assertTrue(atKill.published() < EVENTS, "every event was published before the kill: " + atKill.published());
            }
            assertEquals(0, LocalProcess.cli(file, "rebuild", "--replay-id", "killed", "--watch"), "the resumed rebuild did not succeed");
            try (DynamoDbClient dynamo = LocalProcess.dynamo(e); S3Client s3 = LocalProcess.s3(e); KinesisClient kinesis = LocalProcess.kinesis(e)) {
                ReplayProgress p = ReplayProgress.read(dynamo, e.name("DataTable"), "killed");
                assertEquals("SUCCEEDED", p.status());
                long republished = p.published() - EVENTS;
                long onStream = eventsOnStream(kinesis, e.name("PlaybackStream"), "killed");
                System.out.printf("resume after kill -9: checkpoints count %d published for %d events (%d again; limit %d); "
                        + "the playback stream holds %d events of the replay (%d twice)%n", p.published(), EVENTS, republished,
                        SEGMENTS * BATCH, onStream, onStream - EVENTS);
                assertTrue(republished >= 0 && republished <= (long) SEGMENTS * BATCH, "republished " + republished);
                assertTrue(onStream >= EVENTS && onStream - EVENTS <= (long) SEGMENTS * BATCH, "on the stream: " + onStream);
                LedgerFold.Result fold = LedgerFold.of(dynamo, s3, e.name("EventsTable"));
                String active = activeGeneration(dynamo, e.name("DataTable"));
                List<String> diffs = LedgerFold.compare(fold, dynamo, e.name("DataTable"), active);
                assertTrue(diffs.isEmpty(), () -> diffs.size() + " differences, e.g. " + diffs.get(0));
            }
        } finally {
            LocalProcess.stop(second);     // SIGTERM: the shutdown hook stops the emulators and removes the file
        }
    }

    /** A stop is not a crash: the stopped replay ends (ABORTED, generation dropped) and a new replay id rebuilds. */
    @Test
    void a_rebuild_stopped_halfway_ends_and_cannot_be_resumed_and_a_new_replay_id_rebuilds() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            Replays.load(stack, EVENTS, ACCOUNTS);
            String arn = Replays.startRebuild(stack, "stopped", SEGMENTS, BATCH);
            awaitPublished(stack.dynamoDb(), stack.physicalName("DataTable"), "stopped", EVENTS / 2, Duration.ofMinutes(5));
            var sfn = stack.workflows().stepFunctions();
            sfn.stopExecution(arn, "Test.Stopped", "stopped halfway");
            assertEquals(ExecutionStatus.ABORTED, sfn.describeExecution(arn).status());
            Awaitility.await("replay 'stopped' ABORTED within a minute of the stop").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> "ABORTED".equals(ReplayProgress.read(stack.dynamoDb(), stack.physicalName("DataTable"), "stopped").status()));

            String again = sfn.startExecution(stack.workflows().stateMachineArn("RebuildStateMachine"), "stopped-resumed",
                    Replays.JSON.createObjectNode().put("replayId", "stopped").toString()).executionArn();
            ExecutionDescription refused = sfn.awaitExecution(again, Duration.ofMinutes(1));
            assertEquals(ExecutionStatus.FAILED, refused.status());
            assertTrue(refused.cause().contains("replay 'stopped' has ended ABORTED") && refused.cause().contains("another replayId"), refused.cause());

            Replays.startRebuild(stack, "after-the-stop", SEGMENTS, BATCH);
            ExecutionDescription d = Replays.awaitReplay(stack, "RebuildStateMachine", "after-the-stop", Duration.ofMinutes(10));
            Replays.assertSucceeded(d);
            System.out.printf("stopped halfway: replay 'stopped' ABORTED, a resume refused (%s); 'after-the-stop' %s%n",
                    refused.cause(), Replays.output(d).path("summary").asText());
            stack.awaitIdle(Duration.ofMinutes(2));
            Replays.assertActiveEqualsFold(stack);
        }
    }

    static void awaitPublished(DynamoDbClient dynamo, String table, String replayId, long atLeast, Duration timeout) {
        Awaitility.await("replay " + replayId + " publishes " + atLeast + " events").atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> ReplayProgress.read(dynamo, table, replayId).published() >= atLeast);
    }

    /** How many events of the replay the playback stream holds (all shards, from the trim horizon). */
    static long eventsOnStream(KinesisClient kinesis, String stream, String replayId) {
        long n = 0;
        for (Emulated.StreamRecord rec : Emulated.records(kinesis, stream)) {
            if (!PlaybackRecords.isPlayback(rec.data())) continue;
            PlaybackRecord pr = PlaybackRecords.decode(rec.data());
            if (replayId.equals(pr.replayId())) n += pr.events().size();
        }
        return n;
    }

    private static void load(DynamoDbClient dynamo, LocalEndpoints e) throws Exception {
        DynamoEventLog log = new DynamoEventLog(dynamo, e.name("EventsTable"), e.name("EventIdsTable"),
                new DynamoIndexWriter(dynamo, e.name("EventIndexTable"), IndexKeys.DEFAULT_BUCKETS), null);
        List<dev.playback.model.event.EventEnvelope> batch = new ArrayList<>();
        long[] versions = new long[ACCOUNTS];
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < EVENTS; i++) {
            int a = i % ACCOUNTS;
            batch.add(dev.playback.tools.bench.RebuildBenchmark.event("bench-" + a, ++versions[a], start.plusMillis(i)));
            if (batch.size() == 500) {
                log.write(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) log.write(batch);
    }

    static String activeGeneration(DynamoDbClient dynamo, String table) {
        return new dev.playback.lambdas.aws.dynamodb.DynamoStateStore(dynamo, table)
                .activeGeneration("balances", dev.playback.model.ingest.Ingest.DEFAULT_GENERATION);
    }
}

package dev.playback.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --watch} over a replay that never ends: the watch ends at its deadline, naming the replay. */
class WatchTest {
    private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:RebuildStateMachine:stuck";

    /** A Step Functions that reports the execution RUNNING forever, counting the questions. */
    static final class ForeverRunning implements SfnClient {
        final AtomicInteger described = new AtomicInteger();

        @Override
        public DescribeExecutionResponse describeExecution(DescribeExecutionRequest request) {
            described.incrementAndGet();
            return DescribeExecutionResponse.builder().executionArn(request.executionArn()).status(ExecutionStatus.RUNNING).build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    /** A data table that holds no replay record. */
    static final class EmptyTable implements DynamoDbClient {
        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            return GetItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)   // without its deadline the watch would never return
    void aReplayStillRunningAtTheDeadlineFailsTheWatchNamingTheReplayAndHowToFollowIt() {
        ForeverRunning sfn = new ForeverRunning();
        Connection c = Connection.aws(sfn, null, new EmptyTable(), "data", null, Map.of(), null);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                new Watch(c, new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofMillis(1500)).follow("stuck", EXECUTION));

        assertEquals("replay stuck (execution " + EXECUTION + ") still RUNNING after PT1.5S of --watch (published 0, applied 0);"
                + " it goes on: follow it with 'playback status stuck', stop it, or watch longer with --watch-timeout", e.getMessage());
        assertTrue(sfn.described.get() >= 1, "the execution was never asked about");
    }

    @Test
    void aNegativeWatchTimeoutIsRefusedNamingTheOption() {
        Connection c = Connection.aws(new ForeverRunning(), null, new EmptyTable(), "data", null, Map.of(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Watch(c, System.err, Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().contains("--watch-timeout") && e.getMessage().contains("PT-1S"), e.getMessage());
    }
}

package dev.playback.tools.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.asl.History;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.tasks.TaskClients;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.StateMachine;
import dev.onebox.sfn.WorkflowType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * statemachines/replay.asl.json on the local executor, with a stand-in for the replay function: a wait for the
 * processors to drain of any length keeps every execution's history bounded (it continues as new).
 */
class ReplayStateMachineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Drain checks before the stand-in says drained: 3,000 checks of about 9 history events each exceed 25,000. */
    private static final int CHECKS = 3_000;
    /** What the replay function answers: continue as new after this many checks of one execution. */
    private static final int CHECKS_PER_EXECUTION = 500;

    private LocalStepFunctions sfn;

    @AfterEach
    void close() {
        if (sfn != null) sfn.close();
    }

    /** The replay function, reduced to what the state machine reads from it. */
    private static dev.onebox.sfn.tasks.LambdaFunctions.LambdaFunction replayFunction(AtomicInteger checks) {
        return payload -> {
            try {
                JsonNode in = JSON.readTree(payload);
                ObjectNode out = JSON.createObjectNode();
                switch (in.path("action").asText()) {
                    case "prepare" -> {
                        out.put("replayId", "r-long");
                        out.putArray("segments").add(0);
                        out.put("maxRounds", 10);
                        out.put("concurrency", 1);
                        out.putObject("mapRuns").put("started", 0);
                        out.putObject("drain").put("drained", false).put("waits", 0);
                    }
                    case "publish" -> out.put("done", true).put("round", 1).put("maxRounds", 10).put("segment", in.path("segment").asInt())
                            .put("owner", in.path("owner").asText());
                    case "progress" -> out.put("allPublished", true);
                    case "drained" -> {
                        boolean drained = checks.incrementAndGet() >= CHECKS;
                        int waits = in.path("waits").asInt() + (drained ? 0 : 1);
                        out.put("drained", drained).put("published", 1).put("applied", drained ? 1 : 0).put("waits", waits)
                                .put("continueAsNew", !drained && waits >= CHECKS_PER_EXECUTION);
                    }
                    case "finish" -> out.put("failed", false).put("summary", "switched");
                    default -> out.put("cause", "unexpected " + in);
                }
                return JSON.writeValueAsString(out);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void aLongDrainWaitContinuesAsNewAndNoExecutionNearsTheHistoryLimit() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions().register("Replay", replayFunction(checks));
        sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).lambdaFunctions(functions).taskClients(new TaskClients(null, null, new MemoryBucket("reports"), null)).build();
        String definition = Files.readString(Path.of("..", "statemachines", "replay.asl.json"));
        StateMachine sm = sfn.createStateMachine("Rebuild", definition, WorkflowType.STANDARD,
                Map.of("ReplayFunctionArn", functions.arnOf("Replay"), "ReplayKind", "rebuild", "ReportBucketName", "reports"));

        sfn.startExecution(sm.arn(), "first", "{\"replayId\":\"r-long\"}");
        // each execution starts the next before it ends: wait until none runs (with a deadline)
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<ExecutionDescription> running = sfn.listExecutions(sm.arn(), ExecutionStatus.RUNNING);
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            sfn.awaitExecution(running.get(0).executionArn(), Duration.ofSeconds(30));
            running = sfn.listExecutions(sm.arn(), ExecutionStatus.RUNNING);
        }
        List<ExecutionDescription> all = sfn.listExecutions(sm.arn(), null);

        int longest = 0;
        for (ExecutionDescription d : all) {
            assertEquals(ExecutionStatus.SUCCEEDED, sfn.describeExecution(d.executionArn()).status(), d.executionArn() + ": " + d.error() + " " + d.cause());
            longest = Math.max(longest, sfn.getExecutionHistory(d.executionArn()).size());
        }
        System.out.println("drain checks " + checks.get() + ", executions " + all.size() + ", longest history " + longest + " events");
        assertEquals(CHECKS, checks.get());
        assertTrue(all.size() >= CHECKS / CHECKS_PER_EXECUTION, "executions: " + all.size());
        assertTrue(longest < History.STANDARD_LIMIT / 4, "longest history: " + longest);
    }

    @Test
    void everyStatusChangeOfAStandardExecutionIsToldLikeAwsSendsItToEventBridge() {
        List<String> told = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        sfn = LocalStepFunctions.builder().statusChanges(d -> told.add(d.name() + " " + d.status())).build();
        StateMachine sm = sfn.createStateMachine("Waits", """
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}""", WorkflowType.STANDARD, Map.of());
        sfn.startExecution(sm.arn(), "stopped", "{}");

        sfn.stopExecution(sm.arn().replace(":stateMachine:", ":execution:") + ":stopped", "Stop", "by the test");

        assertEquals(List.of("stopped RUNNING", "stopped ABORTED"), told);
    }

    @Test
    void aTransientFailureOfTheReplayFunctionIsRetriedAndTheRebuildSucceeds() throws Exception {
        AtomicInteger publishes = new AtomicInteger();
        AtomicInteger checks = new AtomicInteger(CHECKS - 1);
        dev.onebox.sfn.tasks.LambdaFunctions.LambdaFunction real = replayFunction(checks);
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions().register("Replay", payload -> {
            if (payload.contains("\"action\":\"publish\"") && publishes.incrementAndGet() <= 3) {
                throw new dev.onebox.sfn.tasks.LambdaFunctions.Failure(dev.playback.lambdas.replay.TransientFailure.ERROR,
                        "action 'publish' failed on a call that may succeed when tried again: Throttled", List.of());
            }
            return real.invoke(payload);
        });
        sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).lambdaFunctions(functions).taskClients(new TaskClients(null, null, new MemoryBucket("reports"), null)).build();
        StateMachine sm = sfn.createStateMachine("Rebuild", Files.readString(Path.of("..", "statemachines", "replay.asl.json")),
                WorkflowType.STANDARD, Map.of("ReplayFunctionArn", functions.arnOf("Replay"), "ReplayKind", "rebuild", "ReportBucketName", "reports"));

        String arn = sfn.startExecution(sm.arn(), "throttled", "{\"replayId\":\"r-long\"}").executionArn();
        ExecutionDescription d = sfn.awaitExecution(arn, Duration.ofMinutes(1));

        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.error() + " " + d.cause());
        assertEquals(4, publishes.get(), "three transient failures, then the publish that succeeded");
    }

    @Test
    void everyLambdaTaskOfEveryReplayStateMachineRetriesTransientFailures() throws Exception {
        int tasks = 0;
        for (String file : List.of("replay.asl.json", "partial-replay.asl.json", "rollback.asl.json")) {
            JsonNode definition = JSON.readTree(Files.readString(Path.of("..", "statemachines", file)));
            for (JsonNode task : lambdaTasks(definition.path("States"), new java.util.ArrayList<>())) {
                tasks++;
                boolean retried = false;
                for (JsonNode retrier : task.path("Retry")) {
                    for (JsonNode error : retrier.path("ErrorEquals")) {
                        retried |= error.asText().equals(dev.playback.lambdas.replay.TransientFailure.ERROR);
                    }
                }
                assertTrue(retried, file + ": a Lambda task does not retry " + dev.playback.lambdas.replay.TransientFailure.ERROR + ": " + task);
            }
        }
        assertTrue(tasks >= 10, "Lambda tasks found: " + tasks);
    }

    private static List<JsonNode> lambdaTasks(JsonNode states, List<JsonNode> into) {
        for (JsonNode state : states) {
            if (state.path("Resource").asText().equals("arn:aws:states:::lambda:invoke")) into.add(state);
            lambdaTasks(state.path("ItemProcessor").path("States"), into);
            for (JsonNode branch : state.path("Branches")) lambdaTasks(branch.path("States"), into);
        }
        return into;
    }
}

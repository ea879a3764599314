package dev.onebox.sfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveFilter;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RedriveExecution through the AWS SDK's SfnClient: only what did not finish runs again, with the input it had. */
class RedriveExecutionTest {
    /** Calls per item of the "Flaky" function. */
    static final Map<String, AtomicInteger> FLAKY_CALLS = new ConcurrentHashMap<>();
    /** Payloads the "Charge" function was called with. */
    static final List<Map<String, Object>> CHARGES = new CopyOnWriteArrayList<>();
    static final AtomicInteger PREPARE_CALLS = new AtomicInteger();
    static final HeldTokens HOLD = new HeldTokens();

    static LocalSfnApi api;

    /** Fails the first call for the item named in "failOnce"; every other call returns the item in upper case. */
    public static final class Flaky implements RequestHandler<Map<String, Object>, Object> {
        @Override
        public Object handleRequest(Map<String, Object> input, Context context) {
            String item = (String) input.get("item");
            int call = FLAKY_CALLS.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
            if (item.equals(input.get("failOnce")) && call == 1) {
                throw new IllegalStateException("item " + item + " failed on call " + call);
            }
            return item.toUpperCase();
        }
    }

    /** Fails on its first call, succeeds after; keeps each payload. */
    public static final class Charge implements RequestHandler<Map<String, Object>, Object> {
        @Override
        public Object handleRequest(Map<String, Object> input, Context context) {
            CHARGES.add(input);
            if (CHARGES.size() == 1) {
                throw new IllegalStateException("card processor unavailable");
            }
            return Map.of("charged", input.get("amount"));
        }
    }

    public static final class Prepare implements RequestHandler<Map<String, Object>, Object> {
        @Override
        public Object handleRequest(Map<String, Object> input, Context context) {
            PREPARE_CALLS.incrementAndGet();
            return Map.of("amount", 42);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        api = LocalSfnApi.start(new InProcessLambdaFunctions()
                .register("Flaky", new Flaky()).register("Charge", new Charge()).register("Prepare", new Prepare())
                .register("Hold", HOLD));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static List<HistoryEvent> after(List<HistoryEvent> history, HistoryEventType type) {
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).type() == type) {
                return history.subList(i + 1, history.size());
            }
        }
        throw new AssertionError("no " + type + " in " + history);
    }

    @Test
    void aRedriveOfAMapWithOneFailedIterationOfThreeRerunsOnlyThatIteration() {
        String arn = api.create("map-redrive", StateMachineType.STANDARD, """
                {"StartAt": "Fan", "States": {
                  "Fan": {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCount": 0,
                          "ItemSelector": {"item.$": "$$.Map.Item.Value", "failOnce": "b"},
                          "ItemProcessor": {"StartAt": "Process", "States": {
                            "Process": {"Type": "Task", "Resource": "%s", "End": true}}},
                          "Next": "Done"},
                  "Done": {"Type": "Pass", "End": true}}}""".formatted(
                "arn:aws:lambda:us-east-1:123456789012:function:Flaky"));
        String exec = api.client().startExecution(b -> b.stateMachineArn(arn).input("{\"items\":[\"a\",\"b\",\"c\"]}"))
                .executionArn();
        DescribeExecutionResponse failed = api.awaitEnd(exec);
        assertEquals(ExecutionStatus.FAILED, failed.status());
        assertEquals("States.ExceedToleratedFailureThreshold", failed.error());
        assertEquals(ExecutionRedriveStatus.REDRIVABLE, failed.redriveStatus());

        Instant redriveDate = api.client().redriveExecution(b -> b.executionArn(exec)).redriveDate();
        DescribeExecutionResponse done = api.awaitEnd(exec);

        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
        assertEquals(List.of("A", "B", "C"), Json.parse(done.output()));
        assertEquals(Map.of("a", 1, "b", 2, "c", 1), Map.of("a", FLAKY_CALLS.get("a").get(),
                "b", FLAKY_CALLS.get("b").get(), "c", FLAKY_CALLS.get("c").get()));
        assertEquals(1, done.redriveCount());
        assertEquals(redriveDate, done.redriveDate());
        assertEquals(ExecutionRedriveStatus.NOT_REDRIVABLE, done.redriveStatus());
        assertEquals(List.of(exec), api.client().listExecutions(b -> b.stateMachineArn(arn)
                .redriveFilter(ExecutionRedriveFilter.REDRIVEN)).executions().stream().map(e -> e.executionArn()).toList());
        assertEquals(1, api.client().listExecutions(b -> b.stateMachineArn(arn)).executions().get(0).redriveCount());
        assertEquals("Execution is SUCCEEDED and cannot be redriven", done.redriveStatusReason());
        List<HistoryEvent> history = api.history(exec);
        HistoryEvent redriven = history.stream().filter(e -> e.type() == HistoryEventType.EXECUTION_REDRIVEN).findFirst()
                .orElseThrow();
        assertEquals(1, redriven.executionRedrivenEventDetails().redriveCount());
        List<HistoryEvent> rerun = after(history, HistoryEventType.EXECUTION_REDRIVEN);
        assertEquals(List.of(HistoryEventType.MAP_ITERATION_STARTED, HistoryEventType.LAMBDA_FUNCTION_SCHEDULED,
                HistoryEventType.LAMBDA_FUNCTION_STARTED, HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED,
                HistoryEventType.TASK_STATE_EXITED, HistoryEventType.MAP_ITERATION_SUCCEEDED,
                HistoryEventType.MAP_STATE_SUCCEEDED, HistoryEventType.MAP_STATE_EXITED, HistoryEventType.PASS_STATE_ENTERED,
                HistoryEventType.PASS_STATE_EXITED, HistoryEventType.EXECUTION_SUCCEEDED),
                rerun.stream().map(HistoryEvent::type).toList());
        assertEquals(1, rerun.get(0).mapIterationStartedEventDetails().index());
        assertEquals("{\"item\":\"b\",\"failOnce\":\"b\"}", rerun.get(1).lambdaFunctionScheduledEventDetails().input());
        for (int i = 1; i < history.size(); i++) {
            assertEquals(i + 1, history.get(i).id());
            assertEquals(i, history.get(i).previousEventId());
        }
    }

    @Test
    void aFailedTaskRerunsWithTheInputItHadAndTheStatesBeforeItDoNotRunAgain() {
        String arn = api.create("task-redrive", StateMachineType.STANDARD, """
                {"StartAt": "Prepare", "States": {
                  "Prepare": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Prepare",
                              "ResultPath": "$.prepared", "Next": "Charge"},
                  "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Charge",
                             "Parameters": {"amount.$": "$.prepared.amount", "order.$": "$.order",
                                            "redrives.$": "$$.Execution.RedriveCount"},
                             "End": true}}}""");
        String exec = api.client().startExecution(b -> b.stateMachineArn(arn).input("{\"order\":\"o-7\"}")).executionArn();
        assertEquals(ExecutionStatus.FAILED, api.awaitEnd(exec).status());

        api.client().redriveExecution(b -> b.executionArn(exec));
        DescribeExecutionResponse done = api.awaitEnd(exec);

        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
        assertEquals(Map.of("charged", 42), Json.parse(done.output()));
        assertEquals(1, PREPARE_CALLS.get());
        assertEquals(List.of(Map.of("amount", 42, "order", "o-7", "redrives", 0),
                Map.of("amount", 42, "order", "o-7", "redrives", 1)), CHARGES);
        assertEquals(List.of(HistoryEventType.LAMBDA_FUNCTION_SCHEDULED, HistoryEventType.LAMBDA_FUNCTION_STARTED,
                HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED, HistoryEventType.TASK_STATE_EXITED,
                HistoryEventType.EXECUTION_SUCCEEDED),
                after(api.history(exec), HistoryEventType.EXECUTION_REDRIVEN).stream().map(HistoryEvent::type).toList());
    }

    @Test
    void onlyTheFailedBranchOfAParallelStateRerunsOnRedrive() {
        String arn = api.create("parallel-redrive", StateMachineType.STANDARD, """
                {"StartAt": "Both", "States": {
                  "Both": {"Type": "Parallel", "End": true, "Branches": [
                    {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Flaky",
                       "Parameters": {"item": "x"}, "End": true}}},
                    {"StartAt": "Y", "States": {"Y": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Flaky",
                       "Parameters": {"item": "y", "failOnce": "y"}, "End": true}}}]}}}""");
        String exec = api.client().startExecution(b -> b.stateMachineArn(arn)).executionArn();
        assertEquals(ExecutionStatus.FAILED, api.awaitEnd(exec).status());
        // y's failure cancels x if x has not finished yet (branches run on threads): then x was aborted and reruns too
        boolean xFinished = api.history(exec).stream().anyMatch(e -> e.type() == HistoryEventType.TASK_STATE_EXITED
                && e.stateExitedEventDetails().name().equals("X"));
        int xCallsBefore = FLAKY_CALLS.getOrDefault("x", new AtomicInteger()).get();

        api.client().redriveExecution(b -> b.executionArn(exec));
        DescribeExecutionResponse done = api.awaitEnd(exec);

        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
        assertEquals(List.of("X", "Y"), Json.parse(done.output()));
        assertEquals(2, FLAKY_CALLS.get("y").get());
        assertEquals(xCallsBefore + (xFinished ? 0 : 1), FLAKY_CALLS.get("x").get());
        List<HistoryEventType> rerun = after(api.history(exec), HistoryEventType.EXECUTION_REDRIVEN).stream()
                .map(HistoryEvent::type).toList();
        assertEquals(xFinished ? 1 : 2, rerun.stream().filter(t -> t == HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED).count());
        assertEquals(List.of(HistoryEventType.PARALLEL_STATE_SUCCEEDED, HistoryEventType.PARALLEL_STATE_EXITED,
                HistoryEventType.EXECUTION_SUCCEEDED), rerun.subList(rerun.size() - 3, rerun.size()));
    }

    @Test
    void anAbortedExecutionIsRedrivenFromTheTaskItWasWaitingOn() throws Exception {
        String arn = api.create("abort-redrive", StateMachineType.STANDARD, """
                {"StartAt": "Approve", "States": {
                  "Approve": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                              "Parameters": {"FunctionName": "Hold", "Payload": {"token.$": "$$.Task.Token"}},
                              "End": true}}}""");
        String exec = api.client().startExecution(b -> b.stateMachineArn(arn)).executionArn();
        HOLD.next();
        DescribeExecutionResponse running = api.client().describeExecution(b -> b.executionArn(exec));
        assertEquals(ExecutionRedriveStatus.NOT_REDRIVABLE, running.redriveStatus());
        assertEquals("Execution is RUNNING and cannot be redriven", running.redriveStatusReason());
        assertThrows(ExecutionNotRedrivableException.class, () -> api.client().redriveExecution(b -> b.executionArn(exec)));
        api.client().stopExecution(b -> b.executionArn(exec));
        DescribeExecutionResponse aborted = api.awaitEnd(exec);
        assertEquals(ExecutionStatus.ABORTED, aborted.status());
        assertEquals(ExecutionRedriveStatus.REDRIVABLE, aborted.redriveStatus());
        assertNull(aborted.redriveStatusReason());
        assertEquals(0, aborted.redriveCount());
        assertNull(aborted.redriveDate());

        api.client().redriveExecution(b -> b.executionArn(exec));
        String secondToken = HOLD.next();
        api.client().sendTaskSuccess(b -> b.taskToken(secondToken).output("{\"approved\":true}"));

        assertEquals(ExecutionStatus.SUCCEEDED, api.awaitEnd(exec).status());
        assertEquals("{\"approved\":true}", api.client().describeExecution(b -> b.executionArn(exec)).output());
    }

    @Test
    void aRepeatedClientTokenAnswersWithTheSameRedriveAndRedrivesNothingMore() {
        String arn = api.create("token-redrive", StateMachineType.STANDARD, """
                {"StartAt": "Stop", "States": {"Stop": {"Type": "Fail", "Error": "Halted", "Cause": "on purpose"}}}""");
        String exec = api.client().startExecution(b -> b.stateMachineArn(arn)).executionArn();
        api.awaitEnd(exec);

        Instant first = api.client().redriveExecution(b -> b.executionArn(exec).clientToken("redrive-1")).redriveDate();
        api.awaitEnd(exec);
        Instant again = api.client().redriveExecution(b -> b.executionArn(exec).clientToken("redrive-1")).redriveDate();

        assertEquals(first, again);
        DescribeExecutionResponse d = api.awaitEnd(exec);
        assertEquals(1, d.redriveCount());
        assertEquals(ExecutionStatus.FAILED, d.status());
        assertEquals("Halted", d.error());
        assertEquals(1, api.history(exec).stream().filter(e -> e.type() == HistoryEventType.EXECUTION_REDRIVEN).count());
    }

    @Test
    void succeededAndExpressExecutionsAreNotRedrivable() {
        String standard = api.create("fine", StateMachineType.STANDARD, """
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}""");
        String exec = api.client().startExecution(b -> b.stateMachineArn(standard)).executionArn();
        api.awaitEnd(exec);
        String express = api.create("express-fail", StateMachineType.EXPRESS, """
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}""");
        String expressExec = api.client().startExecution(b -> b.stateMachineArn(express)).executionArn();
        api.sfn().awaitExecution(expressExec, java.time.Duration.ofMinutes(1));

        ExecutionNotRedrivableException succeeded = assertThrows(ExecutionNotRedrivableException.class,
                () -> api.client().redriveExecution(b -> b.executionArn(exec)));
        ExecutionNotRedrivableException ofExpress = assertThrows(ExecutionNotRedrivableException.class,
                () -> api.client().redriveExecution(b -> b.executionArn(expressExec)));

        assertEquals("Execution is not redrivable: '" + exec + "' (Execution is SUCCEEDED and cannot be redriven)",
                succeeded.awsErrorDetails().errorMessage());
        assertEquals("Execution is not redrivable: '" + expressExec + "'", ofExpress.awsErrorDetails().errorMessage());
    }

    @Test
    void anExecutionIsNotRedrivableFourteenDaysAfterItEnded() {
        String failing = api.create("stale", StateMachineType.STANDARD, """
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}""");
        String exec = api.client().startExecution(b -> b.stateMachineArn(failing)).executionArn();
        api.awaitEnd(exec);
        // virtual time: a 15-day Wait of another execution moves the shared clock 15 days on
        String waiting = api.create("fortnight", StateMachineType.STANDARD, """
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1296000, "End": true}}}""");
        api.awaitEnd(api.client().startExecution(b -> b.stateMachineArn(waiting)).executionArn());

        DescribeExecutionResponse stale = api.client().describeExecution(b -> b.executionArn(exec));
        ExecutionNotRedrivableException e = assertThrows(ExecutionNotRedrivableException.class,
                () -> api.client().redriveExecution(b -> b.executionArn(exec)));

        assertEquals(ExecutionRedriveStatus.NOT_REDRIVABLE, stale.redriveStatus());
        assertEquals("Execution redrivable period exceeded.", stale.redriveStatusReason());
        assertEquals("Execution is not redrivable: '" + exec + "' (Execution redrivable period exceeded.)",
                e.awsErrorDetails().errorMessage());
    }
}

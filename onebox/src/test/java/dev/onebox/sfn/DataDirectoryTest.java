package dev.onebox.sfn;

import dev.onebox.sfn.asl.HistoryEvent;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.store.JournalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A service with a data directory keeps its state machines, executions and histories across restarts. */
class DataDirectoryTest {
    private static final String PASS = "{\"StartAt\":\"Add\",\"States\":{\"Add\":{\"Type\":\"Pass\",\"Result\":{\"b\":2},"
            + "\"ResultPath\":\"$.added\",\"Next\":\"Done\"},\"Done\":{\"Type\":\"Succeed\"}}}";
    private static final String FAIL = "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Error\":\"Custom.Broken\",\"Cause\":\"on purpose\"}}}";
    private static final String WAIT_AN_HOUR = "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":3600,\"End\":true}}}";

    @TempDir
    Path dir;

    private static LocalStepFunctions service(Path data, SfnClock clock) {
        return LocalStepFunctions.builder().clock(clock).dataDirectory(data).build();
    }

    @Test
    void stateMachinesEndedExecutionsAndTheirHistoriesComeBackAfterARestart() {
        Path data = dir.resolve("sfn");
        String machine;
        List<HistoryEvent> history;
        try (LocalStepFunctions sfn = service(data, SfnClock.instant())) {
            machine = sfn.createStateMachine("adder", PASS, WorkflowType.STANDARD, Map.of()).arn();
            String failing = sfn.createStateMachine("failing", FAIL, WorkflowType.STANDARD, Map.of()).arn();
            sfn.awaitExecution(sfn.startExecution(machine, "one", "{\"a\":1}").executionArn(), Duration.ofSeconds(10));
            sfn.awaitExecution(sfn.startExecution(failing, "two", "{}").executionArn(), Duration.ofSeconds(10));
            history = sfn.getExecutionHistory(machine.replace(":stateMachine:", ":execution:") + ":one");
        }

        try (LocalStepFunctions again = service(data, SfnClock.instant())) {
            assertEquals(List.of("adder", "failing"), again.listStateMachines().stream().map(StateMachine::name).toList());
            assertEquals(PASS, again.stateMachine(machine).definition());
            String one = "arn:aws:states:us-east-1:123456789012:execution:adder:one";
            ExecutionDescription d = again.describeExecution(one);
            assertEquals(ExecutionStatus.SUCCEEDED, d.status());
            assertEquals("{\"a\":1}", d.input());
            assertEquals("{\"a\":1,\"added\":{\"b\":2}}", d.output());
            assertNotNull(d.stopDate());
            assertEquals(List.of(one), again.listExecutions(machine, null).stream().map(ExecutionDescription::executionArn).toList());
            assertEquals(List.of("ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered",
                    "SucceedStateExited", "ExecutionSucceeded"), again.getExecutionHistory(one).stream().map(HistoryEvent::type).toList());
            assertEquals(history.stream().map(e -> e.id() + " " + e.previousEventId() + " " + e.timestamp() + " " + e.details()).toList(),
                    again.getExecutionHistory(one).stream().map(e -> e.id() + " " + e.previousEventId() + " " + e.timestamp() + " "
                            + e.details()).toList());
            ExecutionDescription two = again.describeExecution("arn:aws:states:us-east-1:123456789012:execution:failing:two");
            assertEquals(ExecutionStatus.FAILED, two.status());
            assertEquals("Custom.Broken", two.error());
            assertEquals("on purpose", two.cause());
            SfnServiceException taken = assertThrows(SfnServiceException.class, () -> again.startExecution(machine, "one", "{\"a\":1}"));
            assertEquals("ExecutionAlreadyExists", taken.code());
        }
    }

    @Test
    void aRedrivenExecutionComesBackWithItsRedrivesCountedAndIsNotRedrivableAgainAfterARestart() throws Exception {
        Path data = dir.resolve("sfn");
        String arn;
        try (LocalStepFunctions sfn = service(data, SfnClock.system())) {
            String failing = sfn.createStateMachine("failing", FAIL, WorkflowType.STANDARD, Map.of()).arn();
            arn = sfn.startExecution(failing, "two", "{}").executionArn();
            sfn.awaitExecution(arn, Duration.ofSeconds(10));
            sfn.redriveExecution(arn, null);
            awaitTrue(() -> sfn.describeExecution(arn).status() == ExecutionStatus.FAILED
                    && sfn.getExecutionHistory(arn).stream().filter(e -> e.type().equals("ExecutionFailed")).count() == 2,
                    "the redrive's end");
        }

        try (LocalStepFunctions again = service(data, SfnClock.system())) {
            ExecutionDescription d = again.describeExecution(arn);
            assertEquals(ExecutionStatus.FAILED, d.status());
            assertEquals(1, d.redriveCount());
            assertNotNull(d.redriveDate());
            assertEquals(List.of("ExecutionStarted", "FailStateEntered", "ExecutionFailed", "ExecutionRedriven", "ExecutionFailed"),
                    again.getExecutionHistory(arn).stream().map(HistoryEvent::type).toList());
            assertEquals("NOT_REDRIVABLE", again.redriveStatus(arn).status());
            SfnServiceException refused = assertThrows(SfnServiceException.class, () -> again.redriveExecution(arn, null));
            assertEquals("ExecutionNotRedrivable", refused.code());
        }
    }

    @Test
    void anExecutionRunningWhenTheProcessDiedComesBackFailedAsLost() throws Exception {
        Path data = dir.resolve("sfn");
        Path afterKill = dir.resolve("after-kill");
        String arn;
        try (LocalStepFunctions sfn = service(data, SfnClock.system())) {
            String machine = sfn.createStateMachine("sleeper", WAIT_AN_HOUR, WorkflowType.STANDARD, Map.of()).arn();
            arn = sfn.startExecution(machine, "long", "{\"n\":7}").executionArn();
            Path journal = data.resolve(JournalStore.FILE);
            awaitTrue(() -> read(journal).contains("WaitStateEntered"), "the Wait state's entry in " + journal);
            // what a SIGKILL leaves on disk at this moment: the journal as it is, the execution still running
            Files.createDirectories(afterKill);
            Files.copy(journal, afterKill.resolve(JournalStore.FILE));
        }

        try (LocalStepFunctions again = service(afterKill, SfnClock.system())) {
            ExecutionDescription d = again.describeExecution(arn);
            assertEquals(ExecutionStatus.FAILED, d.status());
            assertEquals("States.Runtime", d.error());
            assertEquals("The local Step Functions service stopped while the execution was running; it was not resumed.", d.cause());
            assertEquals("{\"n\":7}", d.input());
            assertNull(d.output());
            assertNotNull(d.stopDate());
            List<HistoryEvent> h = again.getExecutionHistory(arn);
            assertEquals(List.of("ExecutionStarted", "WaitStateEntered", "ExecutionFailed"), h.stream().map(HistoryEvent::type).toList());
            assertEquals(3, h.get(2).id());
            assertEquals(Map.of("error", "States.Runtime", "cause",
                    "The local Step Functions service stopped while the execution was running; it was not resumed."), h.get(2).details());
        }

        try (LocalStepFunctions third = service(afterKill, SfnClock.system())) {
            assertEquals(3, third.getExecutionHistory(arn).size(), "the end is kept, not added again");
        }
    }

    @Test
    void anExecutionRunningWhenTheServiceClosesComesBackFailedAsLostToo() {
        Path data = dir.resolve("sfn");
        String arn;
        try (LocalStepFunctions sfn = service(data, SfnClock.system())) {
            String machine = sfn.createStateMachine("sleeper", WAIT_AN_HOUR, WorkflowType.STANDARD, Map.of()).arn();
            arn = sfn.startExecution(machine, "long", "{}").executionArn();
        }

        try (LocalStepFunctions again = service(data, SfnClock.system())) {
            ExecutionDescription d = again.describeExecution(arn);
            assertEquals(ExecutionStatus.FAILED, d.status());
            assertEquals("States.Runtime", d.error());
        }
    }

    @Test
    void aTemplateMachineDeployedAgainWithAnotherDefinitionIsUpdated() {
        Path data = dir.resolve("sfn");
        try (LocalStepFunctions sfn = service(data, SfnClock.instant())) {
            sfn.deployStateMachine("flow", PASS, WorkflowType.STANDARD, Map.of());
        }

        try (LocalStepFunctions again = service(data, SfnClock.instant())) {
            StateMachine same = again.deployStateMachine("flow", PASS, WorkflowType.STANDARD, Map.of());
            assertEquals(PASS, same.definition());
            StateMachine changed = again.deployStateMachine("flow", FAIL, WorkflowType.STANDARD, Map.of());
            assertEquals(FAIL, changed.definition());
        }

        try (LocalStepFunctions third = service(data, SfnClock.instant())) {
            assertEquals(FAIL, third.stateMachine("arn:aws:states:us-east-1:123456789012:stateMachine:flow").definition());
        }
    }

    @Test
    void withoutADataDirectoryARestartKnowsNothing() {
        try (LocalStepFunctions sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).build()) {
            sfn.createStateMachine("adder", PASS, WorkflowType.STANDARD, Map.of());
        }

        try (LocalStepFunctions again = LocalStepFunctions.builder().clock(SfnClock.instant()).build()) {
            assertEquals(List.of(), again.listStateMachines());
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within 10 s: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}

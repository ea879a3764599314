package dev.playback.test.process;

import dev.playback.tools.cli.LocalEndpoints;
import dev.onebox.emulators.Emulators;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code playback local --data DIR} keeps Step Functions state: state machines created through the API, executions and
 * their histories are listed, described and paged the same after the whole local runtime was killed with SIGKILL and
 * started again on the same directory; the execution that was running then comes back FAILED (States.Runtime).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StepFunctionsRestartIT {
    private static final String ROLE = "arn:aws:iam::000000000000:role/StepFunctionsRole";
    private static final String STEPS = "{\"StartAt\":\"A\",\"States\":{"
            + "\"A\":{\"Type\":\"Pass\",\"Result\":1,\"ResultPath\":\"$.a\",\"Next\":\"B\"},"
            + "\"B\":{\"Type\":\"Pass\",\"Result\":2,\"ResultPath\":\"$.b\",\"Next\":\"C\"},"
            + "\"C\":{\"Type\":\"Pass\",\"Result\":3,\"ResultPath\":\"$.c\",\"End\":true}}}";
    private static final String WAIT_AN_HOUR = "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":3600,\"End\":true}}}";

    @TempDir
    Path dir;

    @Test
    void executionsListedBeforeAKillMinusNineAreListedDescribedAndPagedAfterTheRestart() throws Exception {
        Path data = dir.resolve("data");
        Path file = dir.resolve("local.json");
        String steps;
        String sleeper;
        List<String> listedBefore;
        List<String> historyBefore;
        String outputBefore;
        Process first = LocalProcess.start(data, file, "first");
        try {
            LocalEndpoints e = LocalProcess.awaitFile(file, first);
            try (SfnClient sfn = sfn(e)) {
                steps = sfn.createStateMachine(b -> b.name("kept-steps").definition(STEPS).roleArn(ROLE)).stateMachineArn();
                sleeper = sfn.createStateMachine(b -> b.name("kept-sleeper").definition(WAIT_AN_HOUR).roleArn(ROLE)).stateMachineArn();
                for (int i = 1; i <= 3; i++) {
                    int n = i;
                    sfn.startExecution(b -> b.stateMachineArn(steps).name("run-" + n).input("{\"n\":" + n + "}"));
                }
                String sleeping = sfn.startExecution(b -> b.stateMachineArn(sleeper).name("sleeping").input("{}")).executionArn();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sfn.listExecutions(b -> b.stateMachineArn(steps)
                        .statusFilter(ExecutionStatus.SUCCEEDED)).executions().size() == 3);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sfn.getExecutionHistory(b -> b.executionArn(sleeping))
                        .events().size() == 2);
                listedBefore = listed(sfn, steps, sleeper);
                historyBefore = history(sfn, steps.replace(":stateMachine:", ":execution:") + ":run-2");
                outputBefore = sfn.describeExecution(b -> b.executionArn(steps.replace(":stateMachine:", ":execution:") + ":run-2")).output();
                System.out.println("before kill -9:\n  " + String.join("\n  ", listedBefore));
            }
            LocalProcess.kill(first, file); // SIGKILL: no shutdown hook runs
        } finally {
            first.destroyForcibly();
        }

        Process second = LocalProcess.start(data, file, "second");
        try {
            LocalEndpoints e = LocalProcess.awaitFile(file, second);
            try (SfnClient sfn = sfn(e)) {
                List<String> listedAfter = listed(sfn, steps, sleeper);
                System.out.println("after the restart:\n  " + String.join("\n  ", listedAfter));
                List<String> expected = listedBefore.stream()
                        .map(l -> l.startsWith("sleeping RUNNING") ? l.replace("sleeping RUNNING", "sleeping FAILED") : l).toList();
                assertEquals(expected.stream().map(StepFunctionsRestartIT::withoutStop).toList(),
                        listedAfter.stream().map(StepFunctionsRestartIT::withoutStop).toList());
                String run2 = steps.replace(":stateMachine:", ":execution:") + ":run-2";
                assertEquals(historyBefore, history(sfn, run2));
                assertEquals(outputBefore, sfn.describeExecution(b -> b.executionArn(run2)).output());
                assertEquals("{\"n\":2,\"a\":1,\"b\":2,\"c\":3}", outputBefore);
                DescribeExecutionResponse lost = sfn.describeExecution(b -> b.executionArn(sleeper.replace(":stateMachine:", ":execution:") + ":sleeping"));
                assertEquals(ExecutionStatus.FAILED, lost.status());
                assertEquals("States.Runtime", lost.error());
                List<HistoryEvent> lostHistory = sfn.getExecutionHistory(b -> b.executionArn(lost.executionArn())).events();
                assertEquals(List.of("ExecutionStarted", "WaitStateEntered", "ExecutionFailed"),
                        lostHistory.stream().map(HistoryEvent::typeAsString).toList());
                assertTrue(sfn.listStateMachines().stateMachines().stream().anyMatch(m -> m.name().equals("kept-steps")));
                String again = sfn.startExecution(b -> b.stateMachineArn(steps).name("run-4").input("{\"n\":4}")).executionArn();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        sfn.describeExecution(b -> b.executionArn(again)).status() == ExecutionStatus.SUCCEEDED);
            }
        } finally {
            LocalProcess.stop(second);
        }
    }

    private static SfnClient sfn(LocalEndpoints e) {
        return SfnClient.builder().endpointOverride(e.stepFunctions()).region(Region.of(e.region()))
                .credentialsProvider(Emulators.credentials()).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** "name status startDate stopDate" of every execution of both machines, pages of 2. */
    private static List<String> listed(SfnClient sfn, String... machines) {
        return java.util.Arrays.stream(machines)
                .flatMap(m -> sfn.listExecutionsPaginator(b -> b.stateMachineArn(m).maxResults(2)).executions().stream())
                .map((ExecutionListItem x) -> x.name() + " " + x.statusAsString() + " " + x.startDate() + " " + x.stopDate())
                .sorted().toList();
    }

    /** The lost execution's stop date is set at the restart: compared without it. */
    private static String withoutStop(String listed) {
        return listed.startsWith("sleeping ") ? listed.substring(0, listed.lastIndexOf(' ')) : listed;
    }

    /** Every event, read in pages of 3: "id previous type timestamp". */
    private static List<String> history(SfnClient sfn, String execution) {
        List<String> events = sfn.getExecutionHistoryPaginator(b -> b.executionArn(execution).maxResults(3)).events().stream()
                .map(h -> h.id() + " " + h.previousEventId() + " " + h.typeAsString() + " " + h.timestamp()).toList();
        assertTrue(events.size() > 3, "more than one page: " + events);
        assertEquals(IntStream.rangeClosed(1, events.size()).boxed().toList(),
                events.stream().map(s -> Integer.parseInt(s.split(" ")[0])).toList());
        return events;
    }
}

package dev.onebox.sfn;

import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import dev.onebox.sfn.tasks.TaskClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.MapRunListItem;
import software.amazon.awssdk.services.sfn.model.MapRunStatus;
import software.amazon.awssdk.services.sfn.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sfn.model.ValidationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The map run API (ListMapRuns, DescribeMapRun, UpdateMapRun) and ResultWriter through the AWS SDK's SfnClient. */
class MapRunApiTest {
    static final HeldTokens HOLD = new HeldTokens();
    static final InMemoryS3 S3 = new InMemoryS3();
    static LocalSfnApi api;

    @BeforeAll
    static void start() throws Exception {
        api = LocalSfnApi.start(new InProcessLambdaFunctions().register("Hold", HOLD), new TaskClients(null, null, S3, null));
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            lines.append("{\"order\": \"o-").append(i).append("\"}\n");
        }
        S3.put("in", "orders.jsonl", lines.toString());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static String machine(String name) {
        return api.create(name, StateMachineType.STANDARD, """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "Holders", "MaxConcurrency": 1,
                   "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                                  "Parameters": {"Bucket": "in", "Key": "orders.jsonl"}},
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                     "StartAt": "Wait", "States": {"Wait": {"Type": "Task",
                       "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                       "Parameters": {"FunctionName": "Hold", "Payload": {"token.$": "$$.Task.Token", "order.$": "$.order"}},
                       "End": true}}},
                   "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "results", "Prefix": "held"}},
                   "End": true}}}""");
    }

    @Test
    void updateMapRunRaisesTheConcurrencyAndTheToleranceOfARunningMapRun() throws Exception {
        String exec = api.client().startExecution(b -> b.stateMachineArn(machine("held-orders")).input("{}")).executionArn();
        String first = HOLD.next();

        List<MapRunListItem> runs = api.client().listMapRuns(b -> b.executionArn(exec)).mapRuns();
        assertEquals(1, runs.size());
        String mapRunArn = runs.get(0).mapRunArn();
        assertEquals(exec, runs.get(0).executionArn());
        assertTrue(runs.get(0).stateMachineArn().endsWith(":stateMachine:held-orders/Holders"), runs.get(0).stateMachineArn());
        DescribeMapRunResponse one = api.client().describeMapRun(b -> b.mapRunArn(mapRunArn));
        assertEquals(MapRunStatus.RUNNING, one.status());
        assertEquals(List.of(1L, 5L, 6L), List.of(one.executionCounts().running(), one.executionCounts().pending(),
                one.executionCounts().total()));

        api.client().updateMapRun(b -> b.mapRunArn(mapRunArn).maxConcurrency(3).toleratedFailureCount(1L));
        String second = HOLD.next();
        String third = HOLD.next();
        DescribeMapRunResponse three = api.client().describeMapRun(b -> b.mapRunArn(mapRunArn));
        assertEquals(3, three.maxConcurrency());
        assertEquals(1L, three.toleratedFailureCount());
        assertEquals(List.of(3L, 3L), List.of(three.executionCounts().running(), three.executionCounts().pending()));

        api.client().sendTaskFailure(b -> b.taskToken(second).error("Held.Rejected").cause("order refused"));
        api.client().sendTaskSuccess(b -> b.taskToken(first).output("{\"shipped\": true}"));
        api.client().sendTaskSuccess(b -> b.taskToken(third).output("{\"shipped\": true}"));
        for (int i = 0; i < 3; i++) {
            String next = HOLD.next();
            api.client().sendTaskSuccess(b -> b.taskToken(next).output("{\"shipped\": true}"));
        }
        DescribeExecutionResponse done = api.awaitEnd(exec);

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), done.cause());
        DescribeMapRunResponse end = api.client().describeMapRun(b -> b.mapRunArn(mapRunArn));
        assertEquals(MapRunStatus.SUCCEEDED, end.status());
        assertNotNull(end.stopDate());
        assertEquals(List.of(6L, 5L, 1L, 0L, 0L, 6L), List.of(end.itemCounts().total(), end.itemCounts().succeeded(),
                end.itemCounts().failed(), end.itemCounts().running(), end.itemCounts().pending(), end.itemCounts().resultsWritten()));
        assertEquals(List.of(6L, 5L, 1L), List.of(end.executionCounts().total(), end.executionCounts().succeeded(),
                end.executionCounts().failed()));
        String id = mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1);
        assertEquals(Map.of("MapRunArn", mapRunArn, "ResultWriterDetails", Map.of("Bucket", "results", "Key",
                "held/" + id + "/manifest.json")), Json.parse(done.output()));
        Map<?, ?> files = (Map<?, ?>) ((Map<?, ?>) Json.parse(S3.text("results", "held/" + id + "/manifest.json"))).get("ResultFiles");
        List<String> keys = new ArrayList<>();
        for (String status : List.of("FAILED", "PENDING", "SUCCEEDED")) {
            for (Object f : (List<?>) files.get(status)) {
                keys.add((String) ((Map<?, ?>) f).get("Key"));
            }
        }
        assertEquals(List.of("held/" + id + "/FAILED_0.json", "held/" + id + "/SUCCEEDED_0.json"), keys);
        List<?> failed = (List<?>) Json.parse(S3.text("results", "held/" + id + "/FAILED_0.json"));
        assertEquals(List.of("Held.Rejected", "order refused"), List.of(((Map<?, ?>) failed.get(0)).get("Error"),
                ((Map<?, ?>) failed.get(0)).get("Cause")));
        List<?> succeeded = (List<?>) Json.parse(S3.text("results", "held/" + id + "/SUCCEEDED_0.json"));
        assertEquals(5, succeeded.size());
        assertEquals("{\"shipped\":true}", ((Map<?, ?>) succeeded.get(0)).get("Output"));
    }

    @Test
    void stoppingTheParentAbortsItsMapRunAndItsChildren() throws Exception {
        String machine = machine("stopped-orders");
        String exec = api.client().startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
        HOLD.next();
        String mapRunArn = api.client().listMapRuns(b -> b.executionArn(exec)).mapRuns().get(0).mapRunArn();

        api.client().stopExecution(b -> b.executionArn(exec).error("Operator.Stop"));

        DescribeMapRunResponse stopped = api.client().describeMapRun(b -> b.mapRunArn(mapRunArn));
        assertEquals(MapRunStatus.ABORTED, stopped.status());
        assertNotNull(stopped.stopDate());
        List<String> children = api.client().listExecutions(b -> b.stateMachineArn(machine + "/Holders")).executions()
                .stream().map(e -> e.executionArn()).toList();
        assertEquals(1, children.size());
        DescribeExecutionResponse child = api.awaitEnd(children.get(0));
        assertEquals(ExecutionStatus.ABORTED, child.status());
        assertEquals(mapRunArn, child.mapRunArn());
    }

    @Test
    void theMapRunApiRefusesUnknownRunsAndSettingsOutOfRange() throws Exception {
        String exec = api.client().startExecution(b -> b.stateMachineArn(machine("refused-orders")).input("{}")).executionArn();
        HOLD.next();
        String mapRunArn = api.client().listMapRuns(b -> b.executionArn(exec)).mapRuns().get(0).mapRunArn();

        assertThrows(ResourceNotFoundException.class, () -> api.client().describeMapRun(b -> b.mapRunArn(
                "arn:aws:states:us-east-1:123456789012:mapRun:refused-orders/Holders:no-such-run")));
        assertThrows(ValidationException.class, () -> api.client().updateMapRun(b -> b.mapRunArn(mapRunArn)
                .toleratedFailurePercentage(120f)));
        assertThrows(ValidationException.class, () -> api.client().updateMapRun(b -> b.mapRunArn(mapRunArn)));

        api.client().stopExecution(b -> b.executionArn(exec));
    }
}

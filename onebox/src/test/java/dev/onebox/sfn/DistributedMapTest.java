package dev.onebox.sfn;

import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.asl.MapRun;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import dev.onebox.sfn.tasks.TaskClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DISTRIBUTED Map runs in process: ResultWriter's objects, ItemBatcher's byte limit, map run records, scale. */
class DistributedMapTest {
    private final InMemoryS3 s3 = new InMemoryS3();
    private LocalStepFunctions sfn;

    @AfterEach
    void close() {
        if (sfn != null) {
            sfn.close();
        }
    }

    private LocalStepFunctions service() {
        sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).lambdaFunctions(new InProcessLambdaFunctions())
                .taskClients(new TaskClients(null, null, s3, null)).build();
        return sfn;
    }

    /** Doubles n; fails for n = 3. */
    private static final String DOUBLE_OR_FAIL_ON_3 = """
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "Three?", "States": {
                "Three?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 3, "Next": "Fail"}], "Default": "Double"},
                "Fail": {"Type": "Fail", "Error": "Odd.Three", "Cause": "three is not welcome"},
                "Double": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": true}}}""";

    @Test
    void resultWriterWritesTheManifestAndOneFilePerStatusUnderThePrefixAndTheMapRunId() {
        LocalStepFunctions s = service();
        StateMachine sm = s.createStateMachine("export", """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "Doubler", "ItemsPath": "$.numbers",
                   "ToleratedFailureCount": 1, %s,
                   "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                                    "Parameters": {"Bucket": "results", "Prefix.$": "$.prefix"}},
                   "End": true}}}""".formatted(DOUBLE_OR_FAIL_ON_3), WorkflowType.STANDARD, null);

        ExecutionDescription d = s.startSyncExecution(sm.arn(), "export-1",
                "{\"prefix\": \"jobs/doubling\", \"numbers\": [{\"n\": 1}, {\"n\": 2}, {\"n\": 3}, {\"n\": 4}]}");

        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
        List<MapRun> runs = s.listMapRuns(d.executionArn());
        assertEquals(1, runs.size());
        MapRun run = runs.get(0);
        String id = run.arn().substring(run.arn().lastIndexOf(':') + 1);
        assertEquals("arn:aws:states:us-east-1:123456789012:mapRun:export/Doubler:" + id, run.arn());
        String folder = "jobs/doubling/" + id + "/";
        assertEquals(Map.of("MapRunArn", run.arn(), "ResultWriterDetails", Map.of("Bucket", "results", "Key", folder + "manifest.json")),
                Json.parse(d.output()));
        assertEquals(List.of("results/" + folder + "FAILED_0.json", "results/" + folder + "SUCCEEDED_0.json",
                "results/" + folder + "manifest.json"), new ArrayList<>(s3.keys()));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("DestinationBucket", "results");
        manifest.put("MapRunArn", run.arn());
        manifest.put("ResultFiles", Map.of(
                "FAILED", List.of(Map.of("Key", folder + "FAILED_0.json", "Size", (int) s3.size("results", folder + "FAILED_0.json"))),
                "PENDING", List.of(),
                "SUCCEEDED", List.of(Map.of("Key", folder + "SUCCEEDED_0.json", "Size", (int) s3.size("results", folder + "SUCCEEDED_0.json")))));
        assertEquals(manifest, Json.parse(s3.text("results", folder + "manifest.json")));

        List<?> succeeded = (List<?>) Json.parse(s3.text("results", folder + "SUCCEEDED_0.json"));
        assertEquals(3, succeeded.size());
        Map<?, ?> first = (Map<?, ?>) succeeded.get(0);
        assertEquals(List.of("ExecutionArn", "Input", "InputDetails", "Name", "Output", "OutputDetails", "RedriveCount",
                "RedriveStatus", "RedriveStatusReason", "StartDate", "StateMachineArn", "Status", "StopDate"), new ArrayList<>(first.keySet()));
        assertEquals("{\"n\":1}", first.get("Input"));
        assertEquals("{\"doubled\":2}", first.get("Output"));
        assertEquals("SUCCEEDED", first.get("Status"));
        assertEquals("arn:aws:states:us-east-1:123456789012:stateMachine:export/Doubler", first.get("StateMachineArn"));
        assertEquals(List.of("{\"doubled\":2}", "{\"doubled\":4}", "{\"doubled\":8}"),
                succeeded.stream().map(e -> ((Map<?, ?>) e).get("Output")).sorted().toList());
        List<?> failed = (List<?>) Json.parse(s3.text("results", folder + "FAILED_0.json"));
        Map<?, ?> three = (Map<?, ?>) failed.get(0);
        assertEquals(List.of("Odd.Three", "three is not welcome", "FAILED", "{\"n\":3}", "REDRIVABLE_BY_MAP_RUN"),
                List.of(three.get("Error"), three.get("Cause"), three.get("Status"), three.get("Input"), three.get("RedriveStatus")));
        assertEquals(MapRun.Status.SUCCEEDED, run.status());
        assertEquals(List.of(4L, 3L, 1L, 4L), List.of(run.itemCounts().total(), run.itemCounts().succeeded(),
                run.itemCounts().failed(), run.itemCounts().resultsWritten()));
    }

    @Test
    void writerConfigAloneReturnsTheFlattenedOutputsWithoutWritingToS3() {
        LocalStepFunctions s = service();

        ExecutionResult r = s.run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.pairs",
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                     "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}},
                   "ResultWriter": {"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}},
                   "End": true}}}""", "{\"pairs\": [[1, 2], [3], [4, 5]]}", WorkflowType.STANDARD);

        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        assertEquals(List.of(1, 2, 3, 4, 5), Json.parse(r.output()));
        assertTrue(s3.keys().isEmpty(), s3.keys().toString());
    }

    @Test
    void aResultWriterThatCannotWriteFailsTheStateWithResultWriterFailed() {
        LocalStepFunctions s = service();

        ExecutionResult r = s.run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map",
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"},
                     "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}},
                   "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "denied", "Prefix": "out"}},
                   "End": true}}}""", "[1, 2]", WorkflowType.STANDARD);

        assertEquals(ExecutionStatus.FAILED, r.status());
        assertEquals("States.ResultWriterFailed", r.error());
        assertTrue(r.cause().contains("s3://denied/out/") && r.cause().contains("Access Denied"), r.cause());
    }

    @Test
    void maxInputBytesPerBatchCutsBatchesSoThatNoChildInputPassesIt() {
        LocalStepFunctions s = service();
        StringBuilder numbers = new StringBuilder("[");
        for (int i = 0; i < 40; i++) {
            numbers.append(i == 0 ? "" : ",").append("{\"id\":\"item-").append(String.format("%04d", i)).append("\"}");
        }
        StateMachine sm = s.createStateMachine("bytes", """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "Sized",
                   "ItemBatcher": {"MaxInputBytesPerBatchPath": "$.bytes", "BatchInput": {"run": "r-1"}},
                   "ItemsPath": "$.items",
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                     "StartAt": "Count", "States": {"Count": {"Type": "Pass",
                       "Parameters": {"n.$": "States.ArrayLength($.Items)"}, "End": true}}},
                   "End": true}}}""", WorkflowType.STANDARD, null);

        ExecutionDescription d = s.startSyncExecution(sm.arn(), "bytes-1", "{\"bytes\": 200, \"items\": " + numbers + "]}");

        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
        // each item {"id":"item-0000"} is 19 bytes; a batch {"BatchInput":{"run":"r-1"},"Items":[...]} has 40 bytes
        // around its items and a comma between them: 8 items make 40 + 8 * 19 + 7 = 199 bytes, 9 make 219
        List<?> counts = (List<?>) Json.parse(d.output());
        assertEquals(List.of(Map.of("n", 8), Map.of("n", 8), Map.of("n", 8), Map.of("n", 8), Map.of("n", 8)), counts);
        for (ExecutionDescription child : s.listExecutions(sm.arn() + "/Sized", null)) {
            assertTrue(child.input().getBytes(StandardCharsets.UTF_8).length <= 200, child.input());
        }
    }

    @Test
    void anItemLargerThanMaxInputBytesPerBatchFailsTheStateWithDataLimitExceeded() {
        LocalStepFunctions s = service();

        ExecutionResult r = s.run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemBatcher": {"MaxInputBytesPerBatch": 30},
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"},
                     "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}},
                   "End": true}}}""", "[\"short\", \"a string far longer than thirty bytes\"]", WorkflowType.STANDARD);

        assertEquals(ExecutionStatus.FAILED, r.status());
        assertEquals("States.DataLimitExceeded", r.error());
        assertTrue(r.cause().contains("index 1"), r.cause());
    }

    @Test
    void aChildInputOverTheTwoHundredFiftySixKibLimitFailsItsItem() {
        LocalStepFunctions s = service();
        s3.put("in", "items.jsonl", "\"small\"\n\"" + "x".repeat(270 * 1024) + "\"\n");

        ExecutionResult r = s.run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ToleratedFailureCount": 1,
                   "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                                  "Parameters": {"Bucket": "in", "Key": "items.jsonl"}},
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"},
                     "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "Result": "ok", "End": true}}},
                   "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out"}},
                   "End": true}}}""", "{}", WorkflowType.STANDARD);

        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        String folder = ((String) ((Map<?, ?>) ((Map<?, ?>) Json.parse(r.output())).get("ResultWriterDetails")).get("Key"))
                .replace("manifest.json", "");
        List<?> failed = (List<?>) Json.parse(s3.text("out", folder + "FAILED_0.json"));
        assertEquals("States.DataLimitExceeded", ((Map<?, ?>) failed.get(0)).get("Error"));
        assertEquals(1, ((List<?>) Json.parse(s3.text("out", folder + "SUCCEEDED_0.json"))).size());
    }

    @Test
    void aChildFailureBeyondTheToleranceFailsTheMapRunAndLeavesTheRestPending() {
        LocalStepFunctions s = service();
        StateMachine sm = s.createStateMachine("strict", """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "MaxConcurrency": 1, %s, "End": true}}}"""
                .formatted(DOUBLE_OR_FAIL_ON_3), WorkflowType.STANDARD, null);

        ExecutionDescription d = s.startSyncExecution(sm.arn(), "strict-1",
                "[{\"n\": 1}, {\"n\": 3}, {\"n\": 4}, {\"n\": 5}]");

        assertEquals(ExecutionStatus.FAILED, d.status());
        assertEquals("States.ExceedToleratedFailureThreshold", d.error());
        MapRun run = s.listMapRuns(d.executionArn()).get(0);
        assertEquals(MapRun.Status.FAILED, run.status());
        assertEquals(List.of(1L, 1L, 2L, 0L), List.of(run.executionCounts().succeeded(), run.executionCounts().failed(),
                run.executionCounts().pending(), run.executionCounts().running()));
    }
}

package dev.onebox.sfn;

import dev.onebox.sfn.asl.HistoryEvent;
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
    void resultFilesAreSplitWhenTheNextEntryWouldPassTheFileSize() {
        sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).resultFileBytes(200)
                .taskClients(new TaskClients(null, null, s3, null)).build();

        ExecutionResult r = sfn.run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map",
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"},
                     "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}},
                   "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "split"},
                                    "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}},
                   "End": true}}}""", "[\"%s\", \"%s\", \"%s\", \"%s\", \"%s\"]".formatted(
                "a".repeat(80), "b".repeat(80), "c".repeat(80), "d".repeat(80), "e".repeat(80)), WorkflowType.STANDARD);

        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        String manifestKey = (String) ((Map<?, ?>) ((Map<?, ?>) Json.parse(r.output())).get("ResultWriterDetails")).get("Key");
        String folder = manifestKey.replace("manifest.json", "");
        List<?> files = (List<?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(s3.text("out", manifestKey))).get("ResultFiles")).get("SUCCEEDED");
        // each entry is 82 bytes ("aaa...a" quoted): two make [x,y] = 167 bytes, a third would make 250 > 200
        assertEquals(List.of(folder + "SUCCEEDED_0.json", folder + "SUCCEEDED_1.json", folder + "SUCCEEDED_2.json"),
                files.stream().map(f -> ((Map<?, ?>) f).get("Key")).toList());
        List<Object> all = new ArrayList<>();
        for (Object f : files) {
            String key = (String) ((Map<?, ?>) f).get("Key");
            assertEquals(((Number) ((Map<?, ?>) f).get("Size")).longValue(), s3.size("out", key));
            all.addAll((List<?>) Json.parse(s3.text("out", key)));
        }
        assertEquals(List.of("a".repeat(80), "b".repeat(80), "c".repeat(80), "d".repeat(80), "e".repeat(80)), all);
    }

    @Test
    void aParentThatTimesOutDuringItsMapRunAbortsTheRunAndItsChildren() throws Exception {
        HeldTokens hold = new HeldTokens();
        sfn = LocalStepFunctions.builder().clock(SfnClock.system())
                .lambdaFunctions(new InProcessLambdaFunctions().register("Hold", hold)).build();
        StateMachine sm = sfn.createStateMachine("late", """
                {"TimeoutSeconds": 1, "StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "Waiters",
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                     "StartAt": "Wait", "States": {"Wait": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                       "Parameters": {"FunctionName": "Hold", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}},
                   "End": true}}}""", WorkflowType.STANDARD, null);

        ExecutionDescription started = sfn.startExecution(sm.arn(), "late-1", "[1]");
        hold.next();
        ExecutionDescription d = sfn.awaitExecution(started.executionArn(), java.time.Duration.ofMinutes(1));

        assertEquals(ExecutionStatus.TIMED_OUT, d.status());
        assertEquals(MapRun.Status.ABORTED, sfn.listMapRuns(d.executionArn()).get(0).status());
        ExecutionDescription child = sfn.listExecutions(sm.arn() + "/Waiters", null).get(0);
        assertEquals(ExecutionStatus.ABORTED, sfn.awaitExecution(child.executionArn(), java.time.Duration.ofMinutes(1)).status());
    }

    @Test
    void aRedriveRerunsOnlyTheChildrenThatDidNotSucceedUnderTheSameMapRun() {
        Map<String, Integer> calls = new java.util.concurrent.ConcurrentHashMap<>();
        sfn = LocalStepFunctions.builder().clock(SfnClock.instant())
                .lambdaFunctions(new InProcessLambdaFunctions().register("FailsBOnce",
                        (com.amazonaws.services.lambda.runtime.RequestHandler<String, String>) (item, ctx) -> {
                            if (calls.merge(item, 1, Integer::sum) == 1 && item.equals("b")) {
                                throw new IllegalStateException("b fails on its first call");
                            }
                            return item.toUpperCase();
                        })).build();
        StateMachine sm = sfn.createStateMachine("redriven", """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "MaxConcurrency": 1,
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                     "StartAt": "Call", "States": {"Call": {"Type": "Task",
                       "Resource": "arn:aws:lambda:us-east-1:123456789012:function:FailsBOnce", "End": true}}},
                   "End": true}}}""", WorkflowType.STANDARD, null);
        ExecutionDescription failed = sfn.startSyncExecution(sm.arn(), "redriven-1", "[\"a\", \"b\", \"c\"]");
        assertEquals("States.ExceedToleratedFailureThreshold", failed.error());
        String mapRunArn = sfn.listMapRuns(failed.executionArn()).get(0).arn();

        sfn.redriveExecution(failed.executionArn(), null);
        ExecutionDescription done = sfn.awaitExecution(failed.executionArn(), java.time.Duration.ofMinutes(1));

        assertEquals(ExecutionStatus.SUCCEEDED, done.status(), done.cause());
        assertEquals(List.of("A", "B", "C"), Json.parse(done.output()));
        assertEquals(Map.of("a", 1, "b", 2, "c", 1), calls);
        MapRun run = sfn.describeMapRun(mapRunArn);
        assertEquals(MapRun.Status.SUCCEEDED, run.status());
        assertEquals(List.of(3L, 3L), List.of(run.itemCounts().total(), run.itemCounts().succeeded()));
        assertTrue(sfn.getExecutionHistory(done.executionArn()).stream().anyMatch(e -> e.type().equals("MapRunRedriven")));
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
    void itemBatcherPathsAndJsonataExpressionsAreEvaluatedAgainstTheStateInput() {
        LocalStepFunctions s = service();
        String processor = """
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "Echo",
                  "States": {"Echo": {"Type": "Pass", "End": true}}}""";

        ExecutionResult jsonPath = s.run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.ids",
                   "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"replayId.$": "$.replayId"}}, %s, "End": true}}}"""
                .formatted(processor), "{\"replayId\": \"r-7\", \"ids\": [\"a\", \"b\", \"c\"]}", WorkflowType.STANDARD);
        ExecutionResult jsonata = s.run("""
                {"QueryLanguage": "JSONata", "StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Items": "{% $states.input.ids %}",
                   "ItemBatcher": {"MaxItemsPerBatch": "{% $states.input.size %}", "BatchInput": {"replayId": "{% $states.input.replayId %}"}},
                   PROCESSOR, "End": true}}}""".replace("PROCESSOR", processor),
                "{\"replayId\": \"r-8\", \"size\": 3, \"ids\": [\"a\", \"b\", \"c\", \"d\"]}", WorkflowType.STANDARD);

        assertEquals(List.of(Map.of("BatchInput", Map.of("replayId", "r-7"), "Items", List.of("a", "b")),
                Map.of("BatchInput", Map.of("replayId", "r-7"), "Items", List.of("c"))), Json.parse(jsonPath.output()), jsonPath.cause());
        assertEquals(List.of(Map.of("BatchInput", Map.of("replayId", "r-8"), "Items", List.of("a", "b", "c")),
                Map.of("BatchInput", Map.of("replayId", "r-8"), "Items", List.of("d"))), Json.parse(jsonata.output()), jsonata.cause());
    }

    @Test
    void itemSelectorShapesEachItemBeforeItemBatcherGroupsThem() {
        LocalStepFunctions s = service();

        ExecutionResult r = s.run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.ids",
                   "ItemSelector": {"id.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "tenant.$": "$.tenant"},
                   "ItemBatcher": {"MaxItemsPerBatch": 2},
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "Echo",
                     "States": {"Echo": {"Type": "Pass", "End": true}}}, "End": true}}}""",
                "{\"tenant\": \"t-1\", \"ids\": [\"a\", \"b\", \"c\"]}", WorkflowType.STANDARD);

        assertEquals(List.of(
                Map.of("Items", List.of(Map.of("id", "a", "index", 0, "tenant", "t-1"), Map.of("id", "b", "index", 1, "tenant", "t-1"))),
                Map.of("Items", List.of(Map.of("id", "c", "index", 2, "tenant", "t-1")))), Json.parse(r.output()), r.cause());
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

    @Test
    void twoHundredThousandItemsFromS3RunInBatchesOfFiveHundredAsStandardAndExpressChildren() {
        LocalStepFunctions s = service();
        int items = 200_000;
        StringBuilder jsonl = new StringBuilder();
        for (int i = 1; i <= items; i++) {
            jsonl.append("{\"id\":\"a-").append(String.format("%06d", i)).append("\"}\n");
        }
        s3.put("scope", "all.jsonl", jsonl.toString());
        for (String type : List.of("STANDARD", "EXPRESS")) {
            StateMachine sm = s.createStateMachine("scale-" + type, """
                    {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "Batches", "MaxConcurrency": 16,
                       "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                                      "Parameters": {"Bucket": "scope", "Key": "all.jsonl"}},
                       "ItemBatcher": {"MaxItemsPerBatch": 500, "BatchInput": {"replayId": "r-1"}},
                       "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "%s"},
                         "StartAt": "Count", "States": {"Count": {"Type": "Pass",
                           "Parameters": {"first.$": "$.Items[0].id", "n.$": "States.ArrayLength($.Items)"}, "End": true}}},
                       "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "results", "Prefix": "%s"},
                                        "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSONL"}},
                       "End": true}}}""".formatted(type, type), WorkflowType.STANDARD, null);
            long started = System.nanoTime();

            ExecutionDescription d = s.startSyncExecution(sm.arn(), "scale", "{}");

            double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
            MapRun run = s.listMapRuns(d.executionArn()).get(0);
            assertEquals(List.of((long) items, (long) items, 400L, 400L), List.of(run.itemCounts().total(),
                    run.itemCounts().succeeded(), run.executionCounts().total(), run.executionCounts().succeeded()));
            String key = (String) ((Map<?, ?>) ((Map<?, ?>) Json.parse(d.output())).get("ResultWriterDetails")).get("Key");
            String lines = s3.text("results", key.replace("manifest.json", "SUCCEEDED_0.json"));
            List<Object> batches = lines.lines().map(Json::parse).toList();
            List<Object> expected = new ArrayList<>();
            for (int b = 0; b < 400; b++) {
                expected.add(Map.of("first", "a-" + String.format("%06d", b * 500 + 1), "n", 500));
            }
            assertEquals(expected, batches);
            assertEquals(List.of("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
                    "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"),
                    s.getExecutionHistory(d.executionArn()).stream().map(HistoryEvent::type).toList(), "no per-item history in the parent");
            Runtime rt = Runtime.getRuntime();
            System.out.printf("%s children: %,d items in 400 batches of 500 in %.2f s; heap used after: %d MB%n",
                    type, items, seconds, (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
    }
}

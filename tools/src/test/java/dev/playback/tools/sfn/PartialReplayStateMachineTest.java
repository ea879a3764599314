package dev.playback.tools.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.StateMachine;
import dev.onebox.sfn.WorkflowType;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import dev.onebox.sfn.tasks.TaskClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * statemachines/partial-replay.asl.json on the local executor with a stand-in for the replay function and an S3 of
 * one bucket in memory: the aggregates findAggregates wrote are read by the Distributed Map and handed to the
 * children in batches of 250 with the replay id; no state carries the list.
 */
class PartialReplayStateMachineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private LocalStepFunctions sfn;

    @AfterEach
    void close() {
        if (sfn != null) sfn.close();
    }

    @Test
    void theAggregatesInScopeAreReadFromS3AndRebuiltInBatchesOf250() throws Exception {
        MemoryBucket reports = new MemoryBucket("reports");
        Map<String, byte[]> bucket = reports.objects;
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 600; i++) lines.append("\"acc-").append(i).append("\"\n");
        bucket.put("scopes/p-600/aggregates.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
        List<JsonNode> batches = Collections.synchronizedList(new ArrayList<>());
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions().register("Replay", payload -> {
            try {
                JsonNode in = JSON.readTree(payload);
                String action = in.path("action").asText();
                calls.add(action);
                ObjectNode out = JSON.createObjectNode();
                switch (action) {
                    case "findAggregates" -> out.put("replayId", "p-600").put("aggregatesRead", 600).put("scope", "s3://reports/scopes/p-600/aggregates.jsonl")
                            .put("bucket", "reports").put("key", "scopes/p-600/aggregates.jsonl");
                    case "rebuildAggregates" -> {
                        batches.add(in);
                        out.put("rebuilt", in.path("chunk").size()).put("events", 2 * in.path("chunk").size());
                    }
                    case "partialReport" -> out.put("replayId", in.path("replayId").asText()).put("rebuilt", 600);
                    default -> out.put("cause", "unexpected " + in);
                }
                return JSON.writeValueAsString(out);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).lambdaFunctions(functions)
                .taskClients(new TaskClients(null, null, reports, null)).build();
        StateMachine sm = sfn.createStateMachine("PartialReplay", Files.readString(Path.of("..", "statemachines", "partial-replay.asl.json")),
                WorkflowType.STANDARD, Map.of("ReplayFunctionArn", functions.arnOf("Replay"), "ReportBucketName", "reports"));

        String arn = sfn.startExecution(sm.arn(), "p-600", "{\"replayId\":\"p-600\",\"types\":[\"MoneyWithdrawn\"]}").executionArn();
        ExecutionDescription d = sfn.awaitExecution(arn, Duration.ofMinutes(1));

        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), () -> d.error() + " " + d.cause() + "; children: "
                + sfn.listExecutions(sm.arn() + "/RebuildAggregates", null).stream().map(c -> c.name() + " " + c.status() + " " + c.error() + " " + c.cause()).toList());
        List<Integer> sizes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (JsonNode b : batches) {
            assertEquals("p-600", b.path("replayId").asText(), b.toString());
            sizes.add(b.path("chunk").size());
            b.path("chunk").forEach(id -> ids.add(id.asText()));
        }
        Collections.sort(sizes);
        assertEquals(List.of(100, 250, 250), sizes);
        assertEquals(600, new java.util.HashSet<>(ids).size());
        assertTrue(ids.contains("acc-0") && ids.contains("acc-599"), ids.toString());
        assertEquals("partialReport", calls.get(calls.size() - 1));
        List<String> written = bucket.keySet().stream().filter(k -> k.startsWith("map-runs/partial-replay/")).sorted().toList();
        assertEquals(2, written.size(), "the ResultWriter's manifest and its results: " + written);
        assertTrue(written.get(0).endsWith("/SUCCEEDED_0.json") && written.get(1).endsWith("/manifest.json"), written.toString());
        for (var e : sfn.getExecutionHistory(arn)) {
            String details = String.valueOf(e.details());
            assertTrue(!details.contains("acc-1"), "the parent's history carries no aggregate id: " + e.type() + " " + details);
        }
    }
}

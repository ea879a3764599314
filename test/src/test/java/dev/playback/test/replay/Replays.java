package dev.playback.test.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.client.PlaybackApi;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the replay tests share: loading events, running a replay to its end, comparing with the fold. */
final class Replays {
    static final ObjectMapper JSON = new ObjectMapper();

    private Replays() {
    }

    /** Loads {@code events} ledger events over {@code accounts} accounts straight into the events table (pump's item layout). */
    static void load(LocalStack stack, int events, int accounts) throws Exception {
        RebuildBenchmark.load(stack, events, accounts, Instant.parse("2026-01-01T00:00:00Z"));
    }

    static String startRebuild(LocalStack stack, String replayId, int segments, int batchSize) {
        ObjectNode input = JSON.createObjectNode().put("replayId", replayId).put("segments", segments).put("batchSize", batchSize);
        return stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn("RebuildStateMachine"), replayId,
                input.toString()).executionArn();
    }

    static ExecutionDescription awaitReplay(LocalStack stack, String machineLogicalId, String replayId, Duration timeout) throws Exception {
        return RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn(machineLogicalId), replayId, timeout);
    }

    static void assertSucceeded(ExecutionDescription d) {
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), () -> d.name() + ": " + d.error() + " " + d.cause());
    }

    /** The active generation of {@code balances} equals the independent fold of the events table, for every aggregate. */
    static LedgerFold.Result assertActiveEqualsFold(LocalStack stack) {
        LedgerFold.Result fold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
        assertTrue(fold.violations().isEmpty(), () -> "invariant violations: " + fold.violations());
        String active = RebuildBenchmark.activeGeneration(stack, "balances");
        List<String> diffs = LedgerFold.compare(fold, stack.dynamoDb(), stack.physicalName("DataTable"), active);
        assertTrue(diffs.isEmpty(), () -> diffs.size() + " differences in generation " + active + ", e.g. " + diffs.subList(0, Math.min(5, diffs.size())));
        return fold;
    }

    static JsonNode output(ExecutionDescription d) throws Exception {
        return d.output() == null ? JSON.createObjectNode() : JSON.readTree(d.output());
    }

    static ArrayNode deposits(String[] accounts, int count, int offset) {
        ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            batch.addObject().put("aggregateId", accounts[(offset + i) % accounts.length]).put("type", "MoneyDeposited")
                    .set("payload", JSON.createObjectNode().put("amount", (1 + (offset + i) % 90) + ".05"));
        }
        return batch;
    }

    static void post(PlaybackApi api, ArrayNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        if (a.status() != 202) throw new IllegalStateException("POST /events answered " + a.status() + ": " + a.body());
    }
}

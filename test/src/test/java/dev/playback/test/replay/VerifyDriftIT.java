package dev.playback.test.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.client.PlaybackApi;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (d) Verification: a clean data store → no drift (execution SUCCEEDED, report written); one data-store
 * item altered by hand → the execution fails with Playback.DriftFound and the report names exactly that
 * aggregate.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class VerifyDriftIT {
    static final int ACCOUNTS = 20;

    @Test
    void verification_reports_exactly_the_aggregate_altered_by_hand() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            String[] accounts = new String[ACCOUNTS];
            var open = Replays.JSON.createArrayNode();
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts[i] = String.format("verify-%02d", i);
                open.addObject().put("aggregateId", accounts[i]).put("type", "AccountOpened")
                        .set("payload", Replays.JSON.createObjectNode().put("owner", "O" + i).put("currency", "EUR"));
            }
            Replays.post(api, open);
            for (int b = 0; b < 4; b++) Replays.post(api, Replays.deposits(accounts, 100, b * 100));
            stack.awaitIdle(Duration.ofMinutes(2));
            Replays.assertActiveEqualsFold(stack);

            ExecutionDescription clean = verify(stack, "verify-clean");
            assertEquals(ExecutionStatus.SUCCEEDED, clean.status(), () -> clean.error() + " " + clean.cause());
            String cleanReport = report(stack, "verify-clean");
            for (String a : accounts) assertFalse(cleanReport.contains("\"" + a + "\""), "clean report names " + a + ": " + cleanReport);

            String active = RebuildBenchmark.activeGeneration(stack, "balances");
            String table = stack.physicalName("DataTable");
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.builder().s("balances#" + active + "#verify-07").build());
            var item = new java.util.HashMap<>(stack.dynamoDb().getItem(g -> g.tableName(table).consistentRead(true).key(key)).item());
            ObjectNode state = (ObjectNode) Replays.JSON.readTree(item.get("state").s());
            state.put("balance", "1000000.00");
            item.put("state", AttributeValue.builder().s(state.toString()).build());
            stack.dynamoDb().putItem(p -> p.tableName(table).item(item));

            ExecutionDescription drift = verify(stack, "verify-drift");
            assertEquals(ExecutionStatus.FAILED, drift.status());
            assertEquals("Playback.DriftFound", drift.error());
            System.out.println("drift: " + drift.cause());
            String report = report(stack, "verify-drift");
            System.out.println("report: " + report);
            assertTrue(report.contains("verify-07"), report);
            for (String a : accounts) {
                if (!a.equals("verify-07")) assertFalse(report.contains("\"" + a + "\""), "report names " + a + " too: " + report);
            }
        }
    }

    static ExecutionDescription verify(LocalStack stack, String replayId) throws Exception {
        stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn("VerifyStateMachine"), replayId,
                Replays.JSON.createObjectNode().put("replayId", replayId).put("reportOnly", false).toString());
        return Replays.awaitReplay(stack, "VerifyStateMachine", replayId, Duration.ofMinutes(5));
    }

    static String report(LocalStack stack, String replayId) {
        return stack.s3().getObjectAsBytes(g -> g.bucket(stack.physicalName("ReportBucket")).key("reports/verify/" + replayId + ".json"))
                .asUtf8String();
    }
}

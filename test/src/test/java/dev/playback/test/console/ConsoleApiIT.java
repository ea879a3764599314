package dev.playback.test.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.client.PlaybackApi;
import dev.playback.tools.console.RunningConsole;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's JSON API on the local stack: a few ledger events, a rebuild, a verification that finds one aggregate
 * altered by hand, and a rollback, read through {@code /api/*} with a real HTTP client. The expected figures come from
 * the events posted here.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConsoleApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REPLAY = Duration.ofMinutes(5);
    /** con-a: opened, 10.00 and 5.50 in, 3.25 out (balance 12.25, version 4); con-b: opened, 7.00 in; con-c: opened. */
    private static final int EVENTS = 7;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void the_console_api_shows_the_replays_generations_verification_aggregate_and_health_of_the_local_stack() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            ArrayNode events = JSON.createArrayNode();
            event(events, "con-a", "AccountOpened", "{\"owner\":\"Ann\",\"currency\":\"EUR\"}");
            event(events, "con-a", "MoneyDeposited", "{\"amount\":\"10.00\"}");
            event(events, "con-a", "MoneyDeposited", "{\"amount\":\"5.50\"}");
            event(events, "con-a", "MoneyWithdrawn", "{\"amount\":\"3.25\"}");
            event(events, "con-b", "AccountOpened", "{\"owner\":\"Bo\",\"currency\":\"EUR\"}");
            event(events, "con-b", "MoneyDeposited", "{\"amount\":\"7.00\"}");
            event(events, "con-c", "AccountOpened", "{\"owner\":\"Cy\",\"currency\":\"EUR\"}");
            PlaybackApi.Answer posted = api.postEvents(events);
            assertEquals(202, posted.status(), posted.body().toString());
            String firstEventId = posted.body().path("eventIds").get(0).asText();
            stack.awaitIdle(Duration.ofMinutes(2));

            String rebuildArn = start(stack, "RebuildStateMachine", "console-rebuild",
                    "{\"replayId\":\"console-rebuild\",\"segments\":2,\"requestedBy\":\"cli:console-it@test\"}");
            ExecutionDescription rebuilt = RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn("RebuildStateMachine"),
                    "console-rebuild", REPLAY);
            assertEquals(ExecutionStatus.SUCCEEDED, rebuilt.status(), () -> rebuilt.error() + " " + rebuilt.cause());
            String rebuiltGeneration = RebuildBenchmark.activeGeneration(stack, "balances");

            alterBalance(stack, rebuiltGeneration, "con-b", "1000000.00");
            String verifyArn = start(stack, "VerifyStateMachine", "console-verify",
                    "{\"replayId\":\"console-verify\",\"reportOnly\":false,\"requestedBy\":\"schedule:VerifyStateMachine.Nightly\"}");
            ExecutionDescription verified = RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn("VerifyStateMachine"),
                    "console-verify", REPLAY);
            assertEquals(ExecutionStatus.FAILED, verified.status());

            try (RunningConsole console = RunningConsole.start(stack.endpoints(), stack.domains(), 0, Optional::empty)) {
                URI base = console.url();

                JsonNode overview = get(base, "/api/overview");
                assertEquals("local", overview.path("mode").asText());
                assertEquals(List.of("balances", "subscriptions", "payouts", "invoicing"), texts(overview.path("processors")));
                assertEquals(stack.workflows().stateMachineArn("RebuildStateMachine"), overview.path("stateMachines").path("RebuildStateMachine").asText());

                JsonNode replays = get(base, "/api/replays?limit=10").path("replays");
                assertEquals(2, replays.size(), replays.toString());
                JsonNode verify = replays.get(0);
                JsonNode rebuild = replays.get(1);
                assertEquals(verifyArn, verify.path("executionArn").asText(), "newest first");
                assertEquals(rebuildArn, rebuild.path("executionArn").asText());
                assertEquals("rebuild", rebuild.path("kind").asText());
                assertEquals("SUCCEEDED", rebuild.path("status").asText());
                assertEquals("console-rebuild", rebuild.path("replayId").asText());
                assertEquals("StartExecution", rebuild.path("startedBy").path("channel").asText());
                assertEquals("cli:console-it@test", rebuild.path("startedBy").path("detail").asText());
                assertEquals(rebuiltGeneration, rebuild.path("generation").asText());
                assertEquals("suppress", rebuild.path("gatewayMode").asText());
                assertEquals(EVENTS, rebuild.path("published").asLong());
                assertEquals(EVENTS, rebuild.path("applied").asLong());
                assertEquals(EVENTS, rebuild.path("appliedByProcessor").path("balances").asLong());
                assertEquals(EVENTS, rebuild.path("total").asLong());
                assertTrue(rebuild.path("etaSeconds").isNull(), "no ETA once ended");
                assertEquals("verify", verify.path("kind").asText());
                assertEquals("FAILED", verify.path("status").asText());
                assertEquals("schedule", verify.path("startedBy").path("channel").asText());
                assertEquals("Playback.DriftFound", verify.path("error").asText());

                JsonNode detail = get(base, "/api/replay?arn=" + encode(rebuildArn));
                assertTrue(detail.path("definition").path("States").isObject(), detail.path("definition").toString());
                assertEquals(List.of(), texts(detail.path("current")));
                assertTrue(detail.path("failed").isNull());
                detail.path("states").fields().forEachRemaining(s -> assertTrue(
                        List.of("succeeded", "caught").contains(s.getValue().path("status").asText()), s.getKey() + ": " + s.getValue()));
                assertEquals(2, detail.path("checkpoints").size());
                long published = 0;
                for (JsonNode c : detail.path("checkpoints")) {
                    assertTrue(c.path("done").asBoolean(), c.toString());
                    published += c.path("published").asLong();
                }
                assertEquals(EVENTS, published);
                assertTrue(detail.path("verifyReport").isNull());

                JsonNode failedDetail = get(base, "/api/replay?arn=" + encode(verifyArn));
                assertNotNull(failedDetail.path("failed").textValue(), failedDetail.toString());
                assertEquals("failed", failedDetail.path("states").path(failedDetail.path("failed").asText()).path("status").asText());
                assertEquals(1, failedDetail.path("verifyReport").path("drifted").asInt());

                JsonNode verification = get(base, "/api/verification");
                JsonNode latest = verification.path("latest");
                assertEquals(verifyArn, latest.path("replay").path("executionArn").asText());
                // every processor of the verification keeps a state of each of the 3 accounts (also those that ignore their events' types)
                assertEquals(3 * 4, latest.path("report").path("compared").asInt());
                assertEquals(1, latest.path("report").path("drifted").asInt());
                JsonNode drift = latest.path("report").path("aggregates").get(0);
                assertEquals("con-b", drift.path("aggregateId").asText());
                assertEquals(List.of("balance"), texts(drift.path("differences")));
                assertEquals("1000000.00", drift.path("live").path("balance").asText());
                assertEquals("7.00", drift.path("rebuilt").path("balance").asText());
                assertEquals(1, verification.path("history").size());
                assertEquals(1, verification.path("history").get(0).path("drifted").asInt());

                JsonNode aggregate = get(base, "/api/aggregate?id=con-a");
                assertEquals("balances", aggregate.path("processor").asText());
                assertEquals(4, aggregate.path("events").size());
                assertEquals(List.of("AccountOpened", "MoneyDeposited", "MoneyDeposited", "MoneyWithdrawn"),
                        aggregate.path("events").findValuesAsText("type"));
                assertEquals(List.of("0.00", "10.00", "15.50", "12.25"), aggregate.path("states").findValuesAsText("balance"));
                assertEquals(4, aggregate.path("states").get(3).path("version").asInt());
                assertEquals(4, aggregate.path("stored").path("version").asInt());
                assertEquals("12.25", aggregate.path("stored").path("state").path("balance").asText());
                assertEquals(rebuiltGeneration, aggregate.path("stored").path("generation").asText());
                assertEquals(404, status(base, "/api/aggregate?id=con-nobody"));
                assertEquals(400, status(base, "/api/aggregate?id=con-a&processor=nothing"));

                JsonNode event = get(base, "/api/event?id=" + encode(firstEventId));
                assertEquals("con-a", event.path("aggregateId").asText());
                assertEquals(1, event.path("version").asInt());
                assertEquals("AccountOpened", event.path("type").asText());

                JsonNode health = get(base, "/api/health");
                assertEquals(List.of("balances", "subscriptions", "payouts", "invoicing"), health.path("processors").findValuesAsText("processor"));
                assertTrue(health.path("throttles").isNull());
                assertTrue(health.path("throttlesNote").asText().contains("never throttle"), health.toString());

                JsonNode effects = get(base, "/api/effects");
                assertEquals(0, effects.path("counts").path("sent").asLong(), "no payout was requested: nothing sent");

                JsonNode generations = get(base, "/api/generations");
                JsonNode balances = processor(generations, "balances");
                assertEquals(rebuiltGeneration, balances.path("active").asText());
                assertEquals("g0", balances.path("previous").asText());
                assertTrue(balances.path("canRollback").asBoolean());
                JsonNode active = balances.path("generations").get(0);
                assertEquals("active", active.path("role").asText());
                assertEquals("console-rebuild", active.path("builtBy").path("replayId").asText());
                assertEquals("rebuild", active.path("builtBy").path("kind").asText());
                assertEquals("previous", balances.path("generations").get(1).path("role").asText());
                assertTrue(balances.path("generations").get(1).path("builtBy").isNull(), "g0 was built live");

                HttpResponse<String> refused = post(base, "{\"processors\":[\"balances\"]}", base.toString().replaceAll("/$", ""));
                assertEquals(400, refused.statusCode(), refused.body());
                HttpResponse<String> rolledBack = post(base, "{\"processors\":[\"balances\"],\"confirm\":\"rollback\"}",
                        base.toString().replaceAll("/$", ""));
                assertEquals(200, rolledBack.statusCode(), rolledBack.body());
                assertEquals("SUCCEEDED", JSON.readTree(rolledBack.body()).path("status").asText(), rolledBack.body());
                JsonNode after = processor(get(base, "/api/generations"), "balances");
                assertEquals("g0", after.path("active").asText());
                assertEquals(rebuiltGeneration, after.path("previous").asText());
                assertEquals("rollback", get(base, "/api/replays").path("replays").get(0).path("kind").asText());
            }
        }
    }

    private static void event(ArrayNode into, String aggregateId, String type, String payload) throws Exception {
        into.addObject().put("aggregateId", aggregateId).put("type", type).set("payload", JSON.readTree(payload));
    }

    private static String start(LocalStack stack, String machine, String name, String input) {
        return stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn(machine), name, input).executionArn();
    }

    /** Puts another balance into the stored state of {@code account} in {@code generation}, as a hand edit of the data store would. */
    private static void alterBalance(LocalStack stack, String generation, String account, String balance) throws Exception {
        String table = stack.physicalName("DataTable");
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.builder().s("balances#" + generation + "#" + account).build());
        var item = new HashMap<>(stack.dynamoDb().getItem(g -> g.tableName(table).consistentRead(true).key(key)).item());
        ObjectNode state = (ObjectNode) JSON.readTree(item.get("state").s());
        state.put("balance", balance);
        item.put("state", AttributeValue.builder().s(state.toString()).build());
        stack.dynamoDb().putItem(p -> p.tableName(table).item(item));
    }

    private static JsonNode processor(JsonNode generations, String name) {
        for (JsonNode p : generations.path("processors")) if (p.path("processor").asText().equals(name)) return p;
        throw new AssertionError("no processor " + name + " in " + generations);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private int status(URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> post(URI base, String body, String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/rollback")).header("Content-Type", "application/json")
                .header("Origin", origin).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

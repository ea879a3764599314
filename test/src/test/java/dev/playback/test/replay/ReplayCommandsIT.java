package dev.playback.test.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.Main;
import dev.onebox.sfn.ExecutionDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay commands as clients of a running local stack (found through its endpoints file): they start the
 * template's state machines by the Step Functions API and send ReplayRequested through the EventBridge API,
 * whose rule starts the partial replay state machine. Runs without the replay handler: it checks the wiring,
 * not the replays' results.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReplayCommandsIT {
    static LocalStack stack;
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory());
        file = dir.resolve("local.json");
        stack.endpoints().write(file);
    }

    @AfterAll
    static void stop() {
        if (stack != null) stack.close();
    }

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Replays.JSON.readTree(out);
        }
    }

    static Run playback(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--local-file";
        all[args.length + 1] = file.toString();
        int code = Main.execute(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void the_local_stack_registers_the_template_state_machines() {
        List<String> names = stack.workflows().stepFunctions().listStateMachines().stream().map(m -> m.name()).sorted().toList();
        assertTrue(names.containsAll(List.of("PartialReplayStateMachine", "RebuildStateMachine", "RollbackStateMachine", "VerifyStateMachine")), names::toString);
    }

    @Test
    void rebuild_starts_an_execution_named_after_the_replay() throws Exception {
        Run r = playback("rebuild", "--processor", "balances", "--segments", "3", "--batch-size", "100", "--replay-id", "cli-r1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("cli-r1", j.path("replayId").asText());
        ExecutionDescription d = stack.workflows().stepFunctions().describeExecution(j.path("executionArn").asText());
        assertEquals("cli-r1", d.name());
        JsonNode input = Replays.JSON.readTree(d.input());
        assertEquals(3, input.path("segments").asInt());
        assertEquals(100, input.path("batchSize").asInt());
        assertEquals("balances", input.path("processors").get(0).asText());
        assertTrue(d.stateMachineArn().endsWith(":RebuildStateMachine"));
        // the same replay id again: a resume, started under a fresh execution name once the first has ended
        stack.workflows().stepFunctions().awaitExecution(d.executionArn(), java.time.Duration.ofMinutes(1));
        Run again = playback("rebuild", "--replay-id", "cli-r1");
        assertEquals(0, again.code(), again.err());
        assertEquals("cli-r1", again.out().trim());
    }

    @Test
    void replay_sends_ReplayRequested_and_the_rule_starts_the_partial_replay() throws Exception {
        Run r = playback("replay", "--aggregate", "alice", "--aggregate", "bob", "--type", "MoneyDeposited",
                "--since", "2026-01-01T00:00:00Z", "--until", "2026-02-01T00:00:00+01:00", "--time-field", "occurredAt",
                "--replay-id", "cli-p1", "--json");
        assertEquals(0, r.code(), r.err());
        String machine = stack.workflows().stateMachineArn("PartialReplayStateMachine");
        Optional<ExecutionDescription> started = Awaitility.await("a partial replay execution started by the ReplayRequested event")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> stack.workflows().stepFunctions().listExecutions(machine, null).stream()
                        .filter(e -> e.input().contains("\"cli-p1\"")).findFirst(), Optional::isPresent);
        // the ReplayRequested rule's input: the request, and the event that carried it on ReplayRequestBus
        JsonNode event = Replays.JSON.readTree(started.get().input()).path("event");
        assertEquals("playback", event.path("source").asText());
        assertEquals(r.json().path("eventId").asText(), event.path("id").asText());
        assertEquals(stack.workflows().eventBusName("ReplayRequestBus"), r.json().path("eventBusName").asText());
        JsonNode input = Replays.JSON.readTree(started.get().input()).path("request");
        assertEquals("[\"alice\",\"bob\"]", input.path("aggregates").toString());
        assertEquals("[\"MoneyDeposited\"]", input.path("types").toString());
        assertEquals("2026-01-01T00:00:00Z", input.path("since").asText());
        assertEquals("2026-01-31T23:00:00Z", input.path("until").asText());
        assertEquals("occurredAt", input.path("timeField").asText());

        Replays.assertSucceeded(Replays.awaitReplay(stack, "PartialReplayStateMachine", "cli-p1", java.time.Duration.ofMinutes(2)));
        Run status = playback("status", "cli-p1", "--json");
        assertEquals(0, status.code(), status.err());
        assertEquals(1, status.json().path("executions").size(), status.out());
        JsonNode requestedBy = Replays.JSON.readTree(status.json().path("record").path("requestedBy").asText());
        assertEquals("eventbridge", requestedBy.path("via").asText(), status.out());
        assertEquals(event.path("id").asText(), requestedBy.path("eventId").asText());
        assertEquals("000000000000", requestedBy.path("account").asText());
        assertTrue(requestedBy.path("claimed").asText().startsWith("cli:"), status.out());
        Run text = playback("status", "cli-p1");
        assertTrue(text.out().contains("requested by: via eventbridge, eventId " + event.path("id").asText()), text.out());
    }

    @Test
    void replay_with_an_effectful_gateway_mode_through_EventBridge_is_refused_by_default() throws Exception {
        Run r = playback("replay", "--aggregate", "alice", "--replay-id", "cli-p-diff", "--gateway-mode", "diff");
        assertEquals(0, r.code(), r.err());
        ExecutionDescription d = Replays.awaitReplay(stack, "PartialReplayStateMachine", "cli-p-diff", java.time.Duration.ofMinutes(2));
        assertEquals("FAILED", d.status().name(), d.toString());
        assertTrue(d.cause().contains("gatewayMode 'diff'") && d.cause().contains("AllowEffectfulEventReplays=true"), d.cause());
        Run status = playback("status", "cli-p-diff");
        assertTrue(status.out().contains("no replay record"), status.out());
    }

    @Test
    void verify_and_rollback_start_their_state_machines() throws Exception {
        Run v = playback("verify", "--report-only", "--replay-id", "cli-v1", "--json");
        assertEquals(0, v.code(), v.err());
        ExecutionDescription d = stack.workflows().stepFunctions().describeExecution(v.json().path("executionArn").asText());
        assertTrue(d.stateMachineArn().endsWith(":VerifyStateMachine"));
        assertTrue(Replays.JSON.readTree(d.input()).path("reportOnly").asBoolean());
        Run rb = playback("rollback", "--processor", "balances", "--json");
        JsonNode j = rb.json();
        assertTrue(j.path("executionArn").asText().contains(":RollbackStateMachine:"), rb.out());
        assertEquals("[\"balances\"]", Replays.JSON.readTree(stack.workflows().stepFunctions()
                .describeExecution(j.path("executionArn").asText()).input()).path("processors").toString());
    }

    @Test
    void bad_usage_exits_2_naming_the_option() {
        String[][] cases = {
                {"--segments", "rebuild", "--segments", "0"},
                {"--batch-size", "rebuild", "--batch-size", "many"},
                {"--replay-id", "rebuild", "--replay-id", "bad id"},
                {"--since", "replay", "--since", "yesterday"},
                {"--since", "replay", "--since", "2026-02-01T00:00:00Z", "--until", "2026-01-01T00:00:00Z"},
                {"--time-field", "replay", "--type", "X", "--time-field", "createdAt"},
                {"--time-field", "replay", "--type", "X", "--time-field", "occurredAt"},
                {"scope", "replay"},
                {"--watch", "verify", "--watch=yes"},
                {"--limit", "status", "--limit", "0"},
                {"--processor", "rollback", "--processor"},
                {"--data-table", "rebuild", "--data-table", "T"},
                {"--bogus", "rebuild", "--bogus"}};
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Run r = playback(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(c[0]), String.join(" ", args) + " -> " + r.err());
        }
    }

    @Test
    void status_finds_executions_started_without_a_replay_id_by_name_and_by_arn_and_lists_them() throws Exception {
        var sfn = stack.workflows().stepFunctions();
        // as the README's example and the nightly schedule start them: no replayId in the input
        ExecutionDescription rebuild = sfn.startExecution(stack.workflows().stateMachineArn("RebuildStateMachine"), "no-id-rebuild",
                "{\"segments\":2}");
        Replays.assertSucceeded(sfn.awaitExecution(rebuild.executionArn(), java.time.Duration.ofMinutes(2)));
        ExecutionDescription partial = sfn.startExecution(stack.workflows().stateMachineArn("PartialReplayStateMachine"), "no-id-partial",
                "{\"aggregates\":[\"alice\"]}");
        Replays.assertSucceeded(sfn.awaitExecution(partial.executionArn(), java.time.Duration.ofMinutes(2)));

        Run byName = playback("status", "no-id-rebuild");
        assertEquals(0, byName.code(), byName.err());
        assertTrue(byName.out().startsWith("replay r-") && byName.out().contains(": rebuild, status SUCCEEDED, generation "), byName.out());
        assertTrue(byName.out().contains("segments done 2 of 2") && byName.out().contains("  execution no-id-rebuild: SUCCEEDED"), byName.out());
        String replayId = byName.out().substring("replay ".length(), byName.out().indexOf(':'));
        Run byArn = playback("status", rebuild.executionArn(), "--json");
        assertEquals(0, byArn.code(), byArn.err());
        assertEquals(replayId, byArn.json().path("replayId").asText(), byArn.out());
        assertEquals("no-id-rebuild", byArn.json().path("executions").get(0).path("name").asText(), byArn.out());

        Run partialByName = playback("status", "no-id-partial");
        assertEquals(0, partialByName.code(), partialByName.err());
        assertTrue(partialByName.out().startsWith("replay r-") && partialByName.out().contains(": partial, status SUCCEEDED"), partialByName.out());
        assertTrue(partialByName.out().contains("aggregates read ") && partialByName.out().contains("  execution no-id-partial: SUCCEEDED"),
                partialByName.out());

        Run list = playback("status");
        assertEquals(0, list.code(), list.err());
        List<String> lines = list.out().lines().toList();
        int partialLine = indexOf(lines, " no-id-partial  (replay r-"), rebuildLine = indexOf(lines, " no-id-rebuild  (replay " + replayId + ")");
        assertTrue(partialLine >= 0 && rebuildLine >= 0 && partialLine < rebuildLine, "newest first:\n" + list.out());

        Run unknown = playback("status", "no-such-replay-or-execution");
        assertEquals(1, unknown.code());
        assertTrue(unknown.out().contains("no replay and no execution of the replay machines named no-such-replay-or-execution"), unknown.out());
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(part)) return i;
        return -1;
    }

    @Test
    void without_a_running_stack_the_commands_say_how_to_start_one() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new String[]{"status", "x", "--local-file", dir.resolve("absent.json").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("playback local"), err::toString);
    }
}

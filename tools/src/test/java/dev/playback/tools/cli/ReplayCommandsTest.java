package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayCommandsTest {
    /** {@code playback rebuild ARGS} parsed as the command line parses it. */
    static ReplayCommands.Rebuild rebuildArgs(String... args) {
        return parsed(new ReplayCommands.Rebuild(), args);
    }

    static ReplayCommands.Replay replayArgs(String... args) {
        return parsed(new ReplayCommands.Replay(), args);
    }

    private static <T> T parsed(T command, String... args) {
        Usage.configure(new CommandLine(command)).parseArgs(args);
        return command;
    }

    /** Who runs the tests, as the CLI names its operator: cli:<user>@<host>. */
    private static String operator() throws java.net.UnknownHostException {
        return "cli:" + System.getProperty("user.name") + "@" + java.net.InetAddress.getLocalHost().getHostName();
    }

    @Test
    void rebuild_options_become_the_state_machine_input() throws Exception {
        ObjectNode in = input(rebuildArgs("--processor", "balances", "--processor=payouts", "--segments", "8",
                "--batch-size", "250", "--replay-id", "r-1", "--watch"));
        assertEquals("{\"replayId\":\"r-1\",\"processors\":[\"balances\",\"payouts\"],\"segments\":8,\"batchSize\":250,"
                + "\"requestedBy\":\"" + operator() + "\"}", in.toString());
    }

    @Test
    void a_generated_replay_id_is_valid_and_names_the_kind() {
        String id = input(rebuildArgs()).get("replayId").asText();
        assertTrue(id.matches("rebuild-\\d{8}-\\d{6}-[0-9a-f]{4}"), id);
    }

    @Test
    void bad_rebuild_options_name_the_option() {
        assertMessage("--segments", () -> input(rebuildArgs("--segments", "0")));
        assertMessage("--segments", () -> input(rebuildArgs("--segments", "10001")));
        assertMessage("--batch-size", () -> input(rebuildArgs("--batch-size", "501")));
        assertMessage("--replay-id", () -> input(rebuildArgs("--replay-id", "a/b")));
        assertMessage("--replay-id", () -> rebuildArgs("--replay-id", "a", "--replay-id", "b"));
        assertMessage("--processor", () -> input(rebuildArgs("--processor", "no spaces")));
        assertMessage("--segments", () -> rebuildArgs("--segments"));
        assertMessage("--frobnicate", () -> rebuildArgs("--frobnicate"));
        assertMessage("--watch", () -> rebuildArgs("--watch=1"));
        assertMessage("--watch-timeout", () -> rebuildArgs("--watch", "--watch-timeout", "two hours"));
        assertMessage("extra", () -> input(rebuildArgs("extra")));
    }

    @Test
    void replay_scope_is_validated_and_normalised() throws Exception {
        ObjectNode d = scope(replayArgs("--aggregate", "a-1", "--aggregate", "a-2", "--type", "MoneyDeposited",
                "--since", "2026-03-01T00:00:00+02:00", "--until", "2026-04-01T00:00:00Z", "--time-field", "occurredAt", "--replay-id", "p"));
        assertEquals("{\"replayId\":\"p\",\"aggregates\":[\"a-1\",\"a-2\"],\"types\":[\"MoneyDeposited\"],"
                + "\"since\":\"2026-02-28T22:00:00Z\",\"until\":\"2026-04-01T00:00:00Z\",\"timeField\":\"occurredAt\","
                + "\"requestedBy\":\"" + operator() + "\"}", d.toString());
        assertMessage("--since", () -> scope(replayArgs("--since", "2026-13-01T00:00:00Z")));
        assertMessage("--until", () -> scope(replayArgs("--until", "tomorrow")));
        assertMessage("--since", () -> scope(replayArgs("--since", "2026-04-01T00:00:00Z", "--until", "2026-04-01T00:00:00Z")));
        assertMessage("--time-field", () -> scope(replayArgs("--type", "X", "--time-field", "occurredAt")));
        assertMessage("--time-field", () -> scope(replayArgs("--since", "2026-04-01T00:00:00Z", "--time-field", "now")));
        assertMessage("--aggregate", () -> scope(replayArgs("--aggregate", "bad id!")));
        assertMessage("scope", () -> scope(replayArgs()));
    }

    @Test
    void replay_known_at_goes_into_the_request_as_an_instant_and_a_future_or_malformed_one_is_refused() throws Exception {
        ObjectNode d = scope(replayArgs("--aggregate", "a-1", "--known-at", "2026-03-01T10:00:00+01:00", "--replay-id", "p"));
        assertEquals("2026-03-01T09:00:00Z", d.get("knownAt").asText());
        assertMessage("--known-at", () -> scope(replayArgs("--aggregate", "a-1", "--known-at", "yesterday")));
        assertMessage("--known-at", () -> scope(replayArgs("--aggregate", "a-1", "--known-at", "9999-01-01T00:00:00Z")));
    }

    @Test
    void verify_known_at_and_its_processors_go_into_the_input_and_processors_without_known_at_are_refused() throws Exception {
        ObjectNode in = parsed(new ReplayCommands.Verify(), "--known-at", "2026-03-01T10:00:00+01:00", "--processor", "balances",
                "--report-only", "--replay-id", "v-1").input();
        assertEquals("{\"replayId\":\"v-1\",\"reportOnly\":true,\"knownAt\":\"2026-03-01T09:00:00Z\",\"processors\":[\"balances\"],"
                + "\"requestedBy\":\"" + operator() + "\"}", in.toString());
        assertMessage("--processor", () -> parsed(new ReplayCommands.Verify(), "--processor", "balances").input());
        assertMessage("--known-at", () -> parsed(new ReplayCommands.Verify(), "--known-at", "9999-01-01T00:00:00Z").input());
    }

    @Test
    void the_endpoints_file_round_trips(@TempDir Path dir) {
        LocalEndpoints e = new LocalEndpoints(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:2"), URI.create("http://127.0.0.1:3"),
                URI.create("http://127.0.0.1:4"), URI.create("http://127.0.0.1:5"), URI.create("http://127.0.0.1:6"), "us-east-1",
                ProcessHandle.current().pid(), "/data", Map.of("DataTable", "DataTable"), Map.of("RebuildStateMachine", "arn:x"),
                Map.of("fx", "http://127.0.0.1:7", "bank", "http://127.0.0.1:8"));
        Path file = dir.resolve("sub/local.json");
        e.write(file);
        LocalEndpoints read = LocalEndpoints.read(file);
        assertEquals(e, read);
        assertTrue(read.writerAlive());
        assertFalse(new LocalEndpoints(e.api(), e.stepFunctions(), e.eventBridge(), e.dynamoDb(), e.kinesis(), e.s3(), "us-east-1",
                Long.MAX_VALUE - 1, null, Map.of(), Map.of(), Map.of()).writerAlive());
        assertMessage("playback local", () -> LocalEndpoints.read(dir.resolve("absent.json")));
    }

    @Test
    void the_status_line_of_who_requested_a_replay_lists_what_the_record_holds() {
        assertEquals("via eventbridge, eventId ev-1, source playback, account 111122223333, claimed cli:ada@desk",
                ReplayCommands.requestedBy("{\"via\":\"eventbridge\",\"eventId\":\"ev-1\",\"source\":\"playback\","
                        + "\"account\":\"111122223333\",\"claimed\":\"cli:ada@desk\"}"));
        assertEquals("not recorded", ReplayCommands.requestedBy(null));
    }

    private static ObjectNode input(ReplayCommands.Rebuild rebuild) {
        return rebuild.input();
    }

    private static ObjectNode scope(ReplayCommands.Replay replay) {
        return replay.scope();
    }

    /** Bad usage: a ParameterException while parsing or checking, or (found later, e.g. no local stack) a UsageException. */
    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(e instanceof CommandLine.ParameterException || e instanceof UsageException, e.toString());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

package dev.playback.test.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playback.test.process.LocalProcess;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real AWS client, run as a child process, against the local stack: its script (under {@code test/clients/})
 * creates a state machine, runs, describes, pages through the history of, stops and lists executions, runs an EXPRESS
 * machine with StartSyncExecution (through the client's setting that turns off the {@code sync-} host prefix), puts
 * events on the stack's dedicated bus and describes the bus and its rules. The script prints one JSON object per step,
 * {@code {"step": NAME, "response": ...}}; the checks below read those answers.
 *
 * It also redrives the failed execution (RedriveExecution) and tests one state (TestState, inspection level DEBUG);
 * a client older than those operations (2023: Debian 12's CLI and boto3) prints the step as {@code "unsupported"}, and
 * the test is then skipped after every other check, naming the client's version (also under
 * {@code PLAYBACK_REQUIRE_AWS_CLIENTS=true}, which asks for the clients, not for their newest versions).
 * A step added to the scripts is a few lines there and one check here.
 * Without the client the test is skipped, naming the client and how to install it; with
 * {@code PLAYBACK_REQUIRE_AWS_CLIENTS=true} (CI) it fails instead.
 */
abstract class AwsClientTranscript {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REQUIRE_ENV = "PLAYBACK_REQUIRE_AWS_CLIENTS";

    @TempDir
    Path dir;
    LocalStack stack;

    /** The client's name in the state machine names its script creates ({@code transcript-<client>-...}). */
    abstract String client();

    /**
     * Finds the client (skipping or failing the test through {@link Clients#require} when it is missing) and returns
     * the command that runs its script against the endpoints file {@code localFile}.
     */
    abstract List<String> command(Path home, Path localFile) throws Exception;

    @AfterEach
    void stopStack() {
        if (stack != null) stack.close();
    }

    @Test
    void the_client_s_answers_are_those_of_aws_for_state_machines_executions_history_and_events() throws Exception {
        List<String> command = command(LocalProcess.projectHome(), dir.resolve("local.json"));
        stack = LocalStack.start(LocalOptions.inMemory());
        stack.endpoints().write(dir.resolve("local.json"));

        Map<String, List<JsonNode>> steps = run(command);

        createStateMachine(steps.get("create-state-machine").get(0));
        describeExecutions(steps);
        historyInPagesOfTwo(steps.get("get-execution-history-page"));
        listExecutions(steps.get("list-executions").get(0));
        startSyncExecution(steps.get("start-sync-execution").get(0));
        putEvents(steps.get("put-events").get(0));
        dedicatedBusAndItsRules(steps);
        redriveAndTestState(steps);
        assertEquals(Set.of("redrive-execution", "describe-redriven-execution", "test-state", "create-state-machine", "describe-execution", "describe-failed-execution", "get-execution-history-page",
                "stop-execution", "describe-stopped-execution", "list-executions", "start-sync-execution", "put-events",
                "describe-event-bus", "list-rules", "describe-rule"), steps.keySet(), "the steps of the transcript");
    }

    /** Runs the script; returns the responses by step name, in order; prints the transcript. */
    Map<String, List<JsonNode>> run(List<String> command) throws Exception {
        Path out = dir.resolve(client() + ".out"), err = dir.resolve(client() + ".err");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(client() + " transcript did not finish in 3 minutes; its errors: " + Files.readString(err));
        }
        String transcript = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println("---- " + client() + " transcript\n" + transcript);
        String errors = Files.readString(err, StandardCharsets.UTF_8);
        if (!errors.isBlank()) System.out.println("---- " + client() + " transcript's stderr\n" + errors);
        assertEquals(0, p.exitValue(), client() + " transcript failed: " + errors);
        Map<String, List<JsonNode>> steps = new LinkedHashMap<>();
        JSON.readerFor(JsonNode.class).<JsonNode>readValues(transcript).forEachRemaining(s ->
                steps.computeIfAbsent(s.path("step").asText(), k -> new ArrayList<>()).add(s.has("unsupported") ? s : s.path("response")));
        return steps;
    }

    void createStateMachine(JsonNode created) {
        assertTrue(created.path("stateMachineArn").asText().matches(
                "arn:aws:states:us-east-1:000000000000:stateMachine:transcript-" + client() + "-\\d+"), created::toString);
        assertFalse(created.path("creationDate").isMissingNode(), created::toString);
    }

    void describeExecutions(Map<String, List<JsonNode>> steps) throws Exception {
        JsonNode ok = steps.get("describe-execution").get(0);
        assertEquals("SUCCEEDED", ok.path("status").asText(), ok::toString);
        assertEquals("ok", ok.path("name").asText());
        assertEquals(JSON.readTree("{\"wait\":0,\"fail\":false,\"greeting\":\"hello\"}"), JSON.readTree(ok.path("output").asText()));
        assertFalse(ok.path("stopDate").isMissingNode(), ok::toString);

        JsonNode failed = steps.get("describe-failed-execution").get(0);
        assertEquals("FAILED", failed.path("status").asText(), failed::toString);
        assertEquals("Transcript.Failed", failed.path("error").asText());
        assertEquals("the input asked to fail", failed.path("cause").asText());

        assertFalse(steps.get("stop-execution").get(0).path("stopDate").isMissingNode(), steps.get("stop-execution")::toString);
        JsonNode stopped = steps.get("describe-stopped-execution").get(0);
        assertEquals("ABORTED", stopped.path("status").asText(), stopped::toString);
        assertEquals("Transcript.Stopped", stopped.path("error").asText());
        assertEquals("stopped by the transcript", stopped.path("cause").asText());
    }

    void historyInPagesOfTwo(List<JsonNode> pages) {
        List<String> types = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            JsonNode page = pages.get(i);
            assertTrue(page.path("events").size() <= 2, () -> "a page of at most 2 events: " + page);
            assertEquals(i < pages.size() - 1, page.hasNonNull("nextToken"), () -> "nextToken on every page but the last: " + page);
            page.path("events").forEach(e -> {
                types.add(e.path("type").asText());
                ids.add(e.path("id").asInt());
            });
        }
        assertEquals(List.of("ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited",
                "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"), types);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), ids);
        assertEquals(5, pages.size());
    }

    void listExecutions(JsonNode listed) {
        Map<String, String> statusByName = new TreeMap<>();
        listed.path("executions").forEach(e -> statusByName.put(e.path("name").asText(), e.path("status").asText()));
        assertEquals(Map.of("fails", "FAILED", "long", "ABORTED", "ok", "SUCCEEDED"), statusByName);
    }

    void startSyncExecution(JsonNode sync) throws Exception {
        assertEquals("SUCCEEDED", sync.path("status").asText(), sync::toString);
        assertTrue(sync.path("executionArn").asText().startsWith(
                "arn:aws:states:us-east-1:000000000000:express:transcript-" + client() + "-express-"), sync::toString);
        assertEquals(JSON.readTree("{\"wait\":0,\"fail\":false,\"greeting\":\"hello\"}"), JSON.readTree(sync.path("output").asText()));
    }

    void putEvents(JsonNode put) {
        assertEquals(1, put.path("FailedEntryCount").asInt(), put::toString);
        assertTrue(put.path("Entries").get(0).path("EventId").asText().matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"), put::toString);
        assertEquals("MalformedDetail", put.path("Entries").get(1).path("ErrorCode").asText(), put::toString);
        assertEquals("Detail is malformed.", put.path("Entries").get(1).path("ErrorMessage").asText());
        assertTrue(put.path("Entries").get(1).path("EventId").isMissingNode(), put::toString);
    }

    void dedicatedBusAndItsRules(Map<String, List<JsonNode>> steps) throws Exception {
        String bus = stack.endpoints().name("ReplayRequestBus");
        JsonNode described = steps.get("describe-event-bus").get(0);
        assertEquals(bus, described.path("Name").asText(), described::toString);
        assertEquals("arn:aws:events:us-east-1:000000000000:event-bus/" + bus, described.path("Arn").asText());
        assertEquals("events:PutEvents", JSON.readTree(described.path("Policy").asText()).path("Statement").get(0).path("Action").asText());
        // CreationTime and LastModifiedTime are served too, but clients older than 2024 drop them (EventBridgeServerTest checks them)

        JsonNode rules = steps.get("list-rules").get(0).path("Rules");
        assertEquals(1, rules.size(), rules::toString);
        JsonNode rule = steps.get("describe-rule").get(0);
        assertEquals(rules.get(0).path("Name").asText(), rule.path("Name").asText());
        assertEquals("arn:aws:events:us-east-1:000000000000:rule/" + bus + "/" + rule.path("Name").asText(), rule.path("Arn").asText());
        assertEquals(bus, rule.path("EventBusName").asText());
        assertEquals("ENABLED", rule.path("State").asText());
        assertEquals("000000000000", rule.path("CreatedBy").asText());
        assertEquals(JSON.readTree("{\"source\":[\"playback\"],\"detail-type\":[\"ReplayRequested\"]}"),
                JSON.readTree(rule.path("EventPattern").asText()));
    }

    void redriveAndTestState(Map<String, List<JsonNode>> steps) throws Exception {
        for (String op : List.of("redrive-execution", "test-state")) {
            JsonNode s = steps.get(op).get(0);
            // an installed client too old for the operation is not a missing client: skipped, naming the version, even
            // where the clients are required (the JavaScript SDK, pinned by its lockfile, always runs these steps)
            Assumptions.assumeFalse(s.has("unsupported"), () -> client() + " transcript: " + s.path("unsupported").asText()
                    + " has no " + op + " (added to AWS in 2023); every step before it was checked; a newer client runs it: skipped");
        }
        JsonNode redriven = steps.get("redrive-execution").get(0);
        assertFalse(redriven.path("redriveDate").isMissingNode(), redriven::toString);
        JsonNode after = steps.get("describe-redriven-execution").get(0);
        assertEquals("FAILED", after.path("status").asText(), "the Fail state fails again on the redrive: " + after);
        assertEquals(1, after.path("redriveCount").asInt(), after::toString);
        assertFalse(after.path("redriveDate").isMissingNode(), after::toString);

        JsonNode tested = steps.get("test-state").get(0);
        assertEquals("SUCCEEDED", tested.path("status").asText(), tested::toString);
        assertEquals(JSON.readTree("{\"n\":1,\"result\":{\"doubled\":2}}"), JSON.readTree(tested.path("output").asText()));
        assertEquals(JSON.readTree("{\"doubled\":2}"), JSON.readTree(tested.path("inspectionData").path("afterParameters").asText()),
                tested::toString);
    }
}

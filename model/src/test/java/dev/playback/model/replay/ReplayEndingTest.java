package dev.playback.model.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.store.Generations;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.created;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.replay.CounterReplays.COUNT;
import static dev.playback.model.replay.CounterReplays.TALLY;
import static dev.playback.model.replay.CounterReplays.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How replays end: a failure from the state machine, an execution's status change, the scheduled reconcile, a rollback. */
class ReplayEndingTest {
    private final CounterReplays world = new CounterReplays();

    private void startedRebuild(String execution) {
        world.live(created("a1", "acc-1"), added("a2", "acc-1", "1.00"));
        world.publishAll(world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"processors\":[\"count\"]}"), execution));
    }

    @Test
    void shouldEndARebuildAndDropItsGeneration_whenItFails() {
        startedRebuild("arn:exec:1");
        world.deliver();
        assertTrue(world.states.load(COUNT, "g1", "acc-1").isPresent());

        ObjectNode out = world.actions.fail(json("{\"replayId\":\"r-1\",\"execution\":\"arn:exec:1\",\"error\":{\"Error\":\"Lambda.Unknown\","
                + "\"Cause\":\"{\\\"errorMessage\\\":\\\"java.lang.IllegalStateException: disk full\\\"}\"}}"));

        assertEquals("rebuild r-1 failed: Lambda.Unknown: disk full; it has ended and its generation g1 was dropped: start a new replay "
                + "(another replayId)", out.get("cause").asText());
        assertTrue(out.get("recorded").asBoolean());
        assertEquals("r-1", out.get("replayId").asText());
        assertEquals("FAILED", out.get("status").asText());
        assertEquals("Lambda.Unknown: disk full", out.get("error").asText());
        Replay r = world.replays.find("r-1").orElseThrow();
        assertEquals(ReplayStatus.FAILED, r.status());
        assertEquals("Lambda.Unknown: disk full", r.detail());
        assertEquals(new Generations("g0", null, Set.of()), world.states.generations(COUNT));
        assertTrue(world.states.load(COUNT, "g1", "acc-1").isEmpty());
        assertTrue(world.states.load(COUNT, "g0", "acc-1").isPresent());
    }

    @Test
    void shouldFindTheReplayByItsExecution_whenTheStateNamesNoReplayId() {
        startedRebuild("arn:exec:1");

        ObjectNode out = world.actions.fail(json("{\"execution\":\"arn:exec:1\",\"error\":\"plain text\"}"));

        assertEquals("r-1", out.get("replayId").asText());
        assertEquals("plain text", out.get("error").asText());
    }

    @Test
    void shouldKeepTheChildsOwnFailure_whenTheMapRunFailedWithoutACause() {
        startedRebuild("arn:exec:1");
        Replay r = world.replays.find("r-1").orElseThrow();
        world.replays.update(r.withStatus(ReplayStatus.FAILED, "segment 2: boom"));

        ObjectNode out = world.actions.fail(json("{\"replayId\":\"r-1\",\"error\":{\"Error\":\"States.ExceedToleratedFailureThreshold\",\"Cause\":\"x\"}}"));

        assertEquals("segment 2: boom", out.get("error").asText());
        ObjectNode other = world.actions.fail(json("{\"replayId\":\"r-1\",\"error\":{\"Error\":\"States.Timeout\",\"Cause\":\"late\"}}"));
        assertEquals("States.Timeout: late", other.get("error").asText());
    }

    @Test
    void shouldRecordNothing_whenTheReplayWasNeverRecordedOrIsRunByAnotherExecution() {
        ObjectNode unknown = world.actions.fail(json("{\"replayId\":\"r-none\"}"));
        assertFalse(unknown.get("recorded").asBoolean());
        assertEquals("the replay failed before it was recorded: failed", unknown.get("cause").asText());
        ObjectNode invalid = world.actions.fail(json("{\"replayId\":\"bad id!\"}"));
        assertFalse(invalid.get("recorded").asBoolean());

        startedRebuild("arn:exec:2");
        ObjectNode stale = world.actions.fail(json("{\"replayId\":\"r-1\",\"execution\":\"arn:exec:1\",\"error\":null}"));

        assertFalse(stale.get("recorded").asBoolean());
        assertEquals("execution arn:exec:1 of replay r-1 failed: failed; the replay is run by execution arn:exec:2 and goes on there",
                stale.get("cause").asText());
        assertEquals(ReplayStatus.RUNNING, world.replays.find("r-1").orElseThrow().status());
    }

    @Test
    void shouldKeepAPartialReplaysProgress_whenItFails() {
        world.live(created("a1", "acc-1"));
        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\"]}"));

        ObjectNode out = world.actions.fail(json("{\"request\":{\"replayId\":\"p-1\"},\"error\":{\"Error\":\"E\",\"Cause\":\"c\"}}"));

        assertEquals("partial replay p-1 failed: E: c; its progress is kept: start it again with the same replayId to resume", out.get("cause").asText());
        assertEquals(ReplayStatus.FAILED, world.replays.find("p-1").orElseThrow().status());
    }

    @Test
    void shouldTellWhatWentWrong_fromACatchsError() {
        assertEquals("failed", ReplayActions.detail(json("{}").path("error")));
        assertEquals("failed", ReplayActions.detail(json("{\"error\":null}").get("error")));
        assertEquals("just text", ReplayActions.detail(json("{\"error\":\"just text\"}").get("error")));
        assertEquals("error: ", ReplayActions.detail(json("{}")));
        assertEquals("States.TaskFailed: inner: Not.a.prefix: x", ReplayActions.detail(json("{\"Error\":\"States.TaskFailed\","
                + "\"Cause\":\"java.util.concurrent.CompletionException: java.lang.IllegalStateException: inner: Not.a.prefix: x\"}")));
        assertEquals("E: {\"other\":1}", ReplayActions.detail(json("{\"Error\":\"E\",\"Cause\":\"{\\\"other\\\":1}\"}")));
    }

    @Test
    void shouldEndTheReplayItRan_whenAnExecutionStopsFailsOrTimesOut() {
        startedRebuild("arn:exec:1");

        ObjectNode out = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:1\",\"status\":\"ABORTED\",\"error\":\"E\",\"cause\":\"stopped by ada\"}}"));

        assertTrue(out.get("ended").asBoolean());
        assertEquals("arn:exec:1", out.get("execution").asText());
        assertEquals("ABORTED", out.get("executionStatus").asText());
        assertEquals("r-1", out.get("replayId").asText());
        assertEquals("ABORTED", out.get("status").asText());
        assertEquals("replay r-1 ended ABORTED (execution arn:exec:1 ABORTED: E stopped by ada); generation g1 dropped", out.get("summary").asText());
        Replay r = world.replays.find("r-1").orElseThrow();
        assertEquals(ReplayStatus.ABORTED, r.status());
        assertEquals("execution arn:exec:1 ABORTED: E stopped by ada", r.detail());
        assertEquals(Set.of(), world.states.generations(COUNT).building());

        ObjectNode again = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:1\",\"status\":\"TIMED_OUT\"}}"));
        assertTrue(again.get("ended").asBoolean());
        assertEquals("ABORTED", again.get("status").asText(), "an ended replay keeps how it ended");
        assertEquals("replay r-1 ended ABORTED (execution arn:exec:1 TIMED_OUT); generation g1 dropped", again.get("summary").asText());
        assertEquals("execution arn:exec:1 ABORTED: E stopped by ada", world.replays.find("r-1").orElseThrow().detail());
    }

    @Test
    void shouldEndAsFailed_whenTheExecutionFailedOrTimedOut() {
        startedRebuild("arn:exec:1");

        ObjectNode out = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:1\",\"status\":\"TIMED_OUT\"}}"));

        assertEquals("FAILED", out.get("status").asText());
        assertEquals(ReplayStatus.FAILED, world.replays.find("r-1").orElseThrow().status());
    }

    @Test
    void shouldLeaveTheReplay_whenNothingAboutItEnded() {
        ObjectNode succeeded = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:1\",\"status\":\"SUCCEEDED\"}}"));
        assertFalse(succeeded.get("ended").asBoolean());
        assertEquals("execution arn:exec:1 SUCCEEDED: nothing to end", succeeded.get("summary").asText());
        ObjectNode noArn = world.actions.executionEnded(json("{\"detail\":{\"status\":\"FAILED\"}}"));
        assertFalse(noArn.get("ended").asBoolean());
        ObjectNode unknown = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:9\",\"status\":\"FAILED\"}}"));
        assertEquals("execution arn:exec:9 FAILED before it recorded a replay: nothing to end", unknown.get("summary").asText());

        startedRebuild("arn:exec:2");
        ObjectNode other = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:1\",\"status\":\"FAILED\","
                + "\"input\":\"{\\\"replayId\\\":\\\"r-1\\\"}\"}}"));
        assertFalse(other.get("ended").asBoolean());
        assertEquals("execution arn:exec:1 FAILED; replay r-1 is left as it is: it is run by execution arn:exec:2", other.get("summary").asText());
        assertEquals(ReplayStatus.RUNNING, world.replays.find("r-1").orElseThrow().status());
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class, () -> world.actions.executionEnded(
                json("{\"detail\":{\"executionArn\":\"arn:exec:7\",\"status\":\"FAILED\",\"input\":\"{not json\"}}")));
        assertTrue(notJson.getMessage().startsWith("the execution's input is not JSON: "), notJson.getMessage());
    }

    @Test
    void shouldLeaveASucceededReplayOrAnEndedPartialOne() {
        world.live(created("a1", "acc-1"));
        world.run("rebuild", request("{\"replayId\":\"r-1\",\"processors\":[\"count\"]}"));
        world.replays.runBy("r-1", "arn:exec:1");
        ObjectNode done = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:1\",\"status\":\"FAILED\"}}"));
        assertEquals("execution arn:exec:1 FAILED; replay r-1 is left as it is: it succeeded", done.get("summary").asText());

        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\"]}"), "arn:exec:p");
        ObjectNode running = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:p\",\"status\":\"FAILED\",\"input\":\"{\\\"request\\\":{\\\"replayId\\\":\\\"p-1\\\"}}\"}}"));
        assertTrue(running.get("ended").asBoolean());
        assertEquals("replay p-1 ended FAILED (execution arn:exec:p FAILED)", running.get("summary").asText());
        assertEquals(ReplayStatus.FAILED, world.replays.find("p-1").orElseThrow().status());
        ObjectNode again = world.actions.executionEnded(json("{\"detail\":{\"executionArn\":\"arn:exec:p\",\"status\":\"ABORTED\",\"input\":\"{\\\"replayId\\\":\\\"p-1\\\"}\"}}"));
        assertEquals("execution arn:exec:p ABORTED; replay p-1 is left as it is: it is FAILED", again.get("summary").asText());
    }

    @Test
    void shouldEndTheReplaysWhoseExecutionStoppedUnseen_whenReconciling() {
        startedRebuild("arn:exec:1");
        world.actions.prepare("verify", request("{\"replayId\":\"v-1\",\"processors\":[\"count\",\"tally\"]}"), "arn:exec:v");
        Map<String, Executions.Status> known = Map.of("arn:exec:1", new Executions.Status("FAILED", "E", "C"),
                "arn:exec:v", new Executions.Status("RUNNING", null, null));

        ObjectNode out = world.actions.reconcile(arn -> Optional.ofNullable(known.get(arn)));

        assertEquals(2, out.get("checked").asInt(), "v-1 is checked once although two processors build its shadow");
        assertEquals("[\"replay r-1 ended FAILED (execution arn:exec:1 FAILED: E C); generation g1 dropped\"]", out.get("ended").toString());
        assertEquals("reconcile: 2 running replays checked, 1 ended: replay r-1 ended FAILED (execution arn:exec:1 FAILED: E C); generation g1 dropped",
                out.get("summary").asText());
        assertEquals(ReplayStatus.RUNNING, world.replays.find("v-1").orElseThrow().status());
        ObjectNode quiet = world.actions.reconcile(arn -> Optional.empty());
        assertEquals("reconcile: 1 running replays checked, 0 ended", quiet.get("summary").asText());
        assertTrue(new Executions.Status("PENDING_REDRIVE", null, null).running());
        assertFalse(new Executions.Status("SUCCEEDED", null, null).running());
    }

    @Test
    void shouldRollEveryProcessorBack_toItsPreviousGeneration() {
        world.live(created("a1", "acc-1"));
        world.run("rebuild", request("{\"replayId\":\"r-1\"}"));

        ObjectNode out = world.actions.rollback(request("{\"processors\":[\"tally\"]}"));

        assertEquals("{\"processors\":[{\"processor\":\"tally\",\"active\":\"g0\",\"previous\":\"g1\"}]}", out.toString());
        assertEquals(new Generations("g0", "g1", Set.of()), world.states.generations(TALLY));
        assertEquals(new Generations("g1", "g0", Set.of()), world.states.generations(COUNT));
    }

    @Test
    void shouldRefuseARollback_whenAProcessorHasNoPreviousOrItsGenerationsMove() {
        world.live(created("a1", "acc-1"));
        world.run("rebuild", request("{\"replayId\":\"r-1\",\"processors\":[\"count\"]}"));

        IllegalStateException none = assertThrows(IllegalStateException.class, () -> world.actions.rollback(request("{}")));

        assertEquals("processor tally has no previous generation to roll back to", none.getMessage());
        assertEquals("g1", world.states.generations(COUNT).active(), "nothing was rolled back");
        ReplayActions moving = world.seeing(world.replays, new dev.playback.model.store.ForwardingStateStore(world.states) {
            @Override
            public boolean activate(String processor, String expectedActive, String generation) {
                return false;
            }
        }, world.ports.publishBudget());
        IllegalStateException moved = assertThrows(IllegalStateException.class, () -> moving.rollback(request("{\"processors\":[\"count\"]}")));
        assertEquals("the generations of count changed during the rollback; nothing more was rolled back", moved.getMessage());
    }

    @Test
    void shouldReadAListOfIds_orNameTheField() {
        assertEquals(List.of("a", "b"), ReplayActions.list(json("{\"x\":[\"a\",\"b\"]}").get("x"), "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplayActions.list(json("{\"x\":1}").get("x"), "chunk"));
        assertEquals("field 'chunk' must be an array of aggregate ids", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReplayActions.list(null, "chunk"));
    }

    @Test
    void shouldRefuseToFinishAPartialReplay() {
        world.live(created("a1", "acc-1"));
        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\"]}"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.actions.finish("p-1"));

        assertEquals("replay 'p-1' is a partial replay; it ends with partialReport, not finish", e.getMessage());
    }
}

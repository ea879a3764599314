package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ExecutionGraphTest {
    /** Start → Publish (a Map whose iterations run PublishSegment) → Wait → Switch; Publish catches into Failed. */
    private static final String DEFINITION = """
            {"StartAt":"Start","States":{
              "Start":{"Type":"Task","Resource":"arn:fn","Next":"Publish"},
              "Publish":{"Type":"Map","ItemProcessor":{"StartAt":"PublishSegment","States":{
                  "PublishSegment":{"Type":"Task","Resource":"arn:fn","End":true}}},
                "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}],"Next":"Wait"},
              "Wait":{"Type":"Task","Resource":"arn:fn","Next":"Switch"},
              "Switch":{"Type":"Task","Resource":"arn:fn","End":true},
              "Failed":{"Type":"Fail","Error":"Playback.ReplayFailed"}}}""";

    private final List<HistoryEvent> history = new ArrayList<>();

    private static JsonNode definition() throws Exception {
        return new ObjectMapper().readTree(DEFINITION);
    }

    private ExecutionGraphTest add(HistoryEventType type) {
        history.add(HistoryEvent.builder().id((long) history.size() + 1).type(type).timestamp(Instant.parse("2026-12-05T03:00:00Z")).build());
        return this;
    }

    private ExecutionGraphTest entered(HistoryEventType type, String state) {
        history.add(HistoryEvent.builder().id((long) history.size() + 1).type(type).timestamp(Instant.parse("2026-12-05T03:00:00Z"))
                .stateEnteredEventDetails(d -> d.name(state)).build());
        return this;
    }

    private ExecutionGraphTest exited(HistoryEventType type, String state) {
        history.add(HistoryEvent.builder().id((long) history.size() + 1).type(type).timestamp(Instant.parse("2026-12-05T03:00:01Z"))
                .stateExitedEventDetails(d -> d.name(state)).build());
        return this;
    }

    private ExecutionGraphTest task(String state) {
        return entered(HistoryEventType.TASK_STATE_ENTERED, state).add(HistoryEventType.TASK_SCHEDULED)
                .add(HistoryEventType.TASK_SUCCEEDED).exited(HistoryEventType.TASK_STATE_EXITED, state);
    }

    private ExecutionGraphTest publishWithTwoIterations() {
        entered(HistoryEventType.MAP_STATE_ENTERED, "Publish").add(HistoryEventType.MAP_STATE_STARTED);
        for (int i = 0; i < 2; i++) {
            add(HistoryEventType.MAP_ITERATION_STARTED).task("PublishSegment").add(HistoryEventType.MAP_ITERATION_SUCCEEDED);
        }
        return add(HistoryEventType.MAP_STATE_SUCCEEDED).exited(HistoryEventType.MAP_STATE_EXITED, "Publish");
    }

    @Test
    void a_running_execution_marks_the_state_entered_and_not_exited_as_current_and_the_ones_before_as_succeeded() throws Exception {
        add(HistoryEventType.EXECUTION_STARTED).task("Start").publishWithTwoIterations()
                .entered(HistoryEventType.TASK_STATE_ENTERED, "Wait").add(HistoryEventType.TASK_SCHEDULED);

        ExecutionGraph.Summary s = ExecutionGraph.summarise(definition(), history);

        assertEquals(Map.of("Start", new ExecutionGraph.StateStatus("succeeded", 1), "Publish", new ExecutionGraph.StateStatus("succeeded", 1),
                "Wait", new ExecutionGraph.StateStatus("running", 1)), s.states());
        assertEquals(List.of("Wait"), s.current());
        assertNull(s.failed());
    }

    @Test
    void a_state_inside_a_map_counts_for_its_top_level_state_which_runs_while_its_iterations_do() throws Exception {
        add(HistoryEventType.EXECUTION_STARTED).task("Start").entered(HistoryEventType.MAP_STATE_ENTERED, "Publish")
                .add(HistoryEventType.MAP_STATE_STARTED).add(HistoryEventType.MAP_ITERATION_STARTED)
                .entered(HistoryEventType.TASK_STATE_ENTERED, "PublishSegment").add(HistoryEventType.TASK_SCHEDULED);

        ExecutionGraph.Summary s = ExecutionGraph.summarise(definition(), history);

        assertEquals(List.of("Publish"), s.current());
        assertEquals(new ExecutionGraph.StateStatus("running", 1), s.states().get("Publish"));
        assertEquals(List.of("Start", "Publish"), List.copyOf(s.states().keySet()), "PublishSegment is no state of its own");
    }

    @Test
    void a_failure_inside_a_map_that_ends_the_execution_fails_the_map_state() throws Exception {
        add(HistoryEventType.EXECUTION_STARTED).task("Start").entered(HistoryEventType.MAP_STATE_ENTERED, "Publish")
                .add(HistoryEventType.MAP_ITERATION_STARTED).entered(HistoryEventType.TASK_STATE_ENTERED, "PublishSegment")
                .add(HistoryEventType.TASK_SCHEDULED).add(HistoryEventType.TASK_FAILED).add(HistoryEventType.MAP_ITERATION_FAILED)
                .add(HistoryEventType.MAP_STATE_FAILED).add(HistoryEventType.EXECUTION_FAILED);

        ExecutionGraph.Summary s = ExecutionGraph.summarise(definition(), history);

        assertEquals("Publish", s.failed());
        assertEquals(new ExecutionGraph.StateStatus("failed", 1), s.states().get("Publish"));
        assertEquals(List.of(), s.current());
    }

    @Test
    void a_failure_a_catch_led_on_from_marks_the_state_caught_and_the_fail_state_failed() throws Exception {
        add(HistoryEventType.EXECUTION_STARTED).task("Start").entered(HistoryEventType.MAP_STATE_ENTERED, "Publish")
                .add(HistoryEventType.MAP_ITERATION_STARTED).entered(HistoryEventType.TASK_STATE_ENTERED, "PublishSegment")
                .add(HistoryEventType.TASK_SCHEDULED).add(HistoryEventType.TASK_FAILED).add(HistoryEventType.MAP_STATE_FAILED)
                .exited(HistoryEventType.MAP_STATE_EXITED, "Publish").entered(HistoryEventType.FAIL_STATE_ENTERED, "Failed")
                .add(HistoryEventType.EXECUTION_FAILED);

        ExecutionGraph.Summary s = ExecutionGraph.summarise(definition(), history);

        assertEquals(new ExecutionGraph.StateStatus("caught", 1), s.states().get("Publish"));
        assertEquals(new ExecutionGraph.StateStatus("failed", 1), s.states().get("Failed"));
        assertEquals("Failed", s.failed());
    }

    @Test
    void a_task_that_failed_and_succeeded_on_a_retry_succeeded() throws Exception {
        add(HistoryEventType.EXECUTION_STARTED).entered(HistoryEventType.TASK_STATE_ENTERED, "Start").add(HistoryEventType.TASK_SCHEDULED)
                .add(HistoryEventType.TASK_FAILED).add(HistoryEventType.TASK_SCHEDULED).add(HistoryEventType.TASK_SUCCEEDED)
                .exited(HistoryEventType.TASK_STATE_EXITED, "Start").entered(HistoryEventType.MAP_STATE_ENTERED, "Publish");

        ExecutionGraph.Summary s = ExecutionGraph.summarise(definition(), history);

        assertEquals(new ExecutionGraph.StateStatus("succeeded", 1), s.states().get("Start"));
        assertEquals(List.of("Publish"), s.current());
    }

    @Test
    void a_state_entered_again_counts_its_entries() throws Exception {
        add(HistoryEventType.EXECUTION_STARTED).task("Start").task("Wait").task("Wait").task("Wait")
                .entered(HistoryEventType.TASK_STATE_ENTERED, "Switch").add(HistoryEventType.EXECUTION_ABORTED);

        ExecutionGraph.Summary s = ExecutionGraph.summarise(definition(), history);

        assertEquals(new ExecutionGraph.StateStatus("succeeded", 3), s.states().get("Wait"));
        assertEquals("Switch", s.failed(), "an aborted execution stops in the state it was in");
    }

    @Test
    void the_history_shows_the_last_hundred_events_with_their_state_and_a_failures_error_and_cause() throws Exception {
        add(HistoryEventType.EXECUTION_STARTED);
        for (int i = 0; i < 30; i++) task("Wait");
        history.add(HistoryEvent.builder().id(122L).type(HistoryEventType.EXECUTION_FAILED).timestamp(Instant.parse("2026-12-05T03:00:02Z"))
                .executionFailedEventDetails(d -> d.error("Playback.ReplayFailed").cause("processor balances gave up")).build());

        JsonNode shown = ExecutionGraph.history(history);

        assertEquals(100, shown.size());
        assertEquals(23, shown.get(0).path("id").asLong());
        JsonNode last = shown.get(99);
        assertEquals("ExecutionFailed", last.path("type").asText());
        assertEquals("Playback.ReplayFailed: processor balances gave up", last.path("detail").asText());
        assertEquals("Wait", shown.get(98).path("state").asText());
        assertEquals("2026-12-05T03:00:02Z", last.path("timestamp").asText());
    }
}

package dev.playback.tools.cli;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Which replay an execution of the replay machines ran, also when it was started without a replayId. */
class ReplayExecutionsTest {
    private static final String ARN = "arn:aws:states:us-east-1:000000000000:execution:VerifyStateMachine:nightly-1";

    private static DescribeExecutionResponse execution(String input, String output) {
        return DescribeExecutionResponse.builder().executionArn(ARN).name("nightly-1").input(input).output(output).build();
    }

    private static HistoryEvent exited(String output) {
        return HistoryEvent.builder().type(HistoryEventType.TASK_STATE_EXITED).stateExitedEventDetails(d -> d.name("Prepare").output(output)).build();
    }

    @Test
    void an_execution_started_with_a_replay_id_names_it_in_its_input() {
        Optional<String> id = ReplayExecutions.replayIdOf(execution("{\"replayId\":\"r-9\",\"segments\":2}", null),
                arn -> fail("no pointer needed"), arn -> fail("no history needed"));
        assertEquals(Optional.of("r-9"), id);
    }

    @Test
    void a_partial_replay_started_by_the_ReplayRequested_rule_names_it_in_the_request() {
        Optional<String> id = ReplayExecutions.replayIdOf(execution("{\"request\":{\"replayId\":\"p-3\"},\"event\":{\"id\":\"e\"}}", null),
                arn -> fail("no pointer needed"), arn -> fail("no history needed"));
        assertEquals(Optional.of("p-3"), id);
    }

    @Test
    void an_execution_started_without_a_replay_id_is_found_through_the_pointer_the_replay_function_wrote() {
        Map<String, String> pointers = Map.of(ARN, "r-20261201-030000-00ab12");
        Optional<String> id = ReplayExecutions.replayIdOf(execution("{\"reportOnly\":false,\"requestedBy\":\"schedule:VerifyStateMachine.Nightly\"}", null),
                arn -> Optional.ofNullable(pointers.get(arn)), arn -> fail("no history needed"));
        assertEquals(Optional.of("r-20261201-030000-00ab12"), id);
    }

    @Test
    void without_a_pointer_the_output_or_else_the_first_state_that_names_the_replay_tells() {
        assertEquals(Optional.of("p-out"), ReplayExecutions.replayIdOf(execution("{\"segments\":2}", "{\"replayId\":\"p-out\",\"rebuilt\":3}"),
                arn -> Optional.empty(), arn -> fail("no history needed")));
        List<HistoryEvent> history = List.of(
                HistoryEvent.builder().type(HistoryEventType.EXECUTION_STARTED).build(),
                exited("{\"segments\":[0,1]}"),
                HistoryEvent.builder().type(HistoryEventType.TASK_SUCCEEDED)
                        .taskSucceededEventDetails(d -> d.resourceType("lambda").resource("invoke").output("{\"Payload\":{\"replayId\":\"p-hist\"},\"StatusCode\":200}")).build(),
                exited("{\"replayId\":\"later\"}"));
        assertEquals(Optional.of("p-hist"), ReplayExecutions.replayIdOf(execution("{\"segments\":2}", null), arn -> Optional.empty(), arn -> history));
    }

    @Test
    void an_execution_whose_first_task_has_not_run_names_no_replay_yet() {
        assertEquals(Optional.empty(), ReplayExecutions.replayIdOf(execution("{\"segments\":2}", null), arn -> Optional.empty(),
                arn -> List.of(HistoryEvent.builder().type(HistoryEventType.EXECUTION_STARTED).build())));
    }

    @Test
    void an_execution_arn_is_told_from_a_name() {
        assertTrue(ReplayExecutions.isExecutionArn(ARN));
        assertTrue(ReplayExecutions.isExecutionArn("arn:aws:states:eu-west-1:111122223333:express:VerifyStateMachine-x:n:execution:y"));
        assertFalse(ReplayExecutions.isExecutionArn("nightly-1"));
        assertFalse(ReplayExecutions.isExecutionArn("arn:aws:states:us-east-1:000000000000:stateMachine:VerifyStateMachine"));
    }
}

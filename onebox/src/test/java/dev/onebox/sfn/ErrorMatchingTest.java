package dev.onebox.sfn;

import dev.onebox.sfn.asl.Errors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ErrorEquals wildcards as the Amazon States Language defines them. */
class ErrorMatchingTest {
    @Test
    void statesAllMatchesEverythingButRuntimeAndDataLimit() {
        assertTrue(Errors.matches("States.ALL", "java.lang.RuntimeException"));
        assertTrue(Errors.matches("States.ALL", "States.Timeout"));
        assertFalse(Errors.matches("States.ALL", "States.Runtime"));
        assertFalse(Errors.matches("States.ALL", "States.DataLimitExceeded"));
    }

    @Test
    void taskFailedMatchesEverythingButTimeout() {
        assertTrue(Errors.matches("States.TaskFailed", "Lambda.ServiceException"));
        assertTrue(Errors.matches("States.TaskFailed", "States.HeartbeatTimeout"));
        assertFalse(Errors.matches("States.TaskFailed", "States.Timeout"));
    }

    @Test
    void namesOtherwiseMatchExactly() {
        assertTrue(Errors.matches("DynamoDB.ConditionalCheckFailedException", "DynamoDB.ConditionalCheckFailedException"));
        assertFalse(Errors.matches("Lambda.ServiceException", "Lambda.TooManyRequestsException"));
    }
}

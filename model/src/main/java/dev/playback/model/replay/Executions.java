package dev.playback.model.replay;

import java.util.Optional;

/** Where a Step Functions execution stands (DescribeExecution): what the replay function's scheduled reconcile asks for each running replay. */
public interface Executions {
    /** An execution's status ({@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code TIMED_OUT}, {@code ABORTED}, …), error and cause. */
    record Status(String status, String error, String cause) {
        public boolean running() {
            return "RUNNING".equals(status) || "PENDING_REDRIVE".equals(status);
        }
    }

    /** The execution's status; empty when Step Functions does not know it. */
    Optional<Status> describe(String executionArn);
}

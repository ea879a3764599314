package dev.onebox.sfn;

import java.time.Instant;

/**
 * What DescribeExecution returns. {@code output} is JSON text, present when SUCCEEDED; {@code redriveCount} is how
 * often RedriveExecution restarted it, {@code redriveDate} when it last did (null before the first redrive).
 */
public record ExecutionDescription(String executionArn, String name, String stateMachineArn, String stateMachineName,
                                   ExecutionStatus status, String input, String output, String error, String cause,
                                   Instant startDate, Instant stopDate, int redriveCount, Instant redriveDate) {

    /** An execution never redriven. */
    public ExecutionDescription(String executionArn, String name, String stateMachineArn, String stateMachineName,
                                ExecutionStatus status, String input, String output, String error, String cause,
                                Instant startDate, Instant stopDate) {
        this(executionArn, name, stateMachineArn, stateMachineName, status, input, output, error, cause, startDate,
                stopDate, 0, null);
    }
}

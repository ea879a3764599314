package dev.onebox.sfn;

import java.time.Instant;

/** What DescribeExecution returns. {@code output} is JSON text, present when SUCCEEDED. */
public record ExecutionDescription(String executionArn, String name, String stateMachineArn, String stateMachineName,
                                   ExecutionStatus status, String input, String output, String error, String cause,
                                   Instant startDate, Instant stopDate) {
}

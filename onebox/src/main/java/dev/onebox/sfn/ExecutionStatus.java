package dev.onebox.sfn;

/** The status values of DescribeExecution. */
public enum ExecutionStatus {
    RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
}

package dev.onebox.sfn.asl;

/** The predefined error names of the Amazon States Language. */
public final class Errors {
    public static final String ALL = "States.ALL";
    public static final String RUNTIME = "States.Runtime";
    public static final String TIMEOUT = "States.Timeout";
    public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
    public static final String TASK_FAILED = "States.TaskFailed";
    public static final String PERMISSIONS = "States.Permissions";
    public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
    public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
    public static final String BRANCH_FAILED = "States.BranchFailed";
    public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
    public static final String INTRINSIC_FAILURE = "States.IntrinsicFailure";
    public static final String EXCEED_TOLERATED_FAILURE = "States.ExceedToleratedFailureThreshold";
    public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
    public static final String RESULT_WRITER_FAILED = "States.ResultWriterFailed";
    public static final String QUERY_EVALUATION = "States.QueryEvaluationError";
    public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";

    private Errors() {
    }

    /**
     * Whether an {@code ErrorEquals} entry matches an error name. States.ALL matches every error
     * but States.DataLimitExceeded and States.Runtime; States.TaskFailed matches every error but
     * States.Timeout (and, like States.ALL, the two that cannot be handled).
     */
    public static boolean matches(String pattern, String error) {
        if (pattern.equals(error)) {
            return true;
        }
        if (ALL.equals(pattern)) {
            return !DATA_LIMIT_EXCEEDED.equals(error) && !RUNTIME.equals(error);
        }
        if (TASK_FAILED.equals(pattern)) {
            return !TIMEOUT.equals(error) && !DATA_LIMIT_EXCEEDED.equals(error) && !RUNTIME.equals(error);
        }
        return false;
    }
}

package dev.onebox.sfn.asl;

import java.util.Map;

/**
 * Runs one item (or batch) of a DISTRIBUTED Map as a child execution (the service registers it, so it can be
 * described and its history read) and tells how it ended.
 */
@FunctionalInterface
public interface ChildExecutions {
    /** The child's status (SUCCEEDED, FAILED, TIMED_OUT or ABORTED) and output or error. */
    record Outcome(String status, Object output, String error, String cause, Map<String, Object> description) {
        public static Outcome succeeded(Object output, Map<String, Object> description) {
            return new Outcome("SUCCEEDED", output, null, null, description);
        }

        public static Outcome failed(String error, String cause, Map<String, Object> description) {
            return new Outcome("FAILED", null, error, cause, description);
        }

        public boolean succeeded() {
            return "SUCCEEDED".equals(status);
        }

        public boolean aborted() {
            return "ABORTED".equals(status);
        }
    }

    /**
     * Runs the child to its end on the calling thread. The description is the child as ResultWriter records it
     * (ExecutionArn, Input, Output or Error/Cause, Status, dates, ...), or null when it never started.
     */
    Outcome run(RunContext parent, MapRun mapRun, String mapRunName, int index, Program processor, Object input,
                boolean express);
}

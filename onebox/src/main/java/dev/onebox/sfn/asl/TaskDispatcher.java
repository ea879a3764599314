package dev.onebox.sfn.asl;

/**
 * Runs Task states' resources. Implementations raise {@link SfnException} with the error
 * name Step Functions would report (e.g. "java.lang.RuntimeException", "States.Timeout").
 */
@FunctionalInterface
public interface TaskDispatcher {
    Object execute(TaskCall call);

    /** A dispatcher for machines without Task states: every task fails clearly. */
    static TaskDispatcher none() {
        return call -> {
            throw new SfnException(Errors.RUNTIME, "No task dispatcher is configured to run resource '"
                    + call.resource() + "' (state '" + call.stateName() + "')");
        };
    }
}

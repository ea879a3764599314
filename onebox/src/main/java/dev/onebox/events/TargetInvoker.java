package dev.onebox.events;

/**
 * Delivers a rule's or schedule's input to a target, e.g. StartExecution on the local Step Functions executor
 * for a state machine ARN. Throwing means the delivery failed; it is retried per {@link RetryPolicy} and then
 * logged and recorded as a failed {@link Delivery}.
 */
@FunctionalInterface
public interface TargetInvoker {
    void deliver(String targetArn, String inputJson) throws Exception;
}

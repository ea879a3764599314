package dev.onebox.sfn.asl;

/**
 * One attempt of a Task state: the resource ARN, the evaluated parameters, and what the
 * dispatcher needs to wait (task token, timeouts) or to start child executions.
 */
public record TaskCall(String resource, Object parameters, String stateName, String taskToken,
                       Integer timeoutSeconds, Integer heartbeatSeconds, RunContext run) {

    public boolean waitForTaskToken() {
        return resource.endsWith(".waitForTaskToken");
    }
}

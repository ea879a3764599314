package dev.onebox.sfn;

import dev.onebox.sfn.asl.Program;

import java.time.Instant;

/**
 * A created state machine: its ARN, the (substituted) definition and its compiled program, and the logging and
 * tracing settings it was created (or last updated) with.
 */
public record StateMachine(String arn, String name, WorkflowType type, String definition, String roleArn,
                           Instant creationDate, Program program, LoggingConfiguration logging,
                           TracingConfiguration tracing) {

    /** A state machine with logging off and tracing disabled, as AWS creates one by default. */
    public StateMachine(String arn, String name, WorkflowType type, String definition, String roleArn,
                        Instant creationDate, Program program) {
        this(arn, name, type, definition, roleArn, creationDate, program, LoggingConfiguration.OFF,
                TracingConfiguration.DISABLED);
    }
}

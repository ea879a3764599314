package dev.onebox.sfn;

import dev.onebox.sfn.asl.Program;

import java.time.Instant;

/** A created state machine: its ARN, the (substituted) definition and its compiled program. */
public record StateMachine(String arn, String name, WorkflowType type, String definition, String roleArn,
                           Instant creationDate, Program program) {
}

package dev.onebox.sfn;

import java.util.List;
import java.util.Set;

/**
 * A state machine's {@code loggingConfiguration} as CreateStateMachine takes it: the log level (ALL, ERROR, FATAL,
 * OFF), whether execution data is logged, and the CloudWatch Logs log group ARNs it goes to. Kept and described as
 * given; onebox writes no CloudWatch logs.
 */
public record LoggingConfiguration(String level, boolean includeExecutionData, List<String> logGroupArns) {
    private static final Set<String> LEVELS = Set.of("ALL", "ERROR", "FATAL", "OFF");

    /** What AWS describes for a state machine created without one. */
    public static final LoggingConfiguration OFF = new LoggingConfiguration("OFF", false, List.of());

    public LoggingConfiguration {
        if (!LEVELS.contains(level)) {
            throw new SfnServiceException("ValidationException", "1 validation error detected: Value '" + level
                    + "' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[ALL, ERROR, FATAL, OFF]");
        }
        logGroupArns = List.copyOf(logGroupArns);
        if (!"OFF".equals(level) && logGroupArns.size() != 1) {
            throw new SfnServiceException("InvalidLoggingConfiguration",
                    "Invalid Logging Configuration: Must specify exactly one Log Destination.");
        }
    }
}

package dev.onebox.events;

import java.util.List;

/**
 * A scheduled rule as in template.yaml ({@code AWS::Events::Rule} with ScheduleExpression, or a state machine's
 * {@code Schedule} event): {@code cron(0 3 * * ? *)} or {@code rate(5 minutes)}. Times are UTC.
 */
public record Schedule(String name, String expression, List<Target> targets, boolean enabled) {
    public Schedule {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Schedule name must not be empty (expression " + expression + ")");
        }
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("Schedule " + name + ": ScheduleExpression must not be empty");
        }
        targets = List.copyOf(targets);
        if (targets.size() > 5) {
            throw new IllegalArgumentException("Schedule " + name + " has " + targets.size() + " targets; EventBridge allows at most 5");
        }
    }
}

package dev.onebox.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@code AWS::Events::Rule}: a schedule or an event pattern, and its targets; all values resolved. */
public record RuleResource(String logicalId, String name, String arn, Optional<String> scheduleExpression,
                           Optional<Map<String, Object>> eventPattern, String eventBusName, String state,
                           List<Target> targets) implements TemplateResource {
    public RuleResource {
        targets = List.copyOf(targets);
    }

    /** One target; {@code properties} holds every resolved property (Input, InputPath, InputTransformer, RoleArn, ...). */
    public record Target(String id, String arn, Optional<String> input, Map<String, Object> properties) {
    }
}

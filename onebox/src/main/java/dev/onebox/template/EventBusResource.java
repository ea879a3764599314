package dev.onebox.template;

import java.util.List;
import java.util.Map;

/**
 * An {@code AWS::Events::EventBus} and the statements of the {@code AWS::Events::EventBusPolicy} resources that name
 * it, all values resolved. Each statement is in the form of a policy document's statement ({@code Sid}, {@code Effect},
 * {@code Principal}, {@code Action}, {@code Resource}, {@code Condition}).
 */
public record EventBusResource(String logicalId, String name, String arn, List<Map<String, Object>> policy) {
    public EventBusResource {
        policy = List.copyOf(policy);
    }
}

package dev.onebox.template;

import java.util.List;
import java.util.Map;

/**
 * An {@code AWS::Serverless::Function} with {@code Globals.Function} merged in (the function's own values win;
 * environment variables are merged one by one). {@code environment} is fully resolved.
 */
public record FunctionResource(String logicalId, String functionName, String arn, String handlerClass,
                               String handlerMethod, String runtime, int timeoutSeconds, int memorySize,
                               Map<String, String> environment, List<EventSource> events) implements TemplateResource {
    public FunctionResource {
        environment = Map.copyOf(environment);
        events = List.copyOf(events);
    }

    /** The events of one kind, in template order. */
    public <T extends EventSource> List<T> events(Class<T> kind) {
        return events.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}

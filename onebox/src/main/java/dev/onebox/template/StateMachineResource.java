package dev.onebox.template;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code AWS::Serverless::StateMachine}: its definition file ({@code DefinitionUri}, resolved against the template's
 * folder) or inline {@code Definition}, the resolved {@code DefinitionSubstitutions}, its type (STANDARD or EXPRESS)
 * and its events.
 */
public record StateMachineResource(String logicalId, String name, String arn, Optional<Path> definitionUri,
                                   Optional<Object> definition, Map<String, String> definitionSubstitutions,
                                   String type, List<EventSource> events) implements TemplateResource {
    public StateMachineResource {
        definitionSubstitutions = Map.copyOf(definitionSubstitutions);
        events = List.copyOf(events);
    }
}

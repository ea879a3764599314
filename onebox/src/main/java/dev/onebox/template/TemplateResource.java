package dev.onebox.template;

/** Marker for the resource kinds the local runtime understands. */
public sealed interface TemplateResource permits TableResource, StreamResource, BucketResource, FunctionResource,
        StateMachineResource, RuleResource, TopicResource {
    String logicalId();
}

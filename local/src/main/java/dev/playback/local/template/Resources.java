package dev.playback.local.template;

/** Marker for the resource kinds the local runtime understands. */
public sealed interface Resources permits TableResource, StreamResource, BucketResource, FunctionResource,
        StateMachineResource, RuleResource {
    String logicalId();
}

package dev.onebox.template;

/** An {@code AWS::Kinesis::Stream}. */
public record StreamResource(String logicalId, String streamName, String arn, int shardCount,
                             int retentionPeriodHours) implements TemplateResource {
}

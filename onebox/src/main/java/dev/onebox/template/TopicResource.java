package dev.onebox.template;

/**
 * An {@code AWS::SNS::Topic}: its name and local ARN ({@code !Ref} gives the ARN, as on AWS). There is no SNS emulator:
 * the local runtime delivers what an EventBridge rule sends to a topic of the template as a notification line.
 */
public record TopicResource(String logicalId, String name, String arn) implements TemplateResource {
}

package dev.onebox.template;

import java.util.Locale;

/** The region, account and ARN shapes of the local stack. Handlers see these exactly as they would see real ones. */
public final class LocalNames {
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "000000000000";
    public static final String PARTITION = "aws";
    /** AWS::StackName where the caller names no stack. */
    public static final String DEFAULT_STACK_NAME = "onebox";

    private LocalNames() {
    }

    public static String tableArn(String table) {
        return "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + table;
    }

    public static String streamArn(String stream) {
        return "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + stream;
    }

    public static String bucketArn(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    public static String functionArn(String function) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + function;
    }

    public static String stateMachineArn(String stateMachine) {
        return "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:" + stateMachine;
    }

    public static String ruleArn(String rule) {
        return "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + rule;
    }

    public static String eventBusArn(String bus) {
        return "arn:aws:events:" + REGION + ":" + ACCOUNT + ":event-bus/" + bus;
    }

    public static String topicArn(String topic) {
        return "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":" + topic;
    }

    /** The last part of a stream ARN ({@code arn:aws:kinesis:...:stream/NAME}); fails on anything else. */
    public static String streamNameOf(String streamArn) {
        int at = streamArn.indexOf(":stream/");
        if (!streamArn.startsWith("arn:") || at < 0) {
            throw new IllegalArgumentException("Not a Kinesis stream ARN: " + streamArn);
        }
        return streamArn.substring(at + ":stream/".length());
    }

    /** The bucket of an S3 bucket ARN ({@code arn:aws:s3:::NAME}); fails on anything else. */
    public static String bucketNameOf(String bucketArn) {
        if (!bucketArn.startsWith("arn:aws:s3:::") || bucketArn.length() == "arn:aws:s3:::".length()) {
            throw new IllegalArgumentException("Not an S3 bucket ARN: " + bucketArn);
        }
        return bucketArn.substring("arn:aws:s3:::".length());
    }

    /**
     * A valid S3 bucket name derived from a logical id: lower case, only {@code a-z 0-9 . -}, 3 to 63 characters,
     * starting and ending with a letter or digit ({@code PayloadBucket} becomes {@code payloadbucket}).
     */
    public static String bucketNameFor(String logicalId) {
        String name = logicalId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-")
                .replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
        if (name.length() > 63) {
            name = name.substring(0, 63).replaceAll("[^a-z0-9]+$", "");
        }
        while (name.length() < 3) {
            name = name + "0";
        }
        return name;
    }
}

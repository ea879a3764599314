package dev.onebox.sfn;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * An ARN as Step Functions checks it before looking anything up: {@code arn:<partition>:<service>:<region>:<account>:
 * <resource type>:<name>...}. A malformed one, or one of another resource type than the action takes (an execution
 * ARN where a state machine ARN is expected), is refused with {@code InvalidArn}, as AWS does, naming the ARN.
 */
public record ResourceArn(String partition, String service, String region, String account, String resourceType,
                          String resource) {
    private static final Set<String> PARTITIONS = Set.of("aws", "aws-cn", "aws-us-gov");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_NAME = Pattern.compile("(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");

    /** A state machine ARN ({@code ...:stateMachine:<name>}). */
    public static ResourceArn stateMachine(String arn) {
        return states(arn, "stateMachine", 1);
    }

    /** A Standard or Express execution ARN ({@code ...:execution:<machine>:<name>}, {@code ...:express:...}). */
    public static ResourceArn execution(String arn) {
        ResourceArn a = parse(arn);
        if (!"states".equals(a.service)) {
            throw invalid("Invalid ARN service: " + arn);
        }
        if (!a.resourceType.equals("execution") && !a.resourceType.equals("express")) {
            throw invalid("Resource type not valid in this context: " + a.resourceType);
        }
        requireParts(arn, a, 2);
        return a;
    }

    /** An IAM role ARN, {@code arn:aws:iam::<12 digits>:role/<path/><name>}: what CreateStateMachine's roleArn must be. */
    public static ResourceArn role(String arn) {
        ResourceArn a = parse(arn);
        if (!"iam".equals(a.service) || !a.region.isEmpty()) {
            throw invalid("Invalid ARN service: " + arn);
        }
        int slash = a.resourceType.indexOf('/');
        String type = slash < 0 ? a.resourceType : a.resourceType.substring(0, slash);
        if (!"role".equals(type)) {
            throw invalid("Resource type not valid in this context: " + type);
        }
        String name = slash < 0 ? "" : a.resourceType.substring(slash + 1);
        if (!a.resource.isEmpty() || !ROLE_NAME.matcher(name).matches()) {
            throw invalid("Invalid role name: " + arn);
        }
        return a;
    }

    private static ResourceArn states(String arn, String type, int names) {
        ResourceArn a = parse(arn);
        if (!"states".equals(a.service)) {
            throw invalid("Invalid ARN service: " + arn);
        }
        if (!a.resourceType.equals(type)) {
            throw invalid("Resource type not valid in this context: " + a.resourceType);
        }
        requireParts(arn, a, names);
        return a;
    }

    private static void requireParts(String arn, ResourceArn a, int names) {
        String[] parts = a.resource.split(":", -1);
        if (a.resource.isEmpty() || parts.length < names) {
            throw invalid("Invalid resource name: " + arn);
        }
        for (String p : parts) {
            if (p.isEmpty()) {
                throw invalid("Invalid resource name: " + arn);
            }
        }
    }

    private static ResourceArn parse(String arn) {
        if (arn == null) {
            throw invalid("Invalid ARN prefix: null");
        }
        String[] p = arn.split(":", 7);
        if (p.length < 6 || !"arn".equals(p[0]) || !PARTITIONS.contains(p[1]) || p[2].isEmpty()) {
            throw invalid("Invalid ARN prefix: " + arn);
        }
        if (!ACCOUNT.matcher(p[4]).matches()) {
            throw invalid("Invalid account id: " + arn);
        }
        if (p[5].isEmpty()) {
            throw invalid("Invalid resource type: " + arn);
        }
        return new ResourceArn(p[1], p[2], p[3], p[4], p[5], p.length > 6 ? p[6] : "");
    }

    private static SfnServiceException invalid(String reason) {
        return new SfnServiceException("InvalidArn", "Invalid Arn: '" + reason + "'");
    }
}

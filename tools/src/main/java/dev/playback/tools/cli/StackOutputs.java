package dev.playback.tools.cli;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The outputs of a deployed Playback stack ({@code --stack NAME}), read once with CloudFormation's DescribeStacks: the
 * names of its tables, buckets and streams, its state machines' ARNs and its API's URL, under the output keys
 * {@code template.yaml} declares. Options and environment variables that name a resource override them.
 */
public record StackOutputs(String stackName, Map<String, String> outputs) {
    public static final String DATA_TABLE = "DataTableName";
    public static final String EVENTS_TABLE = "EventsTableName";
    public static final String EVENT_IDS_TABLE = "EventIdsTableName";
    public static final String EVENT_INDEX_TABLE = "EventIndexTableName";
    public static final String SUBJECT_KEY_TABLE = "SubjectKeyTableName";
    public static final String PAYLOAD_BUCKET = "PayloadBucketName";
    public static final String FAILURE_BUCKET = "FailureBucketName";
    public static final String REPORT_BUCKET = "ReportBucketName";
    public static final String RECORD_BUCKET = "RecordBucketName";
    public static final String EVENT_STREAM = "EventStreamName";
    public static final String PLAYBACK_STREAM = "PlaybackStreamName";
    public static final String API_URL = "ApiUrl";
    /** The template's state machines whose ARNs are outputs named {@code <LogicalId>Arn}. */
    public static final List<String> STATE_MACHINES =
            List.of("RebuildStateMachine", "VerifyStateMachine", "PartialReplayStateMachine", "RollbackStateMachine");

    public StackOutputs {
        outputs = Map.copyOf(outputs);
    }

    /** DescribeStacks of {@code stackName}; a stack that does not exist (or cannot be read) is named in the error. */
    public static StackOutputs describe(CloudFormationClient cloudFormation, String stackName) {
        List<Stack> stacks;
        try {
            stacks = cloudFormation.describeStacks(b -> b.stackName(stackName)).stacks();
        } catch (CloudFormationException e) {
            throw new UsageException("--stack " + stackName + ": " + e.awsErrorDetails().errorMessage()
                    + " (DescribeStacks in this account and region; is the stack deployed?)");
        }
        if (stacks.isEmpty()) throw new UsageException("--stack " + stackName + ": no such stack in this account and region");
        Map<String, String> outputs = new TreeMap<>();
        for (Output o : stacks.get(0).outputs()) outputs.put(o.outputKey(), o.outputValue());
        return new StackOutputs(stackName, outputs);
    }

    public Optional<String> find(String key) {
        return Optional.ofNullable(outputs.get(key));
    }

    /** The output {@code key}; its absence is named with the stack and the outputs it has. */
    public String require(String key) {
        String value = outputs.get(key);
        if (value == null) {
            throw new UsageException("stack " + stackName + " has no output " + key + " (it has " + outputs.keySet()
                    + "): deploy the current template.yaml");
        }
        return value;
    }

    /** State machine ARN by logical id, for those of {@link #STATE_MACHINES} the stack outputs. */
    public Map<String, String> stateMachines() {
        Map<String, String> arns = new TreeMap<>();
        for (String id : STATE_MACHINES) find(id + "Arn").ifPresent(arn -> arns.put(id, arn));
        return arns;
    }
}

package dev.playback.tools.cli;

import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;

/**
 * DynamoDB for a command that works on named tables: the running local stack (its physical names), or, with {@code --aws},
 * the SDK's default credentials and region and each table named by an option, else an environment variable, else an
 * output of {@code --stack NAME}. On AWS the client is built only when first used, so a missing name is said first.
 */
final class DynamoTables implements AutoCloseable {
    private final StackOutputs stack;
    private final Connection local;
    private DynamoDbClient aws;

    private DynamoTables(StackOutputs stack, Connection local) {
        this.stack = stack;
        this.local = local;
    }

    /** The tables of the running local stack ({@code localFile}, default {@link LocalEndpoints#defaultFile()}), or of AWS. */
    static DynamoTables open(CommandSpec spec, boolean aws, String stackName, Path localFile) {
        if (stackName != null && !aws) throw Usage.error(spec, "option --stack needs --aws");
        if (aws && localFile != null) throw Usage.error(spec, "option --local-file cannot be combined with --aws");
        if (!aws) return new DynamoTables(null, Connection.local(localFile != null ? localFile : LocalEndpoints.defaultFile()));
        return new DynamoTables(stackName == null ? null : AwsTarget.withDefaults(() -> AwsTarget.describe(stackName)), null);
    }

    /**
     * The table {@code option} names, else locally the stack's physical name of {@code logicalId}, else on AWS
     * {@code $environmentVariable} or the stack's output {@code outputKey}; on AWS with none of them a usage error that
     * names {@code optionName} and the variable.
     */
    String table(CommandSpec spec, String option, String optionName, String environmentVariable, String outputKey, String logicalId) {
        if (local != null) return option != null ? option : local.localName(logicalId);
        String name = AwsTarget.pick(option, System.getenv(environmentVariable), stack, outputKey);
        if (name == null) throw Usage.error(spec, "--aws: give --stack NAME, " + optionName + " NAME or set " + environmentVariable);
        return name;
    }

    DynamoDbClient dynamo() {
        if (local != null) return local.dynamo();
        if (aws == null) {
            aws = AwsTarget.withDefaults(() -> DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
        }
        return aws;
    }

    @Override
    public void close() {
        if (local != null) local.close();
        if (aws != null) aws.close();
    }
}

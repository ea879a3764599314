package dev.playback.tools.console;

import dev.playback.lambdas.aws.dynamodb.DynamoSubjectKeys;
import dev.playback.lambdas.aws.dynamodb.KeyWrapping;
import dev.playback.lambdas.aws.kms.KmsKeyWrapping;
import dev.playback.lambdas.wiring.DomainWiring;
import dev.playback.model.privacy.CachedSubjectKeys;
import dev.playback.model.privacy.PersonalData;
import software.amazon.awssdk.services.kms.KmsClient;
import dev.playback.model.domain.Domains;
import dev.playback.tools.cli.Connection;
import dev.playback.tools.cli.LocalEndpoints;
import dev.playback.tools.cli.StackOutputs;
import dev.playback.tools.client.PlaybackApi;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * How the console reaches a stack: a running local stack (its endpoints file, the local credentials, S3 path-style,
 * health from its function log file) or a deployed one ({@code --aws --stack NAME}: the SDK's default credentials and
 * region, the stack's outputs, the HTTP API signed with SigV4, health from CloudWatch).
 */
public final class ConsoleSetup {
    /** The domains when none are named: the sample domains on the classpath, as the repository's template.yaml deploys them. */
    public static final String SAMPLE_DOMAINS = "dev.playback.examples.ledger.Ledger,dev.playback.examples.subscriptions.Subscriptions";

    private ConsoleSetup() {
    }

    /**
     * The console's data for the local stack of {@code endpoints}; {@code logFile} says which function log file holds the
     * metrics now (empty: none).
     */
    public static ConsoleData local(LocalEndpoints endpoints, String where, Domains domains, Supplier<Optional<Path>> logFile) {
        return local(Connection.local(endpoints, where), endpoints, domains, logFile);
    }

    private static ConsoleData local(Connection c, LocalEndpoints endpoints, Domains domains, Supplier<Optional<Path>> logFile) {
        Region region = Region.of(endpoints.region());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        S3Client s3 = S3Client.builder().region(region).credentialsProvider(credentials).endpointOverride(endpoints.s3())
                .forcePathStyle(true).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        // signed with the local credentials: answered both by an open local API and by 'playback local --auth iam'
        PlaybackApi api = PlaybackApi.signed(endpoints.api(), credentials, endpoints.region());
        return new ConsoleData(c, new ConsoleData.Sources(s3, endpoints.name("PayloadBucket"), endpoints.name("EventIdsTable"), api,
                domains, new LocalLogMetrics(logFile, domains.processorNames()), "local",
                new PersonalData(new DynamoSubjectKeys(c.dynamo(), endpoints.name("SubjectKeyTable"), KeyWrapping.NONE))));
    }

    /** The console's data for the running local stack recorded in {@code file} (metrics from its newest {@code local-*.log}). */
    public static ConsoleData local(Path file, Domains domains) {
        Connection c = Connection.local(file);   // refuses a file whose stack is not running any more
        Path logs = file.toAbsolutePath().resolveSibling("logs");
        return local(c, LocalEndpoints.read(file), domains, () -> LocalLogMetrics.newestLocalLog(logs));
    }

    /** The console's data for the deployed stack {@code stackName}, with the SDK's default credentials and region. */
    public static ConsoleData aws(String stackName, Domains domains) {
        Connection c = Connection.aws(null, null, stackName);
        StackOutputs stack;
        try (CloudFormationClient cloudFormation = CloudFormationClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            stack = StackOutputs.describe(cloudFormation, stackName);
        }
        S3Client s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        PlaybackApi api = PlaybackApi.signed(URI.create(stack.require(StackOutputs.API_URL)), DefaultCredentialsProvider.builder().build(),
                DefaultAwsRegionProviderChain.builder().build().getRegion().id());
        CloudWatchClient cloudWatch = CloudWatchClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        Set<String> tables = Set.copyOf(Stream.of(StackOutputs.DATA_TABLE, StackOutputs.EVENTS_TABLE, StackOutputs.EVENT_IDS_TABLE)
                .flatMap(k -> stack.find(k).stream()).toList());
        Set<String> streams = Set.copyOf(Stream.of(StackOutputs.EVENT_STREAM, StackOutputs.PLAYBACK_STREAM)
                .flatMap(k -> stack.find(k).stream()).toList());
        List<String> processors = domains.processorNames();
        return new ConsoleData(c, new ConsoleData.Sources(s3, stack.require(StackOutputs.PAYLOAD_BUCKET),
                stack.require(StackOutputs.EVENT_IDS_TABLE), api, domains,
                new CloudWatchMetrics(cloudWatch, stackName, tables, streams, processors), "aws",
                // The stored keys are KMS ciphertexts; Decrypt finds the (symmetric) KMS key from the ciphertext itself.
                new PersonalData(new CachedSubjectKeys(new DynamoSubjectKeys(c.dynamo(), stack.require(StackOutputs.SUBJECT_KEY_TABLE),
                        new KmsKeyWrapping(KmsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(), null)),
                        DomainWiring.KEY_CACHE_TTL, 10_000, java.time.Clock.systemUTC()))));
    }
}

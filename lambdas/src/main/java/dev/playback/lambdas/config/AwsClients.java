package dev.playback.lambdas.config;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds SDK clients from a function's environment. On AWS only {@code AWS_REGION} matters; locally the
 * runtime adds {@code AWS_ENDPOINT_URL_<SERVICE>} (the SDK's own names) and dummy credentials.
 */
public final class AwsClients {
    private final Environment env;
    private final SdkHttpClient http;

    public AwsClients(Environment env) {
        this.env = env;
        this.http = ApacheHttpClient.builder().maxConnections(64).connectionTimeout(Duration.ofSeconds(5)).build();
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder(), "DYNAMODB").build();
    }

    public KinesisClient kinesis() {
        return configure(KinesisClient.builder(), "KINESIS").build();
    }

    public SfnClient stepFunctions() {
        return configure(SfnClient.builder(), "SFN").build();
    }

    public SecretsManagerClient secretsManager() {
        return configure(SecretsManagerClient.builder(), "SECRETS_MANAGER").build();
    }

    public KmsClient kms() {
        return configure(KmsClient.builder(), "KMS").build();
    }

    public S3Client s3() {
        var builder = configure(S3Client.builder(), "S3");
        if (endpoint("S3").isPresent()) builder.forcePathStyle(true);
        return builder.build();
    }

    private Optional<URI> endpoint(String service) {
        return env.optional("AWS_ENDPOINT_URL_" + service).or(() -> env.optional("AWS_ENDPOINT_URL")).map(URI::create);
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, String service) {
        builder.region(Region.of(env.optional("AWS_REGION").orElse("us-east-1")));
        builder.credentialsProvider(credentials());
        endpoint(service).ifPresent(builder::endpointOverride);
        builder.overrideConfiguration(ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(Duration.ofSeconds(20)).build());
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClient(http);
        }
        return builder;
    }

    private AwsCredentialsProvider credentials() {
        Optional<String> key = env.optional("AWS_ACCESS_KEY_ID");
        Optional<String> secret = env.optional("AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent() && env.optional("AWS_SESSION_TOKEN").isEmpty()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.get(), secret.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}

package dev.onebox.lambda;

import dev.onebox.template.LocalNames;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where the local emulators listen. {@link #variables()} is what every hosted function gets on top of its template
 * environment: the region, the per-service endpoint variables the AWS SDK v2 reads ({@code AWS_ENDPOINT_URL_*}) and
 * dummy credentials. {@code others} adds more services by their SDK id, e.g. {@code SFN} or {@code EVENTBRIDGE}.
 */
public record AwsEndpoints(URI dynamoDb, URI kinesis, URI s3, Map<String, URI> others) {
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    public AwsEndpoints {
        others = Map.copyOf(others);
    }

    public AwsEndpoints(URI dynamoDb, URI kinesis, URI s3) {
        this(dynamoDb, kinesis, s3, Map.of());
    }

    /** A DynamoDB client for the emulator (dummy credentials, us-east-1). */
    public DynamoDbClient dynamoDbClient() {
        return DynamoDbClient.builder().endpointOverride(dynamoDb).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /**
     * A Kinesis client for kinesalite. kinesalite cannot read the SDK's CBOR encoding, so this sets the JVM-wide
     * system property {@code aws.cborEnabled=false} when it is not set (in-process handlers need it too).
     */
    public KinesisClient kinesisClient() {
        disableCbor();
        return KinesisClient.builder().endpointOverride(kinesis).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** An S3 client for s3mock, with path-style addressing. */
    public S3Client s3Client() {
        return S3Client.builder().endpointOverride(s3).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Sets {@code aws.cborEnabled=false} unless it is already set; kinesalite needs JSON. */
    public static void disableCbor() {
        if (System.getProperty("aws.cborEnabled") == null) {
            System.setProperty("aws.cborEnabled", "false");
        }
    }

    public Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("AWS_REGION", LocalNames.REGION);
        variables.put("AWS_DEFAULT_REGION", LocalNames.REGION);
        variables.put("AWS_ACCESS_KEY_ID", "local");
        variables.put("AWS_SECRET_ACCESS_KEY", "local");
        variables.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString());
        variables.put("AWS_ENDPOINT_URL_KINESIS", kinesis.toString());
        variables.put("AWS_ENDPOINT_URL_S3", s3.toString());
        variables.put("CBOR_ENABLED", "false");
        others.forEach((service, uri) -> variables.put("AWS_ENDPOINT_URL_" + service, uri.toString()));
        return variables;
    }
}

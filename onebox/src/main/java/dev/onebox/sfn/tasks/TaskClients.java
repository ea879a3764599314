package dev.onebox.sfn.tasks;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

/**
 * The SDK clients AWS service integrations use. A null client means "not configured":
 * a task that needs it fails with States.Runtime naming the missing service.
 */
public record TaskClients(DynamoDbClient dynamoDb, KinesisClient kinesis, S3Client s3, EventBridgeClient eventBridge) {

    public static TaskClients none() {
        return new TaskClients(null, null, null, null);
    }

    /** Endpoints for the local emulators; null endpoint → that client is absent. */
    public record Endpoints(URI dynamoDb, URI kinesis, URI s3, URI eventBridge) {
    }

    /** Clients for the given endpoints, static dummy credentials, the given region. */
    public static TaskClients forEndpoints(Endpoints endpoints, String region) {
        StaticCredentialsProvider creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        Region r = Region.of(region);
        DynamoDbClient ddb = endpoints.dynamoDb() == null ? null : DynamoDbClient.builder()
                .endpointOverride(endpoints.dynamoDb()).region(r).credentialsProvider(creds)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        KinesisClient kin = endpoints.kinesis() == null ? null : KinesisClient.builder()
                .endpointOverride(endpoints.kinesis()).region(r).credentialsProvider(creds)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        S3Client s3 = endpoints.s3() == null ? null : S3Client.builder()
                .endpointOverride(endpoints.s3()).region(r).credentialsProvider(creds).forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        EventBridgeClient eb = endpoints.eventBridge() == null ? null : EventBridgeClient.builder()
                .endpointOverride(endpoints.eventBridge()).region(r).credentialsProvider(creds)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        return new TaskClients(ddb, kin, s3, eb);
    }
}

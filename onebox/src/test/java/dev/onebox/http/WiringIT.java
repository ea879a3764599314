package dev.onebox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.onebox.eventsource.EventSourceMappings;
import dev.onebox.eventsource.PollerSettings;
import dev.onebox.lambda.AwsEndpoints;
import dev.onebox.lambda.LocalFunctions;
import dev.onebox.provision.Provisioner;
import dev.onebox.template.Template;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The whole local wiring, as the runtime's main class does it, against kinesalite and dynalite: template →
 * provisioning → hosted functions → event source mappings → HTTP API. POST /things reaches the Ingest handler, which
 * writes to the stream with a client built from its environment; the Sink handler receives every record through the
 * mapping. The class starts its own emulators (in memory) and stops them afterwards.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class WiringIT {
    static final Queue<String> SUNK = new ConcurrentLinkedQueue<>();

    /** Writes the request body to the stream named by its environment, keyed by the path's thing id. */
    public static final class Ingest implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        private final KinesisClient kinesis;
        private final String stream;

        public Ingest(Map<String, String> env) {
            AwsEndpoints.disableCbor();
            this.kinesis = KinesisClient.builder().endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_KINESIS")))
                    .region(software.amazon.awssdk.regions.Region.of(env.get("AWS_REGION")))
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                    env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))))
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
            this.stream = env.get("STREAM");
        }

        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
            kinesis.putRecord(b -> b.streamName(stream).partitionKey(request.getPathParameters().get("thingId"))
                    .data(SdkBytes.fromUtf8String(request.getBody())));
            return new APIGatewayProxyResponseEvent().withStatusCode(202).withBody("{\"accepted\":true}");
        }
    }

    /** Remembers every record it receives. */
    public static final class Sink implements RequestHandler<KinesisEvent, Void> {
        @Override
        public Void handleRequest(KinesisEvent event, Context context) {
            for (KinesisEvent.KinesisEventRecord record : event.getRecords()) {
                SUNK.add(StandardCharsets.UTF_8.decode(record.getKinesis().getData()).toString());
            }
            return null;
        }
    }

    private static Emulators emulators;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEmulators() {
        emulators = Emulators.start(EmulatorOptions.inMemory());
    }

    @AfterAll
    static void stopEmulators() {
        if (emulators != null) emulators.close();
    }

    @Test
    void aPostedEventTravelsThroughTheApiTheStreamAndTheMapping() throws Exception {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, """
                Parameters:
                  Suffix: { Type: String }
                Globals:
                  Function:
                    Timeout: 30
                    Environment: { Variables: { STREAM: !Ref Stream } }
                Resources:
                  Stream:
                    Type: AWS::Kinesis::Stream
                    Properties: { Name: !Sub 'wiring-${Suffix}', ShardCount: 2 }
                  Ingest:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: dev.onebox.http.WiringIT$Ingest::handleRequest
                      Events:
                        Post: { Type: Api, Properties: { Path: '/things/{thingId}', Method: post } }
                  Sink:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: dev.onebox.http.WiringIT$Sink::handleRequest
                      Events:
                        Stream:
                          Type: Kinesis
                          Properties: { Stream: !GetAtt Stream.Arn, StartingPosition: LATEST, BatchSize: 10 }
                """);
        Template template = Template.load(file, Map.of("Suffix", String.valueOf(System.nanoTime())));
        AwsEndpoints endpoints = new AwsEndpoints(emulators.dynamoDbEndpoint(), emulators.kinesisEndpoint(),
                emulators.s3Endpoint());
        try (DynamoDbClient dynamoDb = endpoints.dynamoDbClient(); KinesisClient kinesis = endpoints.kinesisClient();
             S3Client s3 = endpoints.s3Client()) {
            new Provisioner(dynamoDb, kinesis, s3).provision(template);
            LocalFunctions functions = LocalFunctions.fromTemplate(template, endpoints);
            functions.warmUp();
            try (EventSourceMappings mappings = EventSourceMappings.fromTemplate(template, functions, kinesis, dynamoDb,
                    s3, PollerSettings.defaults());
                 LocalApi api = LocalApi.fromTemplate(template, functions, 0, LocalApi.Auth.NONE).start()) {
                mappings.start();
                HttpClient client = HttpClient.newHttpClient();
                List<String> sent = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String body = "{\"n\":" + i + "}";
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create(api.baseUri() + "/things/t" + (i % 3))).POST(HttpRequest.BodyPublishers
                            .ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(202, response.statusCode(), response.body());
                    sent.add(body);
                }

                assertTrue(mappings.awaitIdle(Duration.ofSeconds(60)));

                assertEquals(sent.stream().sorted().toList(), SUNK.stream().sorted().toList());
                assertEquals(20, mappings.stats().recordsSucceeded());
            }
        }
    }
}

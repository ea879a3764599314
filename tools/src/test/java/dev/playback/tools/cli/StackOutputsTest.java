package dev.playback.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/** {@code --stack NAME} against a fake CloudFormation endpoint on 127.0.0.1 that answers DescribeStacks as AWS does. */
class StackOutputsTest {
    private static final String DEPLOYED = """
            <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <DescribeStacksResult>
                <Stacks>
                  <member>
                    <StackName>playback-dev</StackName>
                    <StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/playback-dev/1</StackId>
                    <StackStatus>UPDATE_COMPLETE</StackStatus>
                    <CreationTime>2026-12-01T10:00:00Z</CreationTime>
                    <Outputs>
                      <member><OutputKey>DataTableName</OutputKey><OutputValue>playback-dev-DataTable-AB12</OutputValue></member>
                      <member><OutputKey>EventsTableName</OutputKey><OutputValue>playback-dev-EventsTable-CD34</OutputValue></member>
                      <member><OutputKey>ReportBucketName</OutputKey><OutputValue>playback-dev-reportbucket-ef56</OutputValue></member>
                      <member><OutputKey>FailureBucketName</OutputKey><OutputValue>playback-dev-failurebucket-gh78</OutputValue></member>
                      <member><OutputKey>EventStreamName</OutputKey><OutputValue>playback-dev-EventStream-IJ90</OutputValue></member>
                      <member><OutputKey>ApiUrl</OutputKey><OutputValue>https://abc123.execute-api.eu-west-1.amazonaws.com/Prod/</OutputValue></member>
                      <member><OutputKey>RebuildStateMachineArn</OutputKey><OutputValue>arn:aws:states:eu-west-1:123456789012:stateMachine:RebuildStateMachine-Xy</OutputValue></member>
                      <member><OutputKey>RollbackStateMachineArn</OutputKey><OutputValue>arn:aws:states:eu-west-1:123456789012:stateMachine:RollbackStateMachine-Zw</OutputValue></member>
                    </Outputs>
                  </member>
                </Stacks>
              </DescribeStacksResult>
              <ResponseMetadata><RequestId>11111111-2222-3333-4444-555555555555</RequestId></ResponseMetadata>
            </DescribeStacksResponse>
            """;
    private static final String MISSING = """
            <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id %s does not exist</Message></Error>
              <RequestId>66666666-7777-8888-9999-000000000000</RequestId>
            </ErrorResponse>
            """;

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private CloudFormationClient cloudFormation;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", exchange -> {
            try (exchange) {
                String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(URLDecoder.decode(form, StandardCharsets.UTF_8));
                boolean known = form.contains("StackName=playback-dev");
                byte[] body = (known ? DEPLOYED : MISSING.formatted(form.replaceAll(".*StackName=([^&]*).*", "$1")))
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/xml");
                exchange.sendResponseHeaders(known ? 200 : 400, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        cloudFormation = CloudFormationClient.builder().region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @AfterEach
    void stop() {
        cloudFormation.close();
        server.stop(0);
    }

    @Test
    void theOutputsOfTheDeployedStackAreReadWithDescribeStacks() {
        StackOutputs stack = StackOutputs.describe(cloudFormation, "playback-dev");

        assertEquals(1, requests.size());
        assertTrue(requests.get(0).contains("Action=DescribeStacks"), requests.get(0));
        assertEquals("playback-dev-DataTable-AB12", stack.require("DataTableName"));
        assertEquals("https://abc123.execute-api.eu-west-1.amazonaws.com/Prod/", stack.require("ApiUrl"));
        assertEquals(Map.of("RebuildStateMachine", "arn:aws:states:eu-west-1:123456789012:stateMachine:RebuildStateMachine-Xy",
                "RollbackStateMachine", "arn:aws:states:eu-west-1:123456789012:stateMachine:RollbackStateMachine-Zw"), stack.stateMachines());
    }

    @Test
    void aStackThatDoesNotExistIsNamedInTheError() {
        UsageException e = assertThrows(UsageException.class, () -> StackOutputs.describe(cloudFormation, "playback-nope"));

        assertEquals("--stack playback-nope: Stack with id playback-nope does not exist (DescribeStacks in this account and region; "
                + "is the stack deployed?)", e.getMessage());
    }

    @Test
    void anOutputTheStackLacksIsNamedWithTheStack() {
        StackOutputs stack = StackOutputs.describe(cloudFormation, "playback-dev");

        UsageException e = assertThrows(UsageException.class, () -> stack.require("PlaybackStreamName"));

        assertTrue(e.getMessage().startsWith("stack playback-dev has no output PlaybackStreamName"), e.getMessage());
    }

    @Test
    void aConnectionTakesItsTablesBucketAndStateMachinesFromTheStack() {
        StackOutputs stack = StackOutputs.describe(cloudFormation, "playback-dev");

        try (Connection c = Connection.aws(unusedSfn(), unusedEventBridge(), unusedDynamo(), null, null, Map.of(), stack)) {
            assertEquals("playback-dev-DataTable-AB12", c.dataTable());
            assertEquals("playback-dev-EventsTable-CD34", c.eventsTableOrNull());
            assertEquals("playback-dev-reportbucket-ef56", c.reportBucketOrNull());
            // from the outputs: no ListStateMachines call (the unused client points at a closed port)
            assertEquals("arn:aws:states:eu-west-1:123456789012:stateMachine:RebuildStateMachine-Xy", c.stateMachineArn("RebuildStateMachine"));
            assertEquals("AWS stack playback-dev", c.where());
        }
    }

    @Test
    void optionsAndEnvironmentOverrideTheStack() {
        StackOutputs stack = StackOutputs.describe(cloudFormation, "playback-dev");

        try (Connection c = Connection.aws(unusedSfn(), unusedEventBridge(), unusedDynamo(), "my-data", null,
                Map.of("PLAYBACK_EVENTS_TABLE", "my-events", "PLAYBACK_REPORT_BUCKET", " "), stack)) {
            assertEquals("my-data", c.dataTable());
            assertEquals("my-events", c.eventsTableOrNull());
            assertEquals("playback-dev-reportbucket-ef56", c.reportBucketOrNull());
        }
    }

    @Test
    void withoutAStackTheDataTableMustBeNamed() {
        try (Connection c = Connection.aws(unusedSfn(), unusedEventBridge(), unusedDynamo(), null, null, Map.of(), null)) {
            UsageException e = assertThrows(UsageException.class, c::dataTable);
            assertEquals("this command reads the data table: give --stack NAME, --data-table NAME or set PLAYBACK_DATA_TABLE",
                    e.getMessage());
        }
    }

    private static final URI CLOSED = URI.create("http://127.0.0.1:9");
    private static final StaticCredentialsProvider NONE = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"));

    private static SfnClient unusedSfn() {
        return SfnClient.builder().region(Region.EU_WEST_1).credentialsProvider(NONE).endpointOverride(CLOSED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static EventBridgeClient unusedEventBridge() {
        return EventBridgeClient.builder().region(Region.EU_WEST_1).credentialsProvider(NONE).endpointOverride(CLOSED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static DynamoDbClient unusedDynamo() {
        return DynamoDbClient.builder().region(Region.EU_WEST_1).credentialsProvider(NONE).endpointOverride(CLOSED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }
}

package dev.playback.local.eventsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.playback.local.eventsource.fakes.FakeS3;
import dev.playback.local.provision.Provisioner;
import dev.playback.local.template.EventSource;
import dev.playback.local.template.Template;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Provisioning and an event source mapping against real emulators: kinesalite and dynalite (and s3mock when given).
 * Endpoints come from the system properties {@code playback.it.kinesis}, {@code playback.it.dynamodb} and optionally
 * {@code playback.it.s3} (an in-memory S3 stands in without it); without them the test is skipped. Kinesis needs
 * {@code aws.cborEnabled=false}, which the build sets for integration tests.
 */
class LocalStackIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private KinesisClient kinesis;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private final List<KinesisEventSourceMapping> mappings = new ArrayList<>();

    @BeforeEach
    void clients() {
        String kinesisUrl = System.getProperty("playback.it.kinesis");
        String dynamoDbUrl = System.getProperty("playback.it.dynamodb");
        assumeTrue(kinesisUrl != null && dynamoDbUrl != null,
                "set -Dplayback.it.kinesis and -Dplayback.it.dynamodb to run against emulators");
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("l", "l"));
        kinesis = KinesisClient.builder().endpointOverride(URI.create(kinesisUrl)).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        dynamoDb = DynamoDbClient.builder().endpointOverride(URI.create(dynamoDbUrl)).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        String s3Url = System.getProperty("playback.it.s3");
        s3 = s3Url == null ? new FakeS3() : S3Client.builder().endpointOverride(URI.create(s3Url))
                .region(Region.US_EAST_1).forcePathStyle(true).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterEach
    void close() {
        mappings.forEach(KinesisEventSourceMapping::close);
    }

    @Test
    void provisionsTheTemplateThenDeliversInOrderIsolatesAPoisonRecordAndResumesAfterARestart() {
        Template template = Template.load(Template.locate(Path.of("")));
        Provisioner provisioner = new Provisioner(dynamoDb, kinesis, s3);
        provisioner.provision(template);
        assertTrue(provisioner.provision(template).stream()
                .allMatch(p -> p.outcome() == Provisioner.Outcome.EXISTED), "a second run keeps everything");

        String stream = "it-" + System.nanoTime();
        kinesis.createStream(b -> b.streamName(stream).shardCount(2));
        provisioner.awaitStreamActive(stream);
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            String key = "agg-" + (i % 7);
            String data = i == 77 ? "poison" : key + "/" + i;
            kinesis.putRecord(b -> b.streamName(stream).partitionKey(key).data(SdkBytes.fromUtf8String(data)));
            if (i != 77) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(data);
            }
        }
        Checkpoints checkpoints = new Checkpoints(dynamoDb);
        checkpoints.ensureTable(WAIT);
        EventSource.Kinesis event = new EventSource.Kinesis("Stream", "arn:aws:kinesis:us-east-1:000000000000:stream/"
                + stream, stream, EventSource.StartingPosition.TRIM_HORIZON, Optional.empty(), 50, Duration.ZERO, true,
                1, -1, 1, true, Optional.of(new EventSource.OnFailure("S3", "arn:aws:s3:::failurebucket")), true);

        ScriptedHandler handler = ScriptedHandler.throwingOn("poison");
        KinesisEventSourceMapping mapping = start(handler, event, checkpoints);
        assertTrue(mapping.awaitIdle(WAIT));

        Map<String, List<String>> delivered = new LinkedHashMap<>();
        synchronized (handler.batches) {
            handler.batches.stream().filter(b -> !b.contains("poison")).flatMap(List::stream)
                    .forEach(d -> delivered.computeIfAbsent(d.substring(0, d.indexOf('/')), k -> new ArrayList<>()).add(d));
        }
        assertEquals(byKey, delivered, "every record once, in order per partition key");
        assertEquals(1, mapping.stats().discardedRecords());
        if (s3 instanceof FakeS3 fake) {
            assertEquals(1, fake.objects("failurebucket").size());
        }
        mapping.close();

        kinesis.putRecord(b -> b.streamName(stream).partitionKey("agg-0").data(SdkBytes.fromUtf8String("agg-0/after")));
        ScriptedHandler restarted = ScriptedHandler.succeeding();
        assertTrue(start(restarted, event, checkpoints).awaitIdle(WAIT));
        assertEquals(List.of("agg-0/after"), restarted.delivered());
    }

    private KinesisEventSourceMapping start(ScriptedHandler handler, EventSource.Kinesis event, Checkpoints checkpoints) {
        KinesisEventSourceMapping mapping = new KinesisEventSourceMapping("ItFunction", handler.function("ItFunction"),
                event, kinesis, checkpoints, KinesisEventSourceMapping.destinationFor(event, s3),
                PollerSettings.defaults(), Clock.systemUTC());
        mapping.start();
        mappings.add(mapping);
        return mapping;
    }
}

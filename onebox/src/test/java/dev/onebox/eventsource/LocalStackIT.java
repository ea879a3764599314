package dev.onebox.eventsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.onebox.provision.Provisioner;
import dev.onebox.template.EventSource;
import dev.onebox.template.SampleApp;
import dev.onebox.template.Template;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Provisioning and an event source mapping against real emulators: kinesalite, dynalite and s3mock, started by the
 * class (in memory) and stopped after it. The poison record's on-failure record lands in a real S3 bucket.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LocalStackIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private KinesisClient kinesis;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private final List<KinesisEventSourceMapping> mappings = new ArrayList<>();

    private static Emulators emulators;

    @BeforeAll
    static void startEmulators() {
        emulators = Emulators.start(EmulatorOptions.inMemory());
    }

    @AfterAll
    static void stopEmulators() {
        if (emulators != null) emulators.close();
    }

    @BeforeEach
    void clients() {
        kinesis = emulators.kinesisClient();
        dynamoDb = emulators.dynamoDbClient();
        s3 = emulators.s3Client();
    }

    @AfterEach
    void close() {
        mappings.forEach(KinesisEventSourceMapping::close);
        kinesis.close();
        dynamoDb.close();
        s3.close();
    }

    @Test
    void provisionsTheTemplateThenDeliversInOrderIsolatesAPoisonRecordAndResumesAfterARestart() {
        Template template = SampleApp.load();
        Provisioner provisioner = new Provisioner(dynamoDb, kinesis, s3);
        provisioner.provision(template);
        assertTrue(provisioner.provision(template).stream()
                .allMatch(p -> p.outcome() == Provisioner.Outcome.EXISTED), "a second run keeps everything");

        String stream = "it-" + System.nanoTime();
        String failureBucket = "failures-" + System.nanoTime();
        s3.createBucket(b -> b.bucket(failureBucket));
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
        ShardCheckpoints checkpoints = new ShardCheckpoints(dynamoDb);
        checkpoints.ensureTable(WAIT);
        EventSource.Kinesis event = new EventSource.Kinesis("Stream", "arn:aws:kinesis:us-east-1:000000000000:stream/"
                + stream, stream, EventSource.StartingPosition.TRIM_HORIZON, Optional.empty(), 50, Duration.ZERO, true,
                1, -1, 1, true, Optional.of(new EventSource.OnFailure("S3", "arn:aws:s3:::" + failureBucket)), true);

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
        var setAside = s3.listObjectsV2(b -> b.bucket(failureBucket)).contents();
        assertEquals(1, setAside.size(), "one on-failure record");
        String record = s3.getObjectAsBytes(b -> b.bucket(failureBucket).key(setAside.get(0).key())).asUtf8String();
        assertTrue(record.contains("RetryAttemptsExhausted") && record.contains(java.util.Base64.getEncoder()
                .encodeToString("poison".getBytes(java.nio.charset.StandardCharsets.UTF_8))), record);
        mapping.close();

        kinesis.putRecord(b -> b.streamName(stream).partitionKey("agg-0").data(SdkBytes.fromUtf8String("agg-0/after")));
        ScriptedHandler restarted = ScriptedHandler.succeeding();
        assertTrue(start(restarted, event, checkpoints).awaitIdle(WAIT));
        assertEquals(List.of("agg-0/after"), restarted.delivered());
    }

    private KinesisEventSourceMapping start(ScriptedHandler handler, EventSource.Kinesis event, ShardCheckpoints checkpoints) {
        KinesisEventSourceMapping mapping = new KinesisEventSourceMapping("ItFunction", handler.function("ItFunction"),
                event, kinesis, checkpoints, KinesisEventSourceMapping.destinationFor(event, s3),
                PollerSettings.defaults(), Clock.systemUTC());
        mapping.start();
        mappings.add(mapping);
        return mapping;
    }
}

package dev.onebox.eventsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onebox.eventsource.fakes.FakeDynamoDb;
import dev.onebox.eventsource.fakes.FakeKinesis;
import dev.onebox.eventsource.fakes.FakeS3;
import dev.onebox.lambda.AwsEndpoints;
import dev.onebox.lambda.LocalFunctions;
import dev.onebox.template.EventSource;
import dev.onebox.template.SampleApp;
import dev.onebox.template.Template;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.awaitility.Awaitility;

class KinesisEventSourceMappingTest {
    private static final String STREAM = "EventStream";
    private static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/" + STREAM;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final PollerSettings SETTINGS = new PollerSettings(Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(1), Duration.ofMillis(5), 10_000, Duration.ofSeconds(10));

    private final FakeKinesis kinesis = new FakeKinesis().withStream(STREAM, 2);
    private final FakeDynamoDb dynamoDb = new FakeDynamoDb();
    private final FakeS3 s3 = new FakeS3();
    private final ShardCheckpoints checkpoints = new ShardCheckpoints(dynamoDb);
    private final List<KinesisEventSourceMapping> started = new ArrayList<>();

    @AfterEach
    void closeMappings() {
        started.forEach(KinesisEventSourceMapping::close);
    }

    @Test
    void deliversEachShardInOrderInBatchesAndResumesFromItsCheckpointAfterARestart() {
        checkpoints.ensureTable(WAIT);
        List<String> shard0 = put(0, "zero", 50);
        List<String> shard1 = put(1, "one", 30);
        ScriptedHandler handler = ScriptedHandler.succeeding();
        KinesisEventSourceMapping mapping = start(handler, event(7, false, -1, EventSource.StartingPosition.TRIM_HORIZON,
                Optional.empty()));

        assertTrue(mapping.awaitIdle(WAIT));

        assertEquals(shard0, handler.delivered().stream().filter(d -> d.startsWith("zero")).toList());
        assertEquals(shard1, handler.delivered().stream().filter(d -> d.startsWith("one")).toList());
        assertTrue(handler.batches.stream().allMatch(b -> b.size() <= 7));
        assertTrue(handler.batches.stream().noneMatch(b -> b.stream().map(d -> d.substring(0, 3)).distinct().count() > 1),
                "a batch holds records of one shard");
        assertEquals(80, mapping.stats().recordsSucceeded());
        mapping.close();

        List<String> more = put(0, "later", 3);
        ScriptedHandler restarted = ScriptedHandler.succeeding();
        KinesisEventSourceMapping again = start(restarted, event(7, false, -1,
                EventSource.StartingPosition.TRIM_HORIZON, Optional.empty()));
        assertTrue(again.awaitIdle(WAIT));

        assertEquals(more, restarted.delivered());
        assertEquals(again.uuid(), mapping.uuid());
    }

    @Test
    void aPoisonRecordGoesToTheS3DestinationAndItsShardMovesOn() throws Exception {
        s3.createBucket(b -> b.bucket("failurebucket"));
        List<String> data = new ArrayList<>(put(0, "r", 5));
        kinesis.put(STREAM, 0, "k", "poison");
        data.addAll(put(0, "s", 14));
        ScriptedHandler handler = ScriptedHandler.throwingOn("poison");
        KinesisEventSourceMapping mapping = start(handler, event(500, true, 2,
                EventSource.StartingPosition.TRIM_HORIZON,
                Optional.of(new EventSource.OnFailure("S3", "arn:aws:s3:::failurebucket"))));

        assertTrue(mapping.awaitIdle(WAIT));

        List<String> succeeded = new ArrayList<>();
        synchronized (handler.batches) {
            handler.batches.stream().filter(b -> !b.contains("poison")).forEach(succeeded::addAll);
        }
        assertEquals(data, succeeded);
        var objects = s3.objects("failurebucket");
        assertEquals(1, objects.size());
        String key = objects.keySet().iterator().next();
        assertTrue(key.startsWith("aws/lambda/" + mapping.uuid() + "/" + FakeKinesis.shardId(0) + "/"), key);
        JsonNode record = KinesisEvents.JSON.readTree(objects.get(key));
        assertEquals(1, record.at("/KinesisBatchInfo/batchSize").asInt());
        assertEquals(3, record.at("/requestContext/approximateInvokeCount").asInt());
        assertEquals(1, mapping.stats().discardedRecords());
    }

    @Test
    void partialBatchFailuresAreRetriedFromTheFailedRecord() {
        List<String> data = put(1, "r", 10);
        java.util.Set<String> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ScriptedHandler handler = new ScriptedHandler(failAtFirstSightOf("r-6", failedOnce));
        KinesisEventSourceMapping mapping = start(handler, event(100, false, 3,
                EventSource.StartingPosition.TRIM_HORIZON, Optional.empty()).withReportBatchItemFailures());

        assertTrue(mapping.awaitIdle(WAIT));

        assertEquals(List.of(data, data.subList(6, 10)), handler.batches);
        assertEquals(1, mapping.stats().partialFailures());
    }

    @Test
    void aBatchStopsBeforeItsEventWouldExceedSixMegabytes() {
        String big = "x".repeat(2 * 1024 * 1024);
        for (int i = 0; i < 5; i++) {
            kinesis.put(STREAM, 0, "k", i + big);
        }
        ScriptedHandler handler = ScriptedHandler.succeeding();
        KinesisEventSourceMapping mapping = start(handler, event(100, false, -1,
                EventSource.StartingPosition.TRIM_HORIZON, Optional.empty()));

        assertTrue(mapping.awaitIdle(WAIT));

        assertEquals(List.of(2, 2, 1), handler.batches.stream().map(List::size).toList());
    }

    @Test
    void latestSkipsWhatWasWrittenBeforeTheFirstStart() {
        put(0, "before", 3);
        ScriptedHandler handler = ScriptedHandler.succeeding();
        KinesisEventSourceMapping mapping = start(handler, event(100, false, -1, EventSource.StartingPosition.LATEST,
                Optional.empty()));
        assertTrue(mapping.awaitIdle(WAIT));

        List<String> after = put(0, "after", 2);
        assertTrue(mapping.awaitIdle(WAIT));

        assertEquals(after, handler.delivered());
    }

    @Test
    void latestRemembersWhereItStartedSoARestartSkipsNothing() throws Exception {
        put(1, "before", 3);
        EventSource.Kinesis latest = event(100, false, -1, EventSource.StartingPosition.LATEST, Optional.empty());
        KinesisEventSourceMapping first = start(ScriptedHandler.succeeding(), latest);
        assertTrue(first.awaitIdle(WAIT));
        first.close();
        // positions are kept to the millisecond: what is written meanwhile must arrive after the remembered start
        Instant closed = Instant.now();
        Awaitility.await("the clock past " + closed).atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1))
                .until(() -> Instant.now().truncatedTo(ChronoUnit.MILLIS).isAfter(closed));

        List<String> whileDown = put(1, "meanwhile", 2);
        ScriptedHandler handler = ScriptedHandler.succeeding();
        assertTrue(start(handler, latest).awaitIdle(WAIT));

        assertEquals(whileDown, handler.delivered());
    }

    @Test
    void aKinesisErrorResumesTheShardFromItsCheckpoint() {
        List<String> data = put(0, "r", 5);
        kinesis.failNextGetRecords(2);
        ScriptedHandler handler = ScriptedHandler.succeeding();
        KinesisEventSourceMapping mapping = start(handler, event(100, false, -1,
                EventSource.StartingPosition.TRIM_HORIZON, Optional.empty()));

        assertTrue(mapping.awaitIdle(WAIT));

        assertEquals(data, handler.delivered());
        assertEquals(2, mapping.stats().pollerErrors());
    }

    @Test
    void aChildShardIsReadAfterItsParentEnded() {
        List<String> parent = put(0, "parent", 4);
        ScriptedHandler handler = ScriptedHandler.succeeding();
        KinesisEventSourceMapping mapping = start(handler, event(100, false, -1,
                EventSource.StartingPosition.TRIM_HORIZON, Optional.empty()));
        int child = kinesis.splitInto(STREAM, 0);
        List<String> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String d = "child-" + i;
            kinesis.put(STREAM, child, "k", d);
            children.add(d);
        }

        assertTrue(mapping.awaitIdle(WAIT));

        List<String> expected = new ArrayList<>(parent);
        expected.addAll(children);
        assertEquals(expected, handler.delivered());
        assertTrue(checkpoints.get(mappingKey(), FakeKinesis.shardId(0)).shardEnded());
    }

    @Test
    void aLatestMappingReadsAChildShardFromItsStart() {
        EventSource.Kinesis latest = event(100, false, -1, EventSource.StartingPosition.LATEST, Optional.empty());
        ScriptedHandler handler = ScriptedHandler.succeeding();
        KinesisEventSourceMapping mapping = start(handler, latest);
        assertTrue(mapping.awaitIdle(WAIT));
        List<String> parent = put(0, "parent", 2);
        int child = kinesis.splitInto(STREAM, 0);
        kinesis.put(STREAM, child, "k", "child-0");

        assertTrue(mapping.awaitIdle(WAIT));

        List<String> expected = new ArrayList<>(parent);
        expected.add("child-0");
        assertEquals(expected, handler.delivered());
    }

    @Test
    void theTemplatesMappingsAreBuiltWithTheirDestinations() {
        Template template = SampleApp.load();
        LocalFunctions functions = LocalFunctions.fromTemplate(template, new AwsEndpoints(URI.create("http://127.0.0.1:1"),
                URI.create("http://127.0.0.1:2"), URI.create("http://127.0.0.1:3")));

        try (EventSourceMappings mappings = EventSourceMappings.fromTemplate(template, functions, kinesis, dynamoDb, s3,
                SETTINGS)) {
            assertEquals(List.of("ShipperFunction", "AuditFunction"),
                    mappings.mappings().stream().map(KinesisEventSourceMapping::functionName).toList());
            assertTrue(dynamoDb.created.containsKey(ShardCheckpoints.TABLE));
            assertTrue(mappings.mappings().get(0).uuid().matches("[0-9a-f-]{36}"));
        }
    }

    private static BiFunction<List<String>, KinesisEvent, com.amazonaws.services.lambda.runtime.events.StreamsEventResponse>
            failAtFirstSightOf(String data, java.util.Set<String> seen) {
        return (batch, event) -> batch.contains(data) && seen.add(data)
                ? ScriptedHandler.failures(ScriptedHandler.sequenceOf(event, data)) : null;
    }

    private KinesisEventSourceMapping start(ScriptedHandler handler, EventSource.Kinesis event) {
        checkpoints.ensureTable(WAIT);
        KinesisEventSourceMapping mapping = new KinesisEventSourceMapping("PumpFunction",
                handler.function("PumpFunction"), event, kinesis, checkpoints,
                KinesisEventSourceMapping.destinationFor(event, s3), SETTINGS, Clock.systemUTC());
        mapping.start();
        started.add(mapping);
        return mapping;
    }

    private static String mappingKey() {
        return "PumpFunction/EventStream/" + STREAM;
    }

    private List<String> put(int shard, String prefix, int count) {
        List<String> data = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String d = prefix + "-" + i;
            kinesis.put(STREAM, shard, "key", d);
            data.add(d);
        }
        return data;
    }

    private static EventSource.Kinesis event(int batchSize, boolean bisect, int retries,
                                             EventSource.StartingPosition position,
                                             Optional<EventSource.OnFailure> onFailure) {
        return new EventSource.Kinesis("EventStream", STREAM_ARN, STREAM, position, Optional.empty(), batchSize,
                Duration.ZERO, bisect, retries, -1, 1, false, onFailure, true);
    }

}

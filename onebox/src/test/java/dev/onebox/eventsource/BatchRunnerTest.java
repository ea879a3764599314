package dev.onebox.eventsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onebox.eventsource.fakes.FakeS3;
import dev.onebox.template.EventSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

class BatchRunnerTest {
    private static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/EventStream";
    private static final Instant NOW = Instant.parse("2026-11-26T17:00:00Z");
    private static final PollerSettings FAST = PollerSettings.defaults().withBackoff(Duration.ofMillis(1),
            Duration.ofMillis(2));

    private final List<FailureRecord> discarded = Collections.synchronizedList(new ArrayList<>());
    private final List<String> checkpoints = new ArrayList<>();
    private final MappingStats stats = new MappingStats();
    private final Stopper stopper = new Stopper();

    @Test
    void aSuccessfulBatchIsCheckpointedAtItsLastRecord() {
        ScriptedHandler handler = ScriptedHandler.succeeding();
        List<StreamRecord> batch = records("a", "b", "c");

        assertEquals(BatchRunner.Outcome.DONE, runner(handler, event(true, true, 2)).run(batch, checkpoints::add));

        assertEquals(List.of(List.of("a", "b", "c")), handler.batches);
        assertEquals(List.of(batch.get(2).sequenceNumber()), checkpoints);
        assertEquals(3, stats.snapshot().recordsSucceeded());
    }

    @Test
    void batchItemFailuresCheckpointBeforeTheLowestFailureAndRetryFromThere() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedHandler handler = new ScriptedHandler((data, event) -> calls.incrementAndGet() == 1
                ? ScriptedHandler.failures(ScriptedHandler.sequenceOf(event, "d"), ScriptedHandler.sequenceOf(event, "c"))
                : null);
        List<StreamRecord> batch = records("a", "b", "c", "d", "e");

        runner(handler, event(false, true, 3)).run(batch, checkpoints::add);

        assertEquals(List.of(List.of("a", "b", "c", "d", "e"), List.of("c", "d", "e")), handler.batches);
        assertEquals(List.of(batch.get(1).sequenceNumber(), batch.get(4).sequenceNumber()), checkpoints);
        assertTrue(discarded.isEmpty());
    }

    @Test
    void anEmptyOrUnknownItemIdentifierFailsTheWholeBatch() {
        for (String identifier : new String[] {"", "12345", null}) {
            AtomicInteger calls = new AtomicInteger();
            ScriptedHandler handler = new ScriptedHandler((data, event) -> calls.incrementAndGet() == 1
                    ? ScriptedHandler.failures(identifier) : null);
            List<StreamRecord> batch = records("a", "b");
            checkpoints.clear();

            runner(handler, event(false, true, 3)).run(batch, checkpoints::add);

            assertEquals(List.of(List.of("a", "b"), List.of("a", "b")), handler.batches, "identifier " + identifier);
            assertEquals(List.of(batch.get(1).sequenceNumber()), checkpoints);
        }
    }

    @Test
    void batchItemFailuresAreIgnoredWithoutReportBatchItemFailures() {
        ScriptedHandler handler = new ScriptedHandler((data, event) -> ScriptedHandler.failures(
                ScriptedHandler.sequenceOf(event, "a")));
        List<StreamRecord> batch = records("a", "b");

        runner(handler, event(false, false, 3)).run(batch, checkpoints::add);

        assertEquals(1, handler.batches.size());
        assertEquals(List.of(batch.get(1).sequenceNumber()), checkpoints);
    }

    @Test
    void bisectionIsolatesAPoisonRecordWhichGoesToTheDestinationAfterItsRetries() {
        ScriptedHandler handler = ScriptedHandler.throwingOn("p");
        List<StreamRecord> batch = records("a", "b", "c", "p", "e", "f", "g", "h");

        runner(handler, event(true, false, 2)).run(batch, checkpoints::add);

        assertEquals(1, discarded.size());
        FailureRecord record = discarded.get(0);
        assertEquals(List.of(batch.get(3)), record.records());
        assertEquals("RetryAttemptsExhausted", record.condition());
        assertEquals(3, record.approximateInvokeCount());
        assertEquals("java.lang.IllegalStateException", record.errorType());
        assertEquals("cannot process p", record.errorMessage());
        List<String> succeeded = new ArrayList<>();
        synchronized (handler.batches) {
            handler.batches.stream().filter(b -> !b.contains("p")).forEach(succeeded::addAll);
        }
        assertEquals(List.of("a", "b", "c", "e", "f", "g", "h"), succeeded, "the others, in shard order, once each");
        assertEquals(batch.get(7).sequenceNumber(), checkpoints.get(checkpoints.size() - 1));
        assertMonotonic(checkpoints);
        assertEquals(3, handler.batches.stream().filter(b -> b.equals(List.of("p"))).count());
    }

    @Test
    void withoutBisectionTheWholeBatchIsRetriedThenSentToTheDestination() {
        ScriptedHandler handler = ScriptedHandler.throwingOn("p");
        List<StreamRecord> batch = records("a", "p", "c");

        runner(handler, event(false, false, 1)).run(batch, checkpoints::add);

        assertEquals(2, handler.batches.size());
        assertEquals(1, discarded.size());
        assertEquals(batch, discarded.get(0).records());
        assertEquals(List.of(batch.get(2).sequenceNumber()), checkpoints);
        assertEquals(0, stats.snapshot().recordsSucceeded());
        assertEquals(3, stats.snapshot().discardedRecords());
        assertEquals(1, stats.snapshot().mostRetries(), "one retry, then the budget of 1 was spent");
    }

    @Test
    void aPartialFailureThatNeverProgressesIsBisectedAndTheFailingRecordDiscarded() {
        ScriptedHandler handler = new ScriptedHandler((data, event) -> data.contains("p")
                ? ScriptedHandler.failures(ScriptedHandler.sequenceOf(event, "p")) : null);
        List<StreamRecord> batch = records("a", "p", "c", "d");

        runner(handler, event(true, true, 1)).run(batch, checkpoints::add);

        assertEquals(1, discarded.size());
        assertEquals(List.of(batch.get(1)), discarded.get(0).records());
        assertEquals(batch.get(3).sequenceNumber(), checkpoints.get(checkpoints.size() - 1));
        assertMonotonic(checkpoints);
    }

    @Test
    void recordsOlderThanTheMaximumAgeAreDiscardedWithoutInvocation() {
        ScriptedHandler handler = ScriptedHandler.succeeding();
        List<StreamRecord> batch = List.of(record("old", 0, NOW.minusSeconds(120)), record("new", 1, NOW));
        EventSource.Kinesis event = new EventSource.Kinesis("S", STREAM_ARN, "EventStream",
                EventSource.StartingPosition.TRIM_HORIZON, Optional.empty(), 100, Duration.ZERO, false, -1, 60, 1,
                false, Optional.empty(), true);

        runner(handler, event).run(batch, checkpoints::add);

        assertEquals(List.of(List.of("new")), handler.batches);
        assertEquals("RecordAgeExceeded", discarded.get(0).condition());
        assertEquals(List.of(batch.get(0)), discarded.get(0).records());
        assertEquals(List.of(batch.get(0).sequenceNumber(), batch.get(1).sequenceNumber()), checkpoints);
    }

    @Test
    void stoppingDuringEndlessRetriesLeavesTheBatchUncheckpointed() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedHandler handler = new ScriptedHandler((data, event) -> {
            if (calls.incrementAndGet() == 3) {
                stopper.stop();
            }
            throw new IllegalStateException("down");
        });

        BatchRunner.Outcome outcome = runner(handler, event(false, false, -1)).run(records("a"), checkpoints::add);

        assertEquals(BatchRunner.Outcome.STOPPED, outcome);
        assertTrue(checkpoints.isEmpty());
        assertTrue(discarded.isEmpty());
    }

    @Test
    void theS3DestinationWritesAwsShapedRecordsUnderTheMappingAndShard() throws Exception {
        FakeS3 s3 = new FakeS3();
        s3.createBucket(b -> b.bucket("failurebucket"));
        ScriptedHandler handler = ScriptedHandler.throwingOn("p");
        List<StreamRecord> batch = records("p");
        BatchRunner runner = new BatchRunner("uuid-1", handler.function("PumpFunction"), event(false, false, 0),
                events(), new FailureDestination.S3(s3, "failurebucket"), FAST, stats, stopper,
                Clock.fixed(NOW, ZoneOffset.UTC));

        runner.run(batch, checkpoints::add);

        Map<String, byte[]> objects = s3.objects("failurebucket");
        assertEquals(1, objects.size());
        String key = objects.keySet().iterator().next();
        assertTrue(key.matches("aws/lambda/uuid-1/shardId-000000000000/2026/11/26/2026-11-26T17\\.00\\.00-[0-9a-f-]{36}"),
                key);
        JsonNode json = KinesisEvents.JSON.readTree(objects.get(key));
        assertEquals("RetryAttemptsExhausted", json.at("/requestContext/condition").asText());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:PumpFunction",
                json.at("/requestContext/functionArn").asText());
        assertEquals(1, json.at("/requestContext/approximateInvokeCount").asInt());
        assertEquals("Unhandled", json.at("/responseContext/functionError").asText());
        assertEquals("cannot process p", json.at("/responseContext/errorMessage").asText());
        assertEquals("shardId-000000000000", json.at("/KinesisBatchInfo/shardId").asText());
        assertEquals(batch.get(0).sequenceNumber(), json.at("/KinesisBatchInfo/startSequenceNumber").asText());
        assertEquals(batch.get(0).sequenceNumber(), json.at("/KinesisBatchInfo/endSequenceNumber").asText());
        assertEquals(1, json.at("/KinesisBatchInfo/batchSize").asInt());
        assertEquals(STREAM_ARN, json.at("/KinesisBatchInfo/streamArn").asText());
        JsonNode payload = json.at("/payload/Records/0");
        assertEquals("p", new String(Base64.getDecoder().decode(payload.at("/kinesis/data").asText()),
                StandardCharsets.UTF_8));
        assertEquals("aws:kinesis", payload.get("eventSource").asText());
        assertEquals("shardId-000000000000:" + batch.get(0).sequenceNumber(), payload.get("eventID").asText());
    }

    @Test
    void theEventIsBuiltAsLambdaBuildsIt() {
        ScriptedHandler handler = ScriptedHandler.succeeding();
        List<StreamRecord> batch = records("a");

        runner(handler, event(false, false, 0)).run(batch, checkpoints::add);

        var record = handler.events.get(0).getRecords().get(0);
        assertEquals("aws:kinesis", record.getEventSource());
        assertEquals("aws:kinesis:record", record.getEventName());
        assertEquals("1.0", record.getEventVersion());
        assertEquals("us-east-1", record.getAwsRegion());
        assertEquals(STREAM_ARN, record.getEventSourceARN());
        assertEquals("shardId-000000000000:" + batch.get(0).sequenceNumber(), record.getEventID());
        assertEquals("arn:aws:iam::000000000000:role/PumpFunctionRole", record.getInvokeIdentityArn());
        assertEquals("1.0", record.getKinesis().getKinesisSchemaVersion());
        assertEquals("key-0", record.getKinesis().getPartitionKey());
        assertEquals(batch.get(0).sequenceNumber(), record.getKinesis().getSequenceNumber());
        assertEquals(NOW, record.getKinesis().getApproximateArrivalTimestamp().toInstant());
    }

    private BatchRunner runner(ScriptedHandler handler, EventSource.Kinesis event) {
        return new BatchRunner("uuid-1", handler.function("PumpFunction"), event, events(),
                (FailureDestination.Custom) discarded::add, FAST, stats, stopper, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static KinesisEvents events() {
        return new KinesisEvents(STREAM_ARN, "us-east-1", "arn:aws:iam::000000000000:role/PumpFunctionRole");
    }

    static EventSource.Kinesis event(boolean bisect, boolean reportFailures, int maxRetries) {
        return new EventSource.Kinesis("EventStream", STREAM_ARN, "EventStream",
                EventSource.StartingPosition.TRIM_HORIZON, Optional.empty(), 100, Duration.ZERO, bisect, maxRetries,
                -1, 1, reportFailures, Optional.empty(), true);
    }

    private static List<StreamRecord> records(String... data) {
        List<StreamRecord> records = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            records.add(record(data[i], i, NOW));
        }
        return records;
    }

    private static StreamRecord record(String data, int i, Instant arrival) {
        return new StreamRecord("shardId-000000000000", String.valueOf(49_000_000L + i * 10L), "key-" + i,
                SdkBytes.fromString(data, StandardCharsets.UTF_8), arrival);
    }

    private static void assertMonotonic(List<String> sequences) {
        for (int i = 1; i < sequences.size(); i++) {
            assertTrue(new java.math.BigInteger(sequences.get(i)).compareTo(new java.math.BigInteger(sequences.get(i - 1)))
                    > 0, "checkpoints go forward: " + sequences);
        }
    }
}

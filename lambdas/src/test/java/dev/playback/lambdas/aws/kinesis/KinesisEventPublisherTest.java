package dev.playback.lambdas.aws.kinesis;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.event.EventEnvelope;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KinesisEventPublisherTest {
    /**
     * A stream that keeps the records it accepted, in order, and fails the records {@code failFirstTry}
     * picks (by position in the request and record) the first time it sees them.
     */
    private static final class FlakyStream implements KinesisClient {
        final List<PutRecordsRequest> requests = new ArrayList<>();
        final List<PutRecordsRequestEntry> accepted = new ArrayList<>();
        final Set<PutRecordsRequestEntry> seen = new HashSet<>();
        final BiPredicate<Integer, PutRecordsRequestEntry> failFirstTry;
        int failed;

        FlakyStream(BiPredicate<Integer, PutRecordsRequestEntry> failFirstTry) {
            this.failFirstTry = failFirstTry;
        }

        @Override
        public PutRecordsResponse putRecords(PutRecordsRequest request) {
            requests.add(request);
            List<PutRecordsResultEntry> results = new ArrayList<>();
            int failedNow = 0;
            for (int i = 0; i < request.records().size(); i++) {
                PutRecordsRequestEntry r = request.records().get(i);
                if (seen.add(r) && failFirstTry.test(i, r)) {
                    failedNow++;
                    results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("Rate exceeded for shard shardId-000000000000").build());
                } else {
                    accepted.add(r);
                    results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                            .sequenceNumber(Integer.toString(accepted.size())).build());
                }
            }
            failed += failedNow;
            return PutRecordsResponse.builder().failedRecordCount(failedNow).records(results).build();
        }

        /** The events the stream holds, per partition key, in the order they landed. */
        Map<String, List<String>> eventIdsByKey() {
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (PutRecordsRequestEntry r : accepted) {
                List<String> ids = out.computeIfAbsent(r.partitionKey(), k -> new ArrayList<>());
                StreamRecords.decode(r.data().asByteArray()).forEach(e -> ids.add(e.eventId()));
            }
            return out;
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }

    private static Map<String, List<String>> idsByAggregate(List<EventEnvelope> events) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (EventEnvelope e : events) out.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e.eventId());
        return out;
    }

    private static long bytes(PutRecordsRequest request) {
        return request.records().stream().mapToLong(r -> r.data().asByteArrayUnsafe().length + r.partitionKey().length()).sum();
    }

    private static EventEnvelope document(String eventId, String aggregateId, int textLength) {
        return event(eventId, aggregateId, "DocumentAttached", json("{\"text\":\"" + "x".repeat(textLength) + "\"}"));
    }

    @Test
    void putsEveryEventInOrderPerAggregateDespitePartialFailures() {
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            for (int a = 0; a < 40; a++) {
                String id = "acc-" + a;
                events.add(i == 0 ? opened(id + "-e0", id) : deposited(id + "-e" + i, id, i + ".00"));
            }
        }
        FlakyStream stream = new FlakyStream((position, record) -> position % 3 == 0);
        new KinesisEventPublisher(stream, "events").publish(events);
        assertTrue(stream.failed > 0, "the stream failed some records");
        assertEquals(idsByAggregate(events), stream.eventIdsByKey());
        assertTrue(stream.requests.stream().allMatch(r -> r.streamName().equals("events")));
    }

    @Test
    void keepsTheOrderOfAnAggregateSpreadOverSeveralRecordsWhenAnEarlyRecordFails() {
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            for (int a = 0; a < 3; a++) events.add(document("doc-" + a + "-e" + i, "doc-" + a, 200_000));
        }
        // The first record of every aggregate fails once: its later records must not overtake it.
        Set<String> failedOnce = new HashSet<>();
        FlakyStream stream = new FlakyStream((position, record) -> failedOnce.add(record.partitionKey()));
        new KinesisEventPublisher(stream, "events").publish(events);
        assertEquals(3, stream.failed);
        assertEquals(idsByAggregate(events), stream.eventIdsByKey());
        assertTrue(stream.accepted.size() >= 9, "each aggregate's 2.4 MB travel in several records: " + stream.accepted.size());
        for (PutRecordsRequestEntry r : stream.accepted) {
            assertTrue(r.data().asByteArrayUnsafe().length + r.partitionKey().length() <= StreamRecords.MAX_RECORD_BYTES);
        }
    }

    @Test
    void sendsAtMost500RecordsPerRequest() {
        List<EventEnvelope> events = new ArrayList<>();
        for (int a = 0; a < 1201; a++) events.add(opened("e-" + a, "acc-" + a));
        FlakyStream stream = new FlakyStream((position, record) -> position == 499);
        new KinesisEventPublisher(stream, "events").publish(events);
        assertTrue(stream.requests.size() >= 3);
        assertTrue(stream.requests.stream().allMatch(r -> r.records().size() <= KinesisEventPublisher.MAX_RECORDS_PER_REQUEST),
                stream.requests.stream().map(r -> r.records().size()).toList().toString());
        assertEquals(1201, stream.accepted.size());
        assertEquals(idsByAggregate(events), stream.eventIdsByKey());
    }

    @Test
    void sendsAtMostFiveMegabytesPerRequest() {
        List<EventEnvelope> events = new ArrayList<>();
        for (int a = 0; a < 30; a++) events.add(document("e-" + a, "doc-" + a, 400_000));
        FlakyStream stream = new FlakyStream((position, record) -> position == 1);
        new KinesisEventPublisher(stream, "events").publish(events);
        assertTrue(stream.requests.size() >= 3, "12 MB need at least 3 requests");
        assertTrue(stream.requests.stream().allMatch(r -> bytes(r) <= KinesisEventPublisher.MAX_BYTES_PER_REQUEST),
                stream.requests.stream().map(KinesisEventPublisherTest::bytes).toList().toString());
        assertEquals(idsByAggregate(events), stream.eventIdsByKey());
    }

    @Test
    void usesTheAggregateIdAsPartitionKey() {
        FlakyStream stream = new FlakyStream((position, record) -> false);
        new KinesisEventPublisher(stream, "events").publish(List.of(opened("e-1", "acc-1"), opened("e-2", "acc-2")));
        assertEquals(List.of("acc-1", "acc-2"), stream.accepted.stream().map(PutRecordsRequestEntry::partitionKey).toList());
        assertEquals(1, stream.requests.size());
    }

    // --- the ingest's publish deadline ---

    /** Time that moves only when the publisher waits, and a stream that fails every record until a given time. */
    private static final class StreamFailingUntil implements KinesisClient {
        long nanos;
        final long untilNanos;
        final java.util.function.Supplier<RuntimeException> error;
        final List<PutRecordsRequestEntry> accepted = new ArrayList<>();
        /** (time of the call, the call's timeout) per request, in nanoseconds. */
        final List<long[]> calls = new ArrayList<>();

        StreamFailingUntil(java.time.Duration until, java.util.function.Supplier<RuntimeException> error) {
            this.untilNanos = until.toNanos();
            this.error = error;
        }

        void sleep(long millis) {
            nanos += millis * 1_000_000;
        }

        @Override
        public PutRecordsResponse putRecords(PutRecordsRequest request) {
            calls.add(new long[] {nanos, request.overrideConfiguration().flatMap(o -> o.apiCallTimeout()).map(java.time.Duration::toNanos).orElse(-1L)});
            if (nanos < untilNanos && error != null) throw error.get();
            List<PutRecordsResultEntry> results = new ArrayList<>();
            int failed = 0;
            for (PutRecordsRequestEntry r : request.records()) {
                if (nanos < untilNanos) {
                    failed++;
                    results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException").build());
                } else {
                    accepted.add(r);
                    results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000").sequenceNumber("1").build());
                }
            }
            return PutRecordsResponse.builder().failedRecordCount(failed).records(results).build();
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }

    private static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(20);

    private static KinesisEventPublisher withDeadline(StreamFailingUntil stream, java.time.Duration deadline) {
        return new KinesisEventPublisher(stream, "events", deadline, () -> stream.nanos, stream::sleep);
    }

    @Test
    void givesUpAtTheDeadlineWhenTheStreamKeepsFailingAndNeverWaitsPastIt() {
        StreamFailingUntil stream = new StreamFailingUntil(java.time.Duration.ofDays(1), null);
        dev.playback.model.event.PublishDeadlineExceeded e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.playback.model.event.PublishDeadlineExceeded.class,
                () -> withDeadline(stream, DEADLINE).publish(List.of(opened("e-1", "acc-1"), opened("e-2", "acc-2"))));
        assertEquals(DEADLINE, e.deadline());
        assertEquals(20_000_000_000L, stream.nanos, "it retried until the deadline, and waited no longer");
        assertTrue(stream.calls.size() > 5, "it retried: " + stream.calls.size() + " calls");
        assertTrue(e.getMessage().contains("2 records not on stream events"), e.getMessage());
        assertEquals(List.of(), stream.accepted);
    }

    @Test
    void boundsEachCallToKinesisByTheTimeLeft() {
        StreamFailingUntil stream = new StreamFailingUntil(java.time.Duration.ofSeconds(3), null);
        withDeadline(stream, DEADLINE).publish(List.of(opened("e-1", "acc-1")));
        for (long[] call : stream.calls) assertEquals(20_000_000_000L - call[0], call[1], "timeout of the call at " + call[0] + " ns");
        assertEquals(1, stream.accepted.size());
    }

    @Test
    void retriesThrottlingAndTimeoutsUntilTheDeadline() {
        StreamFailingUntil throttled = new StreamFailingUntil(java.time.Duration.ofSeconds(2), () ->
                software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException.builder().statusCode(400)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException").build()).build());
        withDeadline(throttled, DEADLINE).publish(List.of(opened("e-1", "acc-1")));
        assertEquals(1, throttled.accepted.size());

        StreamFailingUntil timingOut = new StreamFailingUntil(java.time.Duration.ofDays(1), () ->
                software.amazon.awssdk.core.exception.ApiCallTimeoutException.create(1000));
        org.junit.jupiter.api.Assertions.assertThrows(dev.playback.model.event.PublishDeadlineExceeded.class,
                () -> withDeadline(timingOut, DEADLINE).publish(List.of(opened("e-1", "acc-1"))));
        assertEquals(20_000_000_000L, timingOut.nanos);
    }

    @Test
    void passesOnAnErrorThatRetryingCannotCure() {
        StreamFailingUntil missing = new StreamFailingUntil(java.time.Duration.ofDays(1), () ->
                software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.builder().statusCode(400)
                        .message("Stream events not found").build());
        org.junit.jupiter.api.Assertions.assertThrows(software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.class,
                () -> withDeadline(missing, DEADLINE).publish(List.of(opened("e-1", "acc-1"))));
        assertEquals(1, missing.calls.size());
    }

    @Test
    void keepsRetryingPastTwentySecondsWithoutADeadlineAsThePumpDoes() {
        StreamFailingUntil stream = new StreamFailingUntil(java.time.Duration.ofSeconds(25), null);
        new KinesisEventPublisher(stream, "events", null, () -> stream.nanos, stream::sleep).publish(List.of(opened("e-1", "acc-1")));
        assertEquals(1, stream.accepted.size());
        assertTrue(stream.nanos >= 25_000_000_000L, "published after the stream recovered at 25 s: " + stream.nanos);
        assertTrue(stream.calls.stream().allMatch(c -> c[1] == -1), "no call is cut short without a deadline");
    }
}

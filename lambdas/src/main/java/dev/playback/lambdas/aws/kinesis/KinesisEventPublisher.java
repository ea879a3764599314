package dev.playback.lambdas.aws.kinesis;

import dev.playback.model.event.EventCodec;
import dev.playback.model.batch.PerAggregate;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventPublisher;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import dev.playback.model.event.PublishDeadlineExceeded;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Publishes events to a Kinesis stream with PutRecords, partition key = aggregate id.
 *
 * <p>Each aggregate's events are packed into records of at most 1 MB ({@link StreamRecords}); the
 * records go out in waves, wave k holding the k-th record of every aggregate, so a record retried
 * after a partial failure can never overtake a later record of its aggregate. Within a wave, requests
 * hold at most 500 records and 5 MB; failed records are retried with backoff until all are in.
 *
 * <p>With a deadline ({@link #withDeadline}, the ingest's use: an HTTP request must be answered within API Gateway's
 * 29 s), {@link #publish} keeps retrying failed records and transient errors until the deadline, then throws
 * {@link PublishDeadlineExceeded}; each call to Kinesis is bounded by the time left. What went in before is harmless:
 * the caller does not acknowledge, and a retry with the same event ids is appended once. Without a deadline (the pump
 * feeding the playback stream) nothing is given up by time.
 */
public final class KinesisEventPublisher implements EventPublisher {
    public static final int MAX_RECORDS_PER_REQUEST = 500;
    public static final int MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;
    private static final int MAX_ATTEMPTS = 30;

    private final KinesisClient kinesis;
    private final String stream;
    private final Duration deadline;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    /** Waits between retries; a test's can move its clock instead. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis);
    }

    /** Without a deadline: {@link #publish} returns when every record is in. */
    public KinesisEventPublisher(KinesisClient kinesis, String stream) {
        this(kinesis, stream, null, System::nanoTime, KinesisEventPublisher::sleep);
    }

    KinesisEventPublisher(KinesisClient kinesis, String stream, Duration deadline, LongSupplier nanoTime, Sleeper sleeper) {
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("publish deadline must be > 0, got " + deadline);
        }
        this.kinesis = kinesis;
        this.stream = stream;
        this.deadline = deadline;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** A publisher whose {@link #publish} gives up {@code deadline} after it started, with {@link PublishDeadlineExceeded}. */
    public static KinesisEventPublisher withDeadline(KinesisClient kinesis, String stream, Duration deadline) {
        return new KinesisEventPublisher(kinesis, stream, java.util.Objects.requireNonNull(deadline, "deadline"),
                System::nanoTime, KinesisEventPublisher::sleep);
    }

    @Override
    public void publish(List<EventEnvelope> events) {
        Budget budget = deadline == null ? new Budget(null, Long.MAX_VALUE, nanoTime, sleeper)
                : new Budget(deadline, nanoTime.getAsLong() + deadline.toNanos(), nanoTime, sleeper);
        Map<String, List<PutRecordsRequestEntry>> recordsByAggregate = new LinkedHashMap<>();
        Map<String, List<EventEnvelope>> byAggregate = PerAggregate.group(events, EventEnvelope::aggregateId);
        int waves = 0;
        for (var entry : byAggregate.entrySet()) {
            List<PutRecordsRequestEntry> records = pack(entry.getKey(), entry.getValue());
            recordsByAggregate.put(entry.getKey(), records);
            waves = Math.max(waves, records.size());
        }
        for (int k = 0; k < waves; k++) {
            List<PutRecordsRequestEntry> wave = new ArrayList<>();
            for (List<PutRecordsRequestEntry> records : recordsByAggregate.values()) {
                if (k < records.size()) wave.add(records.get(k));
            }
            putAll(kinesis, stream, wave, budget);
        }
    }

    /** Each event is encoded once: its bytes both size the records and make them up. */
    private static List<PutRecordsRequestEntry> pack(String aggregateId, List<EventEnvelope> events) {
        List<PutRecordsRequestEntry> out = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        int size = 2;
        for (EventEnvelope e : events) {
            byte[] encoded = EventCodec.toBytes(e);
            int eventSize = encoded.length + 1;
            if (eventSize + 2 + aggregateId.length() > StreamRecords.MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("event " + e.eventId() + " is " + eventSize + " bytes encoded; a stream record takes at most " + StreamRecords.MAX_RECORD_BYTES);
            }
            if (!current.isEmpty() && size + eventSize + aggregateId.length() > StreamRecords.MAX_RECORD_BYTES) {
                out.add(entry(aggregateId, current));
                current = new ArrayList<>();
                size = 2;
            }
            current.add(encoded);
            size += eventSize;
        }
        if (!current.isEmpty()) out.add(entry(aggregateId, current));
        return out;
    }

    private static PutRecordsRequestEntry entry(String aggregateId, List<byte[]> encodedEvents) {
        return PutRecordsRequestEntry.builder().partitionKey(aggregateId)
                .data(SdkBytes.fromByteArrayUnsafe(StreamRecords.encodeEncoded(encodedEvents))).build();
    }

    /**
     * Puts records (at most one per aggregate) until every one is in. Returns each record's result
     * (shard id and sequence number), in the order of {@code records}.
     */
    public List<PutRecordsResultEntry> putAll(List<PutRecordsRequestEntry> records) {
        return putAll(kinesis, stream, records);
    }

    /** {@link #putAll(List)} on any stream: requests of at most 500 records and 5 MB, failed records retried with backoff. */
    public static List<PutRecordsResultEntry> putAll(KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> records) {
        return putAll(kinesis, stream, records, Budget.unlimited());
    }

    private static List<PutRecordsResultEntry> putAll(KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> records, Budget budget) {
        PutRecordsResultEntry[] results = new PutRecordsResultEntry[records.size()];
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            PutRecordsRequestEntry r = records.get(i);
            long size = r.data().asByteArrayUnsafe().length + r.partitionKey().length();
            if (!current.isEmpty() && (current.size() == MAX_RECORDS_PER_REQUEST || bytes + size > MAX_BYTES_PER_REQUEST)) {
                putUntilAllIn(kinesis, stream, records, current, results, budget);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(i);
            bytes += size;
        }
        if (!current.isEmpty()) putUntilAllIn(kinesis, stream, records, current, results, budget);
        return Arrays.asList(results);
    }

    private static void putUntilAllIn(KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> records,
                                      List<Integer> indexes, PutRecordsResultEntry[] results, Budget budget) {
        List<Integer> pending = indexes;
        String lastError = "no attempt made";
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (budget.limited()) {
                if (budget.left() <= 0) {
                    throw new PublishDeadlineExceeded(budget.deadline(), pending.size() + " records not on stream " + stream
                            + " after " + (attempt - 1) + " attempts (last: " + lastError + ")", null);
                }
            } else if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException(pending.size() + " records could not be put on stream " + stream + " after " + MAX_ATTEMPTS + " attempts");
            }
            List<PutRecordsRequestEntry> batch = new ArrayList<>(pending.size());
            for (int i : pending) batch.add(records.get(i));
            PutRecordsResponse response;
            if (budget.limited()) {
                Duration left = Duration.ofNanos(Math.max(1_000_000, budget.left()));
                try {
                    response = kinesis.putRecords(p -> p.streamName(stream).records(batch)
                            .overrideConfiguration(o -> o.apiCallTimeout(left)));
                } catch (SdkException e) {
                    if (!(e instanceof ApiCallTimeoutException) && !e.retryable() && !isThrottling(e)) throw e;
                    lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                    budget.sleep(Math.min(2000, 25L << Math.min(attempt, 7)));
                    continue;
                }
            } else {
                response = kinesis.putRecords(p -> p.streamName(stream).records(batch));
            }
            List<Integer> failed = new ArrayList<>();
            List<PutRecordsResultEntry> entries = response.records();
            boolean allIn = response.failedRecordCount() == null || response.failedRecordCount() == 0;
            for (int i = 0; i < pending.size(); i++) {
                PutRecordsResultEntry entry = i < entries.size() ? entries.get(i) : null;
                if (!allIn && (entry == null || entry.errorCode() != null)) failed.add(pending.get(i));
                else results[pending.get(i)] = entry == null ? PutRecordsResultEntry.builder().build() : entry;
            }
            pending = failed;
            if (!pending.isEmpty()) {
                for (PutRecordsResultEntry e : entries) {
                    if (e.errorCode() != null) {
                        lastError = e.errorCode();
                        break;
                    }
                }
                budget.sleep(Math.min(2000, 25L << Math.min(attempt, 7)));
            }
        }
    }

    private static boolean isThrottling(SdkException e) {
        return e instanceof AwsServiceException a && (a.isThrottlingException() || a.statusCode() >= 500);
    }

    /** The time a {@link #publish} may take: unlimited, or until {@code giveUpAt} on {@code nanoTime}. */
    private record Budget(Duration deadline, long giveUpAt, LongSupplier nanoTime, Sleeper sleeper) {
        static Budget unlimited() {
            return new Budget(null, Long.MAX_VALUE, System::nanoTime, KinesisEventPublisher::sleep);
        }

        boolean limited() {
            return deadline != null;
        }

        long left() {
            return giveUpAt - nanoTime.getAsLong();
        }

        /** Waits {@code millis}, or only what is left of a limited budget. */
        void sleep(long millis) {
            long wait = limited() ? Math.max(0, Math.min(millis, (left() + 999_999) / 1_000_000)) : millis;
            if (wait > 0) sleeper.sleep(wait);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying PutRecords", e);
        }
    }
}

package dev.playback.lambdas.aws.kinesis;

import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventPublisher;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes events to a Kinesis stream with PutRecords, partition key = aggregate id.
 *
 * <p>Each aggregate's events are packed into records of at most 1 MB ({@link StreamRecords}); the
 * records go out in waves, wave k holding the k-th record of every aggregate, so a record retried
 * after a partial failure can never overtake a later record of its aggregate. Within a wave, requests
 * hold at most 500 records and 5 MB; failed records are retried with backoff until all are in.
 */
public final class KinesisEventPublisher implements EventPublisher {
    public static final int MAX_RECORDS_PER_REQUEST = 500;
    public static final int MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;
    private static final int MAX_ATTEMPTS = 30;

    private final KinesisClient kinesis;
    private final String stream;

    public KinesisEventPublisher(KinesisClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    @Override
    public void publish(List<EventEnvelope> events) {
        Map<String, List<PutRecordsRequestEntry>> recordsByAggregate = new LinkedHashMap<>();
        Map<String, List<EventEnvelope>> byAggregate = new LinkedHashMap<>();
        for (EventEnvelope e : events) byAggregate.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
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
            putAll(wave);
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
        PutRecordsResultEntry[] results = new PutRecordsResultEntry[records.size()];
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            PutRecordsRequestEntry r = records.get(i);
            long size = r.data().asByteArrayUnsafe().length + r.partitionKey().length();
            if (!current.isEmpty() && (current.size() == MAX_RECORDS_PER_REQUEST || bytes + size > MAX_BYTES_PER_REQUEST)) {
                putUntilAllIn(kinesis, stream, records, current, results);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(i);
            bytes += size;
        }
        if (!current.isEmpty()) putUntilAllIn(kinesis, stream, records, current, results);
        return Arrays.asList(results);
    }

    private static void putUntilAllIn(KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> records,
                                      List<Integer> indexes, PutRecordsResultEntry[] results) {
        List<Integer> pending = indexes;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException(pending.size() + " records could not be put on stream " + stream + " after " + MAX_ATTEMPTS + " attempts");
            }
            List<PutRecordsRequestEntry> batch = new ArrayList<>(pending.size());
            for (int i : pending) batch.add(records.get(i));
            PutRecordsResponse response = kinesis.putRecords(p -> p.streamName(stream).records(batch));
            List<Integer> failed = new ArrayList<>();
            List<PutRecordsResultEntry> entries = response.records();
            boolean allIn = response.failedRecordCount() == null || response.failedRecordCount() == 0;
            for (int i = 0; i < pending.size(); i++) {
                PutRecordsResultEntry entry = i < entries.size() ? entries.get(i) : null;
                if (!allIn && (entry == null || entry.errorCode() != null)) failed.add(pending.get(i));
                else results[pending.get(i)] = entry == null ? PutRecordsResultEntry.builder().build() : entry;
            }
            pending = failed;
            if (!pending.isEmpty()) sleep(Math.min(2000, 25L << Math.min(attempt, 7)));
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

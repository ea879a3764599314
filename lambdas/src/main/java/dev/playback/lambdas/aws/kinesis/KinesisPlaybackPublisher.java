package dev.playback.lambdas.aws.kinesis;

import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.PlaybackPublisher;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.SequenceNumbers;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts playback records on the playback stream (partition key = aggregate id). A record larger than a
 * Kinesis record is split into several of consecutive events; they go out in waves (the k-th part of
 * every aggregate in wave k) so a retried part never overtakes a later one. Returns the highest sequence
 * number written per shard.
 */
public final class KinesisPlaybackPublisher implements PlaybackPublisher {
    private final KinesisClient kinesis;
    private final String stream;

    public KinesisPlaybackPublisher(KinesisClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    /** DescribeStreamSummary's open shard count (by stream name: kinesalite serves it so, as AWS does). */
    @Override
    public int openShards() {
        return kinesis.describeStreamSummary(d -> d.streamName(stream)).streamDescriptionSummary().openShardCount();
    }

    @Override
    public Map<String, String> publish(List<PlaybackRecord> records) {
        List<List<PutRecordsRequestEntry>> parts = new ArrayList<>();
        int waves = 0;
        for (PlaybackRecord r : records) {
            List<PutRecordsRequestEntry> p = split(r);
            parts.add(p);
            waves = Math.max(waves, p.size());
        }
        Map<String, String> highest = new TreeMap<>();
        for (int k = 0; k < waves; k++) {
            List<PutRecordsRequestEntry> wave = new ArrayList<>();
            for (List<PutRecordsRequestEntry> p : parts) if (k < p.size()) wave.add(p.get(k));
            for (PutRecordsResultEntry result : KinesisEventPublisher.putAll(kinesis, stream, wave)) {
                if (result.shardId() != null && result.sequenceNumber() != null) {
                    highest.merge(result.shardId(), result.sequenceNumber(), SequenceNumbers::max);
                }
            }
        }
        return highest;
    }

    static List<PutRecordsRequestEntry> split(PlaybackRecord r) {
        int overhead = PlaybackRecords.encode(part(r, r.events().subList(0, 1))).length
                - EventCodec.toBytes(r.events().get(0)).length + r.aggregateId().length();
        List<PutRecordsRequestEntry> out = new ArrayList<>();
        List<EventEnvelope> current = new ArrayList<>();
        int size = overhead;
        for (EventEnvelope e : r.events()) {
            int eventSize = EventCodec.toBytes(e).length + 1;
            if (overhead + eventSize > StreamRecords.MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("event " + e.eventId() + " is " + eventSize + " bytes encoded; a playback record takes at most " + StreamRecords.MAX_RECORD_BYTES);
            }
            if (!current.isEmpty() && size + eventSize > StreamRecords.MAX_RECORD_BYTES) {
                out.add(entry(r, current));
                current = new ArrayList<>();
                size = overhead;
            }
            current.add(e);
            size += eventSize;
        }
        if (!current.isEmpty()) out.add(entry(r, current));
        return out;
    }

    /** The same record (replay, generation, processors, gateway policy) with some of its events. */
    private static PlaybackRecord part(PlaybackRecord r, List<EventEnvelope> events) {
        return new PlaybackRecord(r.replayId(), r.generation(), r.processors(), events, r.gatewayMode(), r.missingRecords());
    }

    private static PutRecordsRequestEntry entry(PlaybackRecord r, List<EventEnvelope> events) {
        PlaybackRecord part = part(r, events);
        return PutRecordsRequestEntry.builder().partitionKey(r.aggregateId()).data(SdkBytes.fromByteArray(PlaybackRecords.encode(part))).build();
    }
}

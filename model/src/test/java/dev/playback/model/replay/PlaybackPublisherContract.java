package dev.playback.model.replay;

import dev.playback.model.event.EventEnvelope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.event.Envelopes.created;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link PlaybackPublisher}: when {@code publish} returns, every record is on the playback stream
 * under its aggregate id as partition key, in order per aggregate, with its replay's fields, and the call returns,
 * per shard it wrote to, the highest sequence number it wrote. Extend it once per implementation:
 * {@link #newPublisher} publishes to a fresh, empty stream and {@link #onStream} reads back what is on it. This
 * class ships in model's test-jar, so an adapter module runs it as is.
 */
public abstract class PlaybackPublisherContract {
    /** One record as it sits on the stream. */
    public record Put(String shardId, String sequenceNumber, String partitionKey, PlaybackRecord record) {
    }

    protected PlaybackPublisher publisher;

    /** A publisher to a fresh stream with nothing on it. */
    protected abstract PlaybackPublisher newPublisher();

    /** Everything on the stream so far, each shard in stream order. */
    protected abstract List<Put> onStream();

    @BeforeEach
    void createPublisher() {
        publisher = newPublisher();
    }

    private static PlaybackRecord record(EventEnvelope... events) {
        return new PlaybackRecord("r-1", "g2", List.of("totals"), List.of(events));
    }

    /** Per partition key, the events of its records in stream order. */
    private Map<String, List<EventEnvelope>> eventsByPartitionKey(List<Put> puts) {
        Map<String, List<EventEnvelope>> out = new LinkedHashMap<>();
        for (Put p : puts) out.computeIfAbsent(p.partitionKey(), k -> new ArrayList<>()).addAll(p.record().events());
        return out;
    }

    /** The highest sequence number per shard among {@code puts}, compared as numbers. */
    private static Map<String, String> highest(List<Put> puts) {
        Map<String, String> out = new TreeMap<>();
        for (Put p : puts) {
            out.merge(p.shardId(), p.sequenceNumber(), (a, b) -> new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b);
        }
        return out;
    }

    @Test
    void putsEveryRecordUnderItsAggregateInOrder_andReturnsTheHighestSequenceNumberPerShard() {
        EventEnvelope a1 = created("a1", "acc-1").withVersion(1);
        EventEnvelope a2 = added("a2", "acc-1", "10.00").withVersion(2);
        EventEnvelope a3 = added("a3", "acc-1", "2.50").withVersion(3);
        EventEnvelope b1 = created("b1", "acc-2").withVersion(1);
        EventEnvelope c1 = created("c1", "acc-3").withVersion(1);
        EventEnvelope d1 = created("d1", "acc-4").withVersion(1);

        Map<String, String> written = publisher.publish(List.of(record(a1, a2), record(b1), record(c1), record(a3), record(d1)));

        List<Put> puts = onStream();
        assertEquals(Map.of("acc-1", List.of(a1, a2, a3), "acc-2", List.of(b1), "acc-3", List.of(c1), "acc-4", List.of(d1)),
                eventsByPartitionKey(puts));
        for (Put p : puts) assertEquals(p.partitionKey(), p.record().aggregateId(), "the partition key is the aggregate id");
        assertEquals(highest(puts), written);
    }

    @Test
    void keepsTheReplaysFieldsOnEveryRecord() {
        PlaybackRecord diff = new PlaybackRecord("r-7", "shadow-r-7", List.of("totals", "notifier"),
                List.of(created("a1", "acc-1").withVersion(1)), "diff", "live");
        PlaybackRecord defaults = new PlaybackRecord("r-7", "shadow-r-7", List.of("notifier"), List.of(created("b1", "acc-2").withVersion(1)));

        publisher.publish(List.of(diff, defaults));

        Set<PlaybackRecord> onStream = new HashSet<>();
        for (Put p : onStream()) onStream.add(p.record());
        assertEquals(Set.of(diff, defaults), onStream);
        assertTrue(onStream.stream().anyMatch(r -> r.gatewayMode().equals("suppress") && r.missingRecords().equals("fail")));
    }

    @Test
    void keepsTheOrderOfAnAggregateAcrossCalls_andReturnsOnlyWhatEachCallWrote() {
        EventEnvelope a1 = created("a1", "acc-1").withVersion(1);
        EventEnvelope a2 = added("a2", "acc-1", "1.00").withVersion(2);
        EventEnvelope b1 = created("b1", "acc-2").withVersion(1);

        Map<String, String> first = publisher.publish(List.of(record(a1), record(b1)));
        List<Put> afterFirst = onStream();
        Map<String, String> second = publisher.publish(List.of(record(a2)));
        List<Put> all = onStream();

        assertEquals(highest(afterFirst), first);
        List<Put> secondPuts = new ArrayList<>(all);
        secondPuts.removeAll(afterFirst);
        assertEquals(highest(secondPuts), second);
        assertEquals(1, second.size(), "one record went to one shard");
        assertEquals(Map.of("acc-1", List.of(a1, a2), "acc-2", List.of(b1)), eventsByPartitionKey(all));
    }

    @Test
    void putsNothingForNoRecords() {
        assertEquals(Map.of(), publisher.publish(List.of()));

        assertEquals(List.of(), onStream());
    }

    @Test
    void putsARecordLargerThanAStreamRecord_asConsecutiveRecordsOfItsAggregate() {
        // Four events of about 400 kB each: more than one Kinesis record (1 MB) holds.
        List<EventEnvelope> documents = new ArrayList<>();
        for (int v = 1; v <= 4; v++) {
            documents.add(event("d" + v, "doc-1", "DocumentAttached", json("{\"text\":\"" + String.valueOf((char) ('a' + v)).repeat(400_000) + "\"}"))
                    .withVersion(v));
        }
        EventEnvelope other = created("o1", "acc-9").withVersion(1);

        Map<String, String> written = publisher.publish(List.of(new PlaybackRecord("r-2", "g3", List.of("totals"), documents, "diff", "live"),
                record(other)));

        List<Put> puts = onStream();
        assertEquals(Map.of("doc-1", documents, "acc-9", List.of(other)), eventsByPartitionKey(puts));
        for (Put p : puts) {
            if (!p.partitionKey().equals("doc-1")) continue;
            PlaybackRecord part = p.record();
            assertEquals(List.of("r-2", "g3", List.of("totals"), "diff", "live"),
                    List.of(part.replayId(), part.generation(), part.processors(), part.gatewayMode(), part.missingRecords()));
        }
        assertEquals(highest(puts), written);
    }
}

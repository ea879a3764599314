package dev.playback.lambdas.aws.kinesis;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.PlaybackRecord;
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

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KinesisPlaybackPublisherTest {
    /** Two shards by partition key; sequence numbers of 56 digits counting up; fails every record once on first sight when asked. */
    private static final class Stream implements KinesisClient {
        final List<PutRecordsRequest> requests = new ArrayList<>();
        final List<PutRecordsRequestEntry> accepted = new ArrayList<>();
        final Set<PutRecordsRequestEntry> seen = new HashSet<>();
        final boolean failOnce;
        long next = 1;

        Stream(boolean failOnce) {
            this.failOnce = failOnce;
        }

        @Override
        public PutRecordsResponse putRecords(PutRecordsRequest request) {
            requests.add(request);
            List<PutRecordsResultEntry> results = new ArrayList<>();
            int failed = 0;
            for (PutRecordsRequestEntry r : request.records()) {
                if (seen.add(r) && failOnce && results.size() % 2 == 0) {
                    failed++;
                    results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException").build());
                } else {
                    accepted.add(r);
                    String shard = "shardId-00000000000" + Math.floorMod(r.partitionKey().hashCode(), 2);
                    results.add(PutRecordsResultEntry.builder().shardId(shard)
                            .sequenceNumber("4959" + String.format("%052d", next++)).build());
                }
            }
            return PutRecordsResponse.builder().failedRecordCount(failed).records(results).build();
        }

        List<PlaybackRecord> records() {
            return accepted.stream().map(r -> PlaybackRecords.decode(r.data().asByteArray())).toList();
        }

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {
        }
    }

    private static List<EventEnvelope> versions(EventEnvelope... events) {
        List<EventEnvelope> out = new ArrayList<>();
        for (int i = 0; i < events.length; i++) out.add(events[i].withVersion(i + 1));
        return out;
    }

    @Test
    void putsEveryRecordDespitePartialFailuresAndReturnsTheHighestSequenceNumberPerShard() {
        Stream stream = new Stream(true);
        List<PlaybackRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(new PlaybackRecord("r-1", "g1", List.of("balances"),
                    versions(opened("o" + i, "acc-" + i), deposited("d" + i, "acc-" + i, "1.00"))));
        }
        Map<String, String> highest = new KinesisPlaybackPublisher(stream, "playback").publish(records);
        assertEquals(10, stream.accepted.size());
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < stream.accepted.size(); i++) {
            String shard = "shardId-00000000000" + Math.floorMod(stream.accepted.get(i).partitionKey().hashCode(), 2);
            expected.put(shard, "4959" + String.format("%052d", i + 1));
        }
        assertEquals(expected, highest);
        PlaybackRecord first = stream.records().stream().filter(r -> r.aggregateId().equals("acc-3")).findFirst().orElseThrow();
        assertEquals("r-1", first.replayId());
        assertEquals("g1", first.generation());
        assertEquals(List.of("balances"), first.processors());
        assertEquals(List.of(1L, 2L), first.events().stream().map(EventEnvelope::version).toList());
    }

    @Test
    void splitsAnAggregateLargerThanOneRecordIntoConsecutiveRecordsInOrder() {
        Stream stream = new Stream(true);
        List<EventEnvelope> big = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            big.add(event("e" + i, "acc-big", "DocumentAttached", json("{\"text\":\"" + "x".repeat(300_000) + "\"}")).withVersion(i));
        }
        new KinesisPlaybackPublisher(stream, "playback").publish(List.of(new PlaybackRecord("r-1", "g1", List.of("balances"), big)));
        List<Long> order = new ArrayList<>();
        for (PlaybackRecord r : stream.records()) r.events().forEach(e -> order.add(e.version()));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), order);
        assertTrue(stream.accepted.size() >= 2);
        assertTrue(stream.accepted.stream().allMatch(r -> r.data().asByteArrayUnsafe().length <= StreamRecords.MAX_RECORD_BYTES));
        assertTrue(stream.requests.stream().allMatch(r -> r.records().size() == 1), "one record per aggregate per wave");
    }

    @Test
    void tellsPlaybackRecordsFromEventBatches() {
        PlaybackRecord r = new PlaybackRecord("r-1", "g1", List.of("balances"), versions(opened("o", "acc-1")));
        assertTrue(PlaybackRecords.isPlayback(PlaybackRecords.encode(r)));
        assertTrue(!PlaybackRecords.isPlayback(StreamRecords.encode(List.of(opened("o", "acc-1")))));
        assertEquals(r, PlaybackRecords.decode(PlaybackRecords.encode(r)));
    }
}

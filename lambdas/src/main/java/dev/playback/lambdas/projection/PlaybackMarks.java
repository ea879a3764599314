package dev.playback.lambdas.projection;

import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.SequenceNumbers;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a processor records after a batch of playback records, for its replays' drain checks: per replay,
 * processor and shard, the highest sequence number it processed below the first record of that shard still
 * to be retried (so a drain check never passes a record that has yet to apply), and how many events that was.
 */
public final class PlaybackMarks {
    private PlaybackMarks() {
    }

    /** A playback record of the batch and where it was on the stream. */
    public record Processed(String shardId, String sequenceNumber, PlaybackRecord record) {
    }

    /**
     * @param processors the processors that ran the batch (a record counts for those of them it names)
     * @param failed     sequence numbers to retry
     * @param blocking   other records of the batch to retry (not playback records), by shard and sequence number
     */
    public static void mark(ReplayStore replays, Collection<String> processors, List<Processed> records, Set<String> failed,
                            Map<String, String> blocking) {
        Map<String, String> lowestFailed = new HashMap<>(blocking);
        for (Processed r : records) {
            if (failed.contains(r.sequenceNumber())) lowestFailed.merge(r.shardId(), r.sequenceNumber(), SequenceNumbers::min);
        }
        Map<List<String>, String> highest = new LinkedHashMap<>();
        Map<List<String>, Long> counts = new HashMap<>();
        for (Processed r : records) {
            if (failed.contains(r.sequenceNumber())) continue;
            String low = lowestFailed.get(r.shardId());
            if (low != null && SequenceNumbers.compare(r.sequenceNumber(), low) > 0) continue;
            for (String processor : processors) {
                if (!r.record().isFor(processor)) continue;
                List<String> key = List.of(r.record().replayId(), processor, r.shardId());
                highest.merge(key, r.sequenceNumber(), SequenceNumbers::max);
                counts.merge(key, (long) r.record().events().size(), Long::sum);
            }
        }
        highest.forEach((key, seq) -> replays.markApplied(key.get(0), key.get(1), key.get(2), seq, counts.get(key)));
    }
}

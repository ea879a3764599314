package dev.playback.model.playback;

import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.SequenceNumbers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a processor records after a batch of playback records, for its replays' drain checks: per replay,
 * processor and shard, the highest sequence number it processed below the first record of that shard still
 * to be retried (so a drain check never passes a record that has yet to apply), the events of the records it
 * applied (each record counted once), and the records that failed, until they apply
 * ({@link ReplayStore#recordApplied}). A record that failed more than {@link ReplayStore.AppliedShard#RETRIES} times is
 * given up on: the processor no longer retries it (so its shard moves on) and its replay fails naming it.
 */
public final class PlaybackMarks {
    private PlaybackMarks() {
    }

    /** A playback record of the batch and where it was on the stream. */
    public record Processed(String shardId, String sequenceNumber, PlaybackRecord record) {
    }

    /** {@link #mark(ReplayStore, Collection, List, Set, Map)} without reasons: a failed record "could not be applied". */
    public static Set<String> mark(ReplayStore replays, Collection<String> processors, List<Processed> records, Set<String> failed) {
        return mark(replays, processors, records, failed, Map.of());
    }

    /**
     * @param processors the processors that ran the batch (a record counts for those of them it names)
     * @param failed     sequence numbers to retry
     * @param reasons    why a record failed, by sequence number (where known)
     * @return the failed records given up on (sequence numbers): not to be retried
     */
    public static Set<String> mark(ReplayStore replays, Collection<String> processors, List<Processed> records, Set<String> failed,
                                   Map<String, String> reasons) {
        Map<String, String> lowestFailed = new HashMap<>();
        for (Processed r : records) {
            if (failed.contains(r.sequenceNumber())) lowestFailed.merge(r.shardId(), r.sequenceNumber(), SequenceNumbers::min);
        }
        Map<List<String>, String> highest = new LinkedHashMap<>();
        Map<List<String>, List<ReplayStore.ProcessedRecord>> processed = new LinkedHashMap<>();
        for (Processed r : records) {
            boolean fails = failed.contains(r.sequenceNumber());
            String low = lowestFailed.get(r.shardId());
            boolean below = !fails && (low == null || SequenceNumbers.compare(r.sequenceNumber(), low) < 0);
            for (String processor : processors) {
                if (!r.record().isFor(processor)) continue;
                List<String> key = List.of(r.record().replayId(), processor, r.shardId());
                if (below) highest.merge(key, r.sequenceNumber(), SequenceNumbers::max);
                PlaybackRecord p = r.record();
                long first = p.events().isEmpty() ? 0 : p.events().get(0).versionOrZero();
                long last = p.events().isEmpty() ? 0 : p.events().get(p.events().size() - 1).versionOrZero();
                String failure = fails ? reasons.getOrDefault(r.sequenceNumber(), "could not be applied by " + processor) : null;
                processed.computeIfAbsent(key, k -> new ArrayList<>()).add(new ReplayStore.ProcessedRecord(r.sequenceNumber(),
                        p.aggregateId(), first, last, p.events().size(), failure));
            }
        }
        Set<String> givenUp = new java.util.TreeSet<>();
        processed.forEach((key, list) -> {
            ReplayStore.AppliedShard after = replays.recordApplied(key.get(0), key.get(1), key.get(2), highest.get(key), list);
            for (ReplayStore.ProcessedRecord r : list) {
                if (r.failure() != null && after.givenUp(r.sequenceNumber())) givenUp.add(r.sequenceNumber());
            }
        });
        return givenUp;
    }
}

package dev.playback.model.replay;

import java.util.Map;
import java.util.TreeMap;

/**
 * How far one Scan segment of a replay got, written after every batch it published.
 *
 * @param lastKey  where the Scan continues (the adapter's key as JSON); null before the first page
 * @param shards   per playback-stream shard, the highest sequence number this segment wrote
 * @param owner    the execution that publishes the segment (null: none claimed it); a publisher whose
 *                 execution is no longer the owner (one stopped while its call still ran) cannot advance it
 */
public record SegmentCheckpoint(String replayId, int segment, String lastKey, long published, long batches,
                                boolean done, Map<String, String> shards, String owner) {
    public SegmentCheckpoint {
        shards = Map.copyOf(shards);
    }

    public SegmentCheckpoint(String replayId, int segment, String lastKey, long published, long batches, boolean done,
                             Map<String, String> shards) {
        this(replayId, segment, lastKey, published, batches, done, shards, null);
    }

    public static SegmentCheckpoint start(String replayId, int segment) {
        return new SegmentCheckpoint(replayId, segment, null, 0, 0, false, Map.of(), null);
    }

    /** The same position, claimed by {@code newOwner}. */
    public SegmentCheckpoint withOwner(String newOwner) {
        return new SegmentCheckpoint(replayId, segment, lastKey, published, batches, done, shards, newOwner);
    }

    /** The checkpoint after one more published batch. */
    public SegmentCheckpoint next(String newLastKey, int events, Map<String, String> written) {
        Map<String, String> merged = new TreeMap<>(shards);
        written.forEach((shard, seq) -> merged.merge(shard, seq, SequenceNumbers::max));
        return new SegmentCheckpoint(replayId, segment, newLastKey, published + events, batches + 1, newLastKey == null, merged, owner);
    }
}

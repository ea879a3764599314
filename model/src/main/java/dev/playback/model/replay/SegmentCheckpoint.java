package dev.playback.model.replay;

import java.util.Map;
import java.util.TreeMap;

/**
 * How far one Scan segment of a replay got, written after every batch it published.
 *
 * @param lastKey  where the Scan continues (the adapter's key as JSON); null before the first page
 * @param shards   per playback-stream shard, the highest sequence number this segment wrote
 */
public record SegmentCheckpoint(String replayId, int segment, String lastKey, long published, long batches,
                                boolean done, Map<String, String> shards) {
    public SegmentCheckpoint {
        shards = Map.copyOf(shards);
    }

    public static SegmentCheckpoint start(String replayId, int segment) {
        return new SegmentCheckpoint(replayId, segment, null, 0, 0, false, Map.of());
    }

    /** The checkpoint after one more published batch. */
    public SegmentCheckpoint next(String newLastKey, int events, Map<String, String> written) {
        Map<String, String> merged = new TreeMap<>(shards);
        written.forEach((shard, seq) -> merged.merge(shard, seq, SequenceNumbers::max));
        return new SegmentCheckpoint(replayId, segment, newLastKey, published + events, batches + 1, newLastKey == null, merged);
    }
}

package dev.playback.model.replay;

import java.util.List;
import java.util.Map;

/**
 * Port: puts playback records on the playback stream, in order per aggregate, retrying failed records
 * until every one is in. Returns, per shard written to, the highest sequence number written.
 */
public interface PlaybackPublisher {
    Map<String, String> publish(List<PlaybackRecord> records);

    /** The stream's open shards now: what bounds how many segments a rebuild publishes at once. */
    int openShards();
}

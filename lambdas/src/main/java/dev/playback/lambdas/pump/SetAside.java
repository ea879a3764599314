package dev.playback.lambdas.pump;

import java.time.Instant;
import java.util.List;

/**
 * Where the pump puts an event-stream record that cannot even be decoded, with its bytes and the reason, so that
 * it no longer blocks its shard; {@code playback redrive} puts such records back on the event stream.
 */
public interface SetAside {
    /** One set-aside record: where it was on the stream, why it was set aside, and its bytes as they were. */
    record Entry(String shardId, String sequenceNumber, String partitionKey, Instant arrivedAt, String reason,
                 byte[] data) {
    }

    /** Keeps {@code entry}; putting the same record again (a retried batch) replaces it with the same content. */
    void put(Entry entry);

    /** The keys of every entry kept, oldest shard position first within a shard. */
    List<String> keys();

    Entry get(String key);

    /** Forgets an entry (once it was put back on the stream). */
    void remove(String key);
}

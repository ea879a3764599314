package dev.playback.lambdas.aws.kinesis;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;

import java.time.Instant;
import java.util.List;

/**
 * Where a function puts a stream record that cannot even be decoded, with its bytes and the reason, so that it
 * no longer blocks its shard (the event source mappings retry everything else without a budget that discards);
 * {@code playback redrive} puts such records back on the stream they came from.
 */
public interface SetAside {
    /** One set-aside record: where it was on the stream, why it was set aside, and its bytes as they were. */
    record Entry(String shardId, String sequenceNumber, String partitionKey, Instant arrivedAt, String reason,
                 byte[] data) {

        /** The entry for a record of a Kinesis batch that cannot be decoded, for {@code reason}. */
        public static Entry of(KinesisEvent.KinesisEventRecord r, String reason) {
            KinesisEvent.Record k = r.getKinesis();
            return new Entry(StreamRecords.shardId(r.getEventID()), k.getSequenceNumber(), k.getPartitionKey(),
                    k.getApproximateArrivalTimestamp() == null ? null : k.getApproximateArrivalTimestamp().toInstant(),
                    reason, StreamRecords.bytes(k.getData()));
        }
    }

    /** Keeps {@code entry}; putting the same record again (a retried batch) replaces it with the same content. */
    void put(Entry entry);

    /**
     * Keeps the batch's record {@code r} for {@code reason} and logs it as {@code function}'s; {@code stream} names the
     * stream {@code playback redrive} puts it back on.
     */
    default void keep(KinesisEvent.KinesisEventRecord r, String reason, Context context, String function, String stream) {
        put(Entry.of(r, reason));
        org.slf4j.LoggerFactory.getLogger(SetAside.class).warn(function + ": record " + r.getKinesis().getSequenceNumber() + " of "
                + StreamRecords.shardId(r.getEventID()) + " set aside (" + reason + "); `playback redrive` puts it back on the " + stream);
    }

    /** The keys of every entry kept, oldest shard position first within a shard. */
    List<String> keys();

    Entry get(String key);

    /** Forgets an entry (once it was put back on the stream). */
    void remove(String key);
}

package dev.onebox.eventsource;

import java.math.BigInteger;
import java.time.Instant;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/** One Kinesis record of one shard, as the mapping hands it to a function. */
public record StreamRecord(String shardId, String sequenceNumber, String partitionKey, SdkBytes data,
                           Instant approximateArrivalTimestamp) {

    public static StreamRecord of(String shardId, Record record) {
        return new StreamRecord(shardId, record.sequenceNumber(), record.partitionKey(), record.data(),
                record.approximateArrivalTimestamp() == null ? Instant.now() : record.approximateArrivalTimestamp());
    }

    /** Kinesis sequence numbers are decimal numbers of up to 129 digits; they order records within a shard. */
    public BigInteger sequence() {
        return new BigInteger(sequenceNumber);
    }
}

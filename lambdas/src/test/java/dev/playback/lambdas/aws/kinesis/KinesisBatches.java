package dev.playback.lambdas.aws.kinesis;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.Fixtures;
import dev.playback.model.event.EventEnvelope;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Kinesis events as Lambda's event source mapping delivers them, from the fixture's envelope, for handler tests. */
public final class KinesisBatches {
    private KinesisBatches() {
    }

    /** A stream record holding {@code events} (of one aggregate) as the publisher writes them. */
    public static KinesisEvent.KinesisEventRecord record(String sequenceNumber, List<EventEnvelope> events) {
        return record(sequenceNumber, events.get(0).aggregateId(), StreamRecords.encode(events));
    }

    /**
     * A stream record as Lambda delivers it: the first record of {@code events/kinesis-event-stream.json} (shard
     * {@code shardId-000000000000}) with this sequence number, partition key and data.
     */
    public static KinesisEvent.KinesisEventRecord record(String sequenceNumber, String partitionKey, byte[] data) {
        KinesisEvent.KinesisEventRecord er = Fixtures.kinesis("kinesis-event-stream.json").getRecords().get(0);
        KinesisEvent.Record r = er.getKinesis();
        r.setSequenceNumber(sequenceNumber);
        r.setPartitionKey(partitionKey);
        r.setData(ByteBuffer.wrap(data));
        er.setEventID(StreamRecords.shardId(er.getEventID()) + ":" + sequenceNumber);
        return er;
    }

    public static KinesisEvent.KinesisEventRecord poison(String sequenceNumber, String text) {
        return record(sequenceNumber, "poison", text.getBytes(StandardCharsets.UTF_8));
    }

    public static KinesisEvent batch(KinesisEvent.KinesisEventRecord... records) {
        KinesisEvent e = new KinesisEvent();
        e.setRecords(List.of(records));
        return e;
    }

    public static List<String> failures(StreamsEventResponse response) {
        return response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    /** A Lambda context whose logger appends to {@code lines}; everything else is null. */
    public static Context context(List<String> lines) {
        LambdaLogger logger = (LambdaLogger) Proxy.newProxyInstance(KinesisBatches.class.getClassLoader(),
                new Class<?>[] {LambdaLogger.class}, (proxy, method, args) -> {
                    if (method.getName().equals("log") && args != null && args.length > 0) {
                        Object m = args[0];
                        synchronized (lines) {
                            lines.add(m instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(m));
                        }
                    }
                    return null;
                });
        return (Context) Proxy.newProxyInstance(KinesisBatches.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getLogger") ? logger : null);
    }

    public static List<String> newLines() {
        return new ArrayList<>();
    }
}

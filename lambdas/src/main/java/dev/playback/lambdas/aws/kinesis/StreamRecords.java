package dev.playback.lambdas.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of one record of the event stream (ingest → pump) or of the pump's feed on the playback stream (the events
 * it appended, with their versions): a JSON array of consecutive events of one aggregate (its partition key). Packing
 * an aggregate's events into one record keeps their order through PutRecords retries and cuts the record count.
 */
public final class StreamRecords {
    /** Kinesis takes 1 MiB per record (data + partition key); keep a margin. */
    public static final int MAX_RECORD_BYTES = 1_000_000;

    private StreamRecords() {
    }

    /** The shard of a record whose event carries no {@code eventID} (an event built by hand, not by an event source). */
    public static final String UNKNOWN_SHARD = "shardId-unknown";

    /** The shard of a record from its {@code eventID} ({@code shardId-…:sequenceNumber}). */
    public static String shardId(String eventId) {
        if (eventId == null) return UNKNOWN_SHARD;
        int colon = eventId.indexOf(':');
        return colon > 0 ? eventId.substring(0, colon) : eventId;
    }

    /** The bytes of a Kinesis record's data, as the Lambda event carries them. */
    public static byte[] bytes(java.nio.ByteBuffer data) {
        java.nio.ByteBuffer b = data.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    public static byte[] encode(List<EventEnvelope> events) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (EventEnvelope e : events) array.add(EventCodec.toJson(e));
        try {
            return EventCodec.JSON.writeValueAsBytes(array);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same as {@link #encode}, from events already encoded one by one ({@link EventCodec#toBytes}). */
    public static byte[] encodeEncoded(List<byte[]> encodedEvents) {
        int size = 2 + Math.max(0, encodedEvents.size() - 1);
        for (byte[] e : encodedEvents) size += e.length;
        byte[] out = new byte[size];
        int at = 0;
        out[at++] = '[';
        for (int i = 0; i < encodedEvents.size(); i++) {
            if (i > 0) out[at++] = ',';
            byte[] e = encodedEvents.get(i);
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length;
        }
        out[at] = ']';
        return out;
    }

    /** Decodes a record written by {@link #encode}, or a single event object. */
    public static List<EventEnvelope> decode(byte[] data) {
        JsonNode n;
        try {
            n = EventCodec.JSON.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("record is not JSON: " + e.getMessage(), e);
        }
        if (n == null) throw new IllegalArgumentException("record is empty");
        List<EventEnvelope> out = new ArrayList<>();
        if (n.isArray()) {
            for (JsonNode e : n) out.add(EventCodec.fromJson(e));
        } else {
            out.add(EventCodec.fromJson(n));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("record holds no events");
        return out;
    }
}

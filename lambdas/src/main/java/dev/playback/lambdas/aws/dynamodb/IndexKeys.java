package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.TimeField;
import dev.playback.model.replay.TimeKeys;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * The items of the event index table (key {@code p}, {@code k}), whose partition keys are spread over {@code buckets}
 * buckets by a stable hash of the aggregate id ({@link #bucket}: CRC-32 of its UTF-8 bytes, mod buckets), so no
 * partition holds every aggregate of a type or a day:
 * <ul>
 *   <li>{@code t#<type>#<bucket>} / {@code <aggregateId>}: the aggregate had an event of that type;</li>
 *   <li>{@code r#<recordedDay>#<bucket>} and {@code o#<occurredDay>#<bucket>} / {@code <aggregateId>}: it had events
 *       on that day (UTC), with their {@code types} (a string set);</li>
 *   <li>{@code a#<bucket>} / {@code <aggregateId>}: the aggregate exists;</li>
 *   <li>{@code meta} / {@code buckets}: the number of buckets ({@code n}), written before any entry.</li>
 * </ul>
 * A day entry says nothing of the hours, so a stream of events of known types writes it once per aggregate and day.
 */
public final class IndexKeys {
    /** Buckets of a new index table unless {@code EVENT_INDEX_BUCKETS} says otherwise. */
    public static final int DEFAULT_BUCKETS = 32;
    static final String META = "meta";
    static final String BUCKETS = "buckets";

    private IndexKeys() {
    }

    /** The bucket of an aggregate: CRC-32 of its id's UTF-8 bytes, mod {@code buckets}. */
    public static int bucket(String aggregateId, int buckets) {
        CRC32 crc = new CRC32();
        crc.update(aggregateId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % buckets);
    }

    static String type(String type, int bucket) {
        return "t#" + type + "#" + bucket;
    }

    static String day(TimeField field, String day, int bucket) {
        return (field == TimeField.RECORDED_AT ? "r#" : "o#") + day + "#" + bucket;
    }

    static String aggregate(int bucket) {
        return "a#" + bucket;
    }

    /** What the index says of one event: its aggregate, type and times. */
    record Described(String aggregateId, String type, Instant occurredAt, Instant recordedAt) {
        static Described of(EventEnvelope e) {
            return new Described(e.aggregateId(), e.type(), e.occurredAt(), e.recordedAt());
        }
    }

    /** The entries that describe {@code events}, key {@code p + "\n" + k}: plain entries map to null, day entries to their types. */
    static Map<String, TreeSet<String>> entries(Collection<EventEnvelope> events, int buckets) {
        return entriesOf(events.stream().map(Described::of).toList(), buckets);
    }

    static Map<String, TreeSet<String>> entriesOf(Collection<Described> events, int buckets) {
        Map<String, TreeSet<String>> out = new LinkedHashMap<>();
        for (Described e : events) {
            int b = bucket(e.aggregateId(), buckets);
            out.put(key(aggregate(b), e.aggregateId()), null);
            out.put(key(type(e.type(), b), e.aggregateId()), null);
            day(out, TimeField.OCCURRED_AT, e.occurredAt(), e, b);
            if (e.recordedAt() != null) day(out, TimeField.RECORDED_AT, e.recordedAt(), e, b);
        }
        return out;
    }

    private static void day(Map<String, TreeSet<String>> out, TimeField field, Instant t, Described e, int b) {
        out.computeIfAbsent(key(day(field, TimeKeys.day(t), b), e.aggregateId()), k -> new TreeSet<>()).add(e.type());
    }

    static String key(String p, String k) {
        return p + "\n" + k;
    }
}

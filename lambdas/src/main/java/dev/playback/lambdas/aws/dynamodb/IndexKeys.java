package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.TimeField;
import dev.playback.model.replay.TimeKeys;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 *       on that day, with their {@code types} and the whole hours {@code from} (inclusive) {@code to} (exclusive,
 *       {@link TimeKeys#time}) they lie in;</li>
 *   <li>{@code a#<bucket>} / {@code <aggregateId>}: the aggregate exists;</li>
 *   <li>{@code meta} / {@code buckets}: the number of buckets ({@code n}), written before any entry.</li>
 * </ul>
 * The times are rounded out to whole hours so that a stream of events widens a day entry at most once an hour.
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

    /** One day entry's content: the types of the aggregate's events that day and the whole hours they lie in. */
    record DaySpan(TreeSet<String> types, String from, String to) {
        static DaySpan of(String type, Instant t) {
            Instant hour = t.truncatedTo(ChronoUnit.HOURS);
            TreeSet<String> types = new TreeSet<>();
            types.add(type);
            return new DaySpan(types, TimeKeys.time(hour), TimeKeys.time(hour.plus(1, ChronoUnit.HOURS)));
        }

        DaySpan union(DaySpan o) {
            TreeSet<String> all = new TreeSet<>(types);
            all.addAll(o.types);
            return new DaySpan(all, from.compareTo(o.from) <= 0 ? from : o.from, to.compareTo(o.to) >= 0 ? to : o.to);
        }

        /** Whether this span says everything {@code o} says: its types and hours. */
        boolean covers(DaySpan o) {
            return types.containsAll(o.types) && from.compareTo(o.from) <= 0 && to.compareTo(o.to) >= 0;
        }
    }

    /** The entries that describe {@code events}, key {@code p + "\n" + k}: plain entries map to null, day entries to their span. */
    static Map<String, DaySpan> entries(Collection<EventEnvelope> events, int buckets) {
        Map<String, DaySpan> out = new LinkedHashMap<>();
        for (EventEnvelope e : events) {
            int b = bucket(e.aggregateId(), buckets);
            out.put(key(aggregate(b), e.aggregateId()), null);
            out.put(key(type(e.type(), b), e.aggregateId()), null);
            day(out, TimeField.OCCURRED_AT, e.occurredAt(), e, b);
            if (e.recordedAt() != null) day(out, TimeField.RECORDED_AT, e.recordedAt(), e, b);
        }
        return out;
    }

    private static void day(Map<String, DaySpan> out, TimeField field, Instant t, EventEnvelope e, int b) {
        DaySpan span = DaySpan.of(e.type(), t);
        out.merge(key(day(field, TimeKeys.day(t), b), e.aggregateId()), span, DaySpan::union);
    }

    static String key(String p, String k) {
        return p + "\n" + k;
    }
}

package dev.playback.model.processor;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The events table, with the events of one aggregate that a caller already holds (those just applied, as the events
 * table gave them) served from memory: a read is answered from them where they cover its versions, and from the table
 * for the versions between. An event held without its payload (kept aside, claim check) is read from the table. Reads of
 * the aggregate end at {@code upTo}: a fold up to it needs nothing after, so the table is not asked for more.
 */
final class InHandEvents implements EventStore {
    private final EventStore table;
    private final String aggregateId;
    private final long upTo;
    private final NavigableMap<Long, EventEnvelope> byVersion = new TreeMap<>();

    InHandEvents(EventStore table, String aggregateId, long upTo, Collection<EventEnvelope> held) {
        this.table = table;
        this.aggregateId = aggregateId;
        this.upTo = upTo;
        for (EventEnvelope e : held) {
            if (e.aggregateId().equals(aggregateId) && e.version() != null && e.payload() != null) byVersion.put(e.version(), e);
        }
    }

    /** The table itself when nothing usable is held. */
    static EventStore over(EventStore table, String aggregateId, long upTo, Collection<EventEnvelope> held) {
        InHandEvents in = new InHandEvents(table, aggregateId, upTo, held);
        return in.byVersion.isEmpty() ? table : in;
    }

    @Override
    public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
        if (!aggregateId.equals(this.aggregateId)) return table.read(aggregateId, fromVersion, limit);
        List<EventEnvelope> out = new ArrayList<>();
        long v = fromVersion;
        while (out.size() < limit && v <= upTo) {
            EventEnvelope held = byVersion.get(v);
            if (held != null) {
                out.add(held);
                v++;
                continue;
            }
            Long nextHeld = byVersion.ceilingKey(v);
            long span = nextHeld != null ? nextHeld - v : upTo - v + 1; // no overflow: v <= upTo
            int wanted = (int) Math.min(limit - out.size(), span);
            List<EventEnvelope> page = table.read(aggregateId, v, wanted);
            out.addAll(page);
            if (page.size() < wanted) break; // the stream ends (or has a gap, which the reader finds)
            v = page.get(page.size() - 1).versionOrZero() + 1;
        }
        return out;
    }

    @Override
    public Map<String, EventStatus> statuses(Collection<String> eventIds) {
        return table.statuses(eventIds);
    }
}

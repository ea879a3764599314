package dev.playback.model.store.memory;

import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.EventIndex;
import dev.playback.model.replay.EventPage;
import dev.playback.model.replay.EventPages;
import dev.playback.model.replay.TimeField;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scan segments and indexes over an {@link InMemoryEventLog}: segment = hash of the aggregate id, pages
 * in (aggregate, version) order. Counts the pages read and the index lookups (a partial replay must
 * never scan).
 */
public final class InMemoryEventIndex implements EventPages, EventIndex {
    private final InMemoryEventLog log;
    public final AtomicInteger pagesRead = new AtomicInteger();
    public final AtomicInteger indexQueries = new AtomicInteger();

    public InMemoryEventIndex(InMemoryEventLog log) {
        this.log = log;
    }

    public static int segmentOf(String aggregateId, int totalSegments) {
        return Math.floorMod(aggregateId.hashCode(), totalSegments);
    }

    @Override
    public EventPage page(int segment, int totalSegments, String lastKey, int limit) {
        pagesRead.incrementAndGet();
        String afterAggregate = null;
        long afterVersion = 0;
        if (lastKey != null) {
            var key = EventCodec.JSON.valueToTree(parse(lastKey));
            afterAggregate = key.path("aggregateId").asText();
            afterVersion = key.path("version").asLong();
        }
        List<EventEnvelope> all = new ArrayList<>();
        for (Map.Entry<String, List<EventEnvelope>> e : log.all().entrySet()) {
            if (segmentOf(e.getKey(), totalSegments) == segment) all.addAll(e.getValue());
        }
        all.sort(Comparator.comparing(EventEnvelope::aggregateId).thenComparing(EventEnvelope::versionOrZero));
        List<EventEnvelope> page = new ArrayList<>();
        boolean more = false;
        for (EventEnvelope e : all) {
            if (afterAggregate != null) {
                int c = e.aggregateId().compareTo(afterAggregate);
                if (c < 0 || (c == 0 && e.versionOrZero() <= afterVersion)) continue;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(e);
        }
        String next = more ? EventCodec.JSON.createObjectNode().put("aggregateId", page.get(page.size() - 1).aggregateId())
                .put("version", page.get(page.size() - 1).versionOrZero()).toString() : null;
        return new EventPage(page, next);
    }

    private static Object parse(String json) {
        try {
            return EventCodec.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a scan key: " + json, e);
        }
    }

    @Override
    public Set<String> withTypes(Collection<String> types) {
        indexQueries.incrementAndGet();
        Set<String> out = new TreeSet<>();
        log.all().forEach((aggregate, events) -> {
            for (EventEnvelope e : events) if (types.contains(e.type())) out.add(aggregate);
        });
        return out;
    }

    @Override
    public long aggregateCount() {
        indexQueries.incrementAndGet();
        return log.all().values().stream().filter(events -> !events.isEmpty()).count();
    }

    @Override
    public Set<String> inWindow(TimeField field, Instant since, Instant until, Collection<String> types) {
        indexQueries.incrementAndGet();
        Set<String> out = new TreeSet<>();
        log.all().forEach((aggregate, events) -> {
            for (EventEnvelope e : events) {
                Instant t = field == TimeField.RECORDED_AT ? e.recordedAt() : e.occurredAt();
                if (t == null || t.isBefore(since) || !t.isBefore(until)) continue;
                if (!types.isEmpty() && !types.contains(e.type())) continue;
                out.add(aggregate);
            }
        });
        return out;
    }
}

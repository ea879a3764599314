package dev.playback.model.store.memory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.PayloadStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The events table and the event-id table in memory, with the DynamoDB adapter's semantics:
 * conditional status records, conditional claim moves, events keyed by (aggregate, version), payloads
 * kept aside resolved on read. Thread-safe.
 */
public final class InMemoryEventLog implements EventLog, EventStore {
    private final PayloadStore payloads;
    private final Map<String, EventStatus> statuses = new HashMap<>();
    private final Map<String, NavigableMap<Long, EventEnvelope>> events = new HashMap<>();

    public InMemoryEventLog(PayloadStore payloads) {
        this.payloads = payloads;
    }

    public InMemoryEventLog() {
        this(new InMemoryPayloadStore());
    }

    @Override
    public synchronized Map<String, EventStatus> statuses(Collection<String> eventIds) {
        Map<String, EventStatus> out = new HashMap<>();
        for (String id : eventIds) {
            EventStatus s = statuses.get(id);
            if (s != null) out.put(id, s);
        }
        return out;
    }

    @Override
    public synchronized long latestVersion(String aggregateId) {
        NavigableMap<Long, EventEnvelope> stream = events.get(aggregateId);
        return stream == null || stream.isEmpty() ? 0 : stream.lastKey();
    }

    @Override
    public synchronized boolean record(EventStatus status) {
        return statuses.putIfAbsent(status.eventId(), status) == null;
    }

    @Override
    public synchronized boolean moveClaim(EventStatus.Claimed claim, long toVersion) {
        EventStatus stored = statuses.get(claim.eventId());
        if (!(stored instanceof EventStatus.Claimed c) || c.version() != claim.version()) return false;
        statuses.put(claim.eventId(), c.withVersion(toVersion));
        return true;
    }

    @Override
    public synchronized boolean rejectClaim(EventStatus.Claimed claim, String reason, java.time.Instant at) {
        EventStatus stored = statuses.get(claim.eventId());
        if (!(stored instanceof EventStatus.Claimed c) || c.version() != claim.version()) return false;
        statuses.put(claim.eventId(), new EventStatus.Rejected(c.eventId(), c.aggregateId(), reason, at, c.hash(), c.conflicts()));
        return true;
    }

    @Override
    public synchronized void recordConflict(String eventId, String conflict) {
        EventStatus stored = statuses.get(eventId);
        if (stored == null) throw new IllegalStateException("no status recorded for event " + eventId + " to add a conflict to");
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(stored.conflicts());
        all.add(conflict);
        statuses.put(eventId, stored instanceof EventStatus.Claimed c
                ? new EventStatus.Claimed(c.eventId(), c.aggregateId(), c.version(), c.at(), c.hash(), List.copyOf(all))
                : new EventStatus.Rejected(stored.eventId(), stored.aggregateId(), ((EventStatus.Rejected) stored).reason(),
                        ((EventStatus.Rejected) stored).at(), stored.hash(), List.copyOf(all)));
    }

    @Override
    public synchronized Optional<EventEnvelope> eventAt(String aggregateId, long version) {
        NavigableMap<Long, EventEnvelope> stream = events.get(aggregateId);
        return Optional.ofNullable(stream == null ? null : stream.get(version)).map(this::resolve);
    }

    @Override
    public synchronized List<EventEnvelope> write(List<EventEnvelope> toWrite) {
        for (EventEnvelope e : toWrite) {
            if (e.version() == null) throw new IllegalArgumentException("event " + e.eventId() + " has no version");
        }
        List<EventEnvelope> notWritten = new ArrayList<>();
        java.util.Set<String> stopped = new java.util.HashSet<>();
        List<EventEnvelope> ordered = new ArrayList<>(toWrite);
        ordered.sort(java.util.Comparator.comparing(EventEnvelope::aggregateId).thenComparing(EventEnvelope::version));
        for (EventEnvelope e : ordered) {
            if (stopped.contains(e.aggregateId())
                    || events.computeIfAbsent(e.aggregateId(), k -> new TreeMap<>()).putIfAbsent(e.version(), e) != null) {
                stopped.add(e.aggregateId());
                notWritten.add(e);
            }
        }
        return notWritten;
    }

    @Override
    public synchronized List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
        NavigableMap<Long, EventEnvelope> stream = events.get(aggregateId);
        List<EventEnvelope> out = new ArrayList<>();
        if (stream == null) return out;
        for (EventEnvelope e : stream.tailMap(fromVersion, true).values()) {
            if (out.size() >= limit) break;
            out.add(resolve(e));
        }
        return out;
    }

    /** Every stored event of every aggregate, in version order per aggregate. */
    public synchronized Map<String, List<EventEnvelope>> all() {
        Map<String, List<EventEnvelope>> out = new HashMap<>();
        events.forEach((aggregate, stream) -> out.put(aggregate, List.copyOf(stream.values())));
        return out;
    }

    private EventEnvelope resolve(EventEnvelope e) {
        if (e.payload() != null || e.payloadRef() == null) return e;
        try {
            return e.withPayload((ObjectNode) EventCodec.JSON.readTree(payloads.get(e.payloadRef())));
        } catch (IOException ex) {
            throw new UncheckedIOException("payload " + e.payloadRef() + " of event " + e.eventId() + " is not JSON", ex);
        }
    }
}

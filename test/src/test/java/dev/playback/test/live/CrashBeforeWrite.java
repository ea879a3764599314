package dev.playback.test.live;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventStatus;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link EventLog} that crashes the pump once between the two writes of an append: after the claim of an
 * armed event id was recorded, the next {@link #write} holding that event throws before anything is written,
 * as a Lambda timing out or dying there would. Everything else passes through.
 */
final class CrashBeforeWrite implements EventLog {
    private final EventLog log;
    private final Set<String> armed = ConcurrentHashMap.newKeySet();
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger crashes = new AtomicInteger();

    CrashBeforeWrite(EventLog log) {
        this.log = log;
    }

    /** The next write of {@code eventId}, once its claim is recorded, throws. */
    void arm(String eventId) {
        armed.add(eventId);
    }

    int crashes() {
        return crashes.get();
    }

    @Override
    public Map<String, EventStatus> statuses(Collection<String> eventIds) {
        return log.statuses(eventIds);
    }

    @Override
    public long latestVersion(String aggregateId) {
        return log.latestVersion(aggregateId);
    }

    @Override
    public boolean record(EventStatus status) {
        boolean recorded = log.record(status);
        if (recorded && status instanceof EventStatus.Claimed && armed.contains(status.eventId())) {
            claimed.add(status.eventId());
        }
        return recorded;
    }

    @Override
    public boolean moveClaim(EventStatus.Claimed claim, long toVersion) {
        return log.moveClaim(claim, toVersion);
    }

    @Override
    public Optional<EventEnvelope> eventAt(String aggregateId, long version) {
        return log.eventAt(aggregateId, version);
    }

    @Override
    public void write(List<EventEnvelope> events) {
        for (EventEnvelope e : events) {
            if (claimed.remove(e.eventId())) {
                armed.remove(e.eventId());
                crashes.incrementAndGet();
                throw new IllegalStateException("injected crash: claim of " + e.eventId() + " recorded, event not written");
            }
        }
        log.write(events);
    }
}

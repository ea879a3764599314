package dev.playback.test.live;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ForwardingEventLog;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link EventLog} that crashes the pump once between the two writes of an append: after the claim of an
 * armed event id was recorded, the next {@link #write} holding that event throws before anything is written,
 * as a Lambda timing out or dying there would. Everything else passes through.
 */
final class CrashBeforeWrite extends ForwardingEventLog {
    private final Set<String> armed = ConcurrentHashMap.newKeySet();
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger crashes = new AtomicInteger();

    CrashBeforeWrite(EventLog log) {
        super(log);
    }

    /** The next write of {@code eventId}, once its claim is recorded, throws. */
    void arm(String eventId) {
        armed.add(eventId);
    }

    int crashes() {
        return crashes.get();
    }

    @Override
    public boolean record(EventStatus status) {
        boolean recorded = delegate.record(status);
        noteClaim(status);
        return recorded;
    }

    @Override
    public Set<String> recordAll(List<EventStatus> statuses) {
        Set<String> taken = delegate.recordAll(statuses);
        statuses.stream().filter(s -> !taken.contains(s.eventId())).forEach(this::noteClaim);
        return taken;
    }

    private void noteClaim(EventStatus status) {
        if (status instanceof EventStatus.Claimed && armed.contains(status.eventId())) claimed.add(status.eventId());
    }

    @Override
    public List<EventEnvelope> write(List<EventEnvelope> events) {
        for (EventEnvelope e : events) {
            if (claimed.remove(e.eventId())) {
                armed.remove(e.eventId());
                crashes.incrementAndGet();
                throw new IllegalStateException("injected crash: claim of " + e.eventId() + " recorded, event not written");
            }
        }
        return delegate.write(events);
    }
}

package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An {@link EventLog} that passes every call to another; tests override the calls they inject faults into. */
public class ForwardingEventLog implements EventLog {
    protected final EventLog delegate;

    public ForwardingEventLog(EventLog delegate) {
        this.delegate = delegate;
    }

    @Override
    public Map<String, EventStatus> statuses(Collection<String> eventIds) {
        return delegate.statuses(eventIds);
    }

    @Override
    public long latestVersion(String aggregateId) {
        return delegate.latestVersion(aggregateId);
    }

    @Override
    public Map<String, Long> latestVersions(Collection<String> aggregateIds) {
        return delegate.latestVersions(aggregateIds);
    }

    @Override
    public boolean record(EventStatus status) {
        return delegate.record(status);
    }

    @Override
    public Set<String> recordAll(List<EventStatus> statuses) {
        return delegate.recordAll(statuses);
    }

    @Override
    public boolean moveClaim(EventStatus.Claimed claim, long toVersion) {
        return delegate.moveClaim(claim, toVersion);
    }

    @Override
    public boolean rejectClaim(EventStatus.Claimed claim, String reason, Instant at) {
        return delegate.rejectClaim(claim, reason, at);
    }

    @Override
    public void recordConflict(String eventId, String conflict) {
        delegate.recordConflict(eventId, conflict);
    }

    @Override
    public Optional<String> unstorable(EventEnvelope event) {
        return delegate.unstorable(event);
    }

    @Override
    public Optional<EventEnvelope> eventAt(String aggregateId, long version) {
        return delegate.eventAt(aggregateId, version);
    }

    @Override
    public List<EventEnvelope> write(List<EventEnvelope> events) {
        return delegate.write(events);
    }
}

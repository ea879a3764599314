package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: the write primitives of the events table that {@link dev.playback.model.store.Appender} builds
 * exactly-once appends from, without transactions.
 */
public interface EventLog {
    Map<String, EventStatus> statuses(Collection<String> eventIds);

    /** The highest version stored for the aggregate, 0 when it has no events. */
    long latestVersion(String aggregateId);

    /** Records the status of an event id unless one is recorded already; false when one was. */
    boolean record(EventStatus status);

    /** Moves {@code claim} to {@code toVersion} if the stored claim still names {@code claim.version()}; false otherwise. */
    boolean moveClaim(EventStatus.Claimed claim, long toVersion);

    Optional<EventEnvelope> eventAt(String aggregateId, long version);

    /** Writes versioned events; each (aggregate, version) was claimed for exactly that event before. */
    void write(List<EventEnvelope> events);
}

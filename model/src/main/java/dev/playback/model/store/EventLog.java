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

    /** The highest version stored for each aggregate (0 when it has none). */
    default Map<String, Long> latestVersions(Collection<String> aggregateIds) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (String id : aggregateIds) out.put(id, latestVersion(id));
        return out;
    }

    /** Records the status of an event id unless one is recorded already; false when one was. */
    boolean record(EventStatus status);

    /**
     * Records the statuses of event ids that {@link #statuses} found unrecorded in this batch, in bulk.
     * Only the pump of the ids' aggregates writes them (one writer per aggregate), so no condition is needed.
     */
    default void recordAll(List<EventStatus> statuses) {
        for (EventStatus s : statuses) record(s);
    }

    /** Moves {@code claim} to {@code toVersion} if the stored claim still names {@code claim.version()}; false otherwise. */
    boolean moveClaim(EventStatus.Claimed claim, long toVersion);

    Optional<EventEnvelope> eventAt(String aggregateId, long version);

    /** Writes versioned events; each (aggregate, version) was claimed for exactly that event before. */
    void write(List<EventEnvelope> events);
}

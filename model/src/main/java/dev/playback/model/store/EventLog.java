package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
     * Records the statuses of event ids that {@link #statuses} found unrecorded in this batch, each only if no status
     * is recorded for its id yet, as {@link #record} does: two pumps can send one event id for two aggregates at the
     * same time, and only one of them may claim it. Returns the ids whose status was not written because one was
     * recorded already (by another pump, or by an earlier attempt of this very write).
     */
    default Set<String> recordAll(List<EventStatus> statuses) {
        Set<String> taken = new HashSet<>();
        for (EventStatus s : statuses) {
            if (!record(s)) taken.add(s.eventId());
        }
        return taken;
    }

    /** Moves {@code claim} to {@code toVersion} if the stored claim still names {@code claim.version()}; false otherwise. */
    boolean moveClaim(EventStatus.Claimed claim, long toVersion);

    /**
     * Replaces {@code claim} by a rejection with {@code reason} if the stored claim still names
     * {@code claim.version()}; false otherwise.
     */
    boolean rejectClaim(EventStatus.Claimed claim, String reason, Instant at);

    /** Adds {@code conflict} to the conflicts of the recorded status of {@code eventId} (a set: adding it again changes nothing). */
    void recordConflict(String eventId, String conflict);

    /**
     * Why {@code event} can never be stored (an item that cannot be built), or empty when it can. A permanent,
     * per-event problem: the event is rejected with this reason instead of failing its batch.
     */
    default Optional<String> unstorable(EventEnvelope event) {
        return Optional.empty();
    }

    Optional<EventEnvelope> eventAt(String aggregateId, long version);

    /**
     * Writes versioned events, each only if its (aggregate, version) is free (a conditional write: no version is
     * ever written twice). The events of one aggregate are written in version order, each only once the one
     * before it is stored, so a write never lands above a hole. Returns the events not written: the one whose
     * slot was taken and every later event of its aggregate in this call.
     */
    List<EventEnvelope> write(List<EventEnvelope> events);
}

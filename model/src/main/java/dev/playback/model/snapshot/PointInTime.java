package dev.playback.model.snapshot;

import dev.playback.model.event.EventEnvelope;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a time-travel query asks for: the events that had occurred by {@code asOf} ({@code occurredAt ≤ asOf}), that
 * were known by {@code knownAt} ({@code recordedAt ≤ knownAt}), up to {@code version}; any of them, all together, or
 * none (the whole stream). Versions are in order of appending, times are not: an event of a later version may have
 * occurred (or been recorded) earlier than one before it.
 */
public record PointInTime(Optional<Instant> asOf, Optional<Instant> knownAt, OptionalLong version) {
    public PointInTime {
        if (version.isPresent() && version.getAsLong() < 1) {
            throw new IllegalArgumentException("version must be >= 1, got " + version.getAsLong());
        }
    }

    public static PointInTime latest() {
        return new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.empty());
    }

    /** The highest version the query can take in. */
    public long upTo() {
        return version.orElse(Long.MAX_VALUE);
    }

    /** Whether the event belongs in the answer. */
    public boolean admits(EventEnvelope e) {
        if (e.versionOrZero() > upTo()) return false;
        if (asOf.isPresent() && e.occurredAt().isAfter(asOf.get())) return false;
        if (knownAt.isPresent() && (e.recordedAt() == null || e.recordedAt().isAfter(knownAt.get()))) return false;
        return true;
    }

    /** Whether every event the snapshot holds belongs in the answer, so the answer can start from it. */
    public boolean admits(Snapshot s) {
        if (s.version() > upTo()) return false;
        if (asOf.isPresent() && s.latestOccurredAt().isAfter(asOf.get())) return false;
        if (knownAt.isPresent() && (s.latestRecordedAt() == null || s.latestRecordedAt().isAfter(knownAt.get()))) return false;
        return true;
    }

    /** The newest of {@code snapshots} (any order) the answer can start from. */
    public Optional<Snapshot> choose(List<Snapshot> snapshots) {
        return snapshots.stream().filter(this::admits).max(java.util.Comparator.comparingLong(Snapshot::version));
    }
}

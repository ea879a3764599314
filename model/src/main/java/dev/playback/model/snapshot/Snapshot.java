package dev.playback.model.snapshot;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One processor's state of an aggregate after its events 1..{@code version}, folded with one logic version of the
 * processor, and the latest {@code occurredAt} and {@code recordedAt} among those events: a time-travel query can start
 * from it only if every event it holds falls inside the query ({@link PointInTime#admits(Snapshot)}).
 *
 * @param latestRecordedAt null when one of the events has no recordedAt (then no {@code knownAt} query can use it)
 */
public record Snapshot(String processor, String logicVersion, String aggregateId, long version, JsonNode state,
                       Instant latestOccurredAt, Instant latestRecordedAt) {
    /** What a logic version may be made of (it is part of the snapshot's key). */
    public static final Pattern LOGIC_VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public Snapshot {
        Objects.requireNonNull(processor, "processor");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(latestOccurredAt, "latestOccurredAt");
        checkLogicVersion(processor, logicVersion);
        if (version < 1) throw new IllegalArgumentException("snapshot of " + aggregateId + " in " + processor + ": version must be >= 1, got " + version);
    }

    /** Throws naming the processor unless {@code logicVersion} is one a snapshot can be keyed by. */
    public static String checkLogicVersion(String processor, String logicVersion) {
        if (logicVersion == null || !LOGIC_VERSION.matcher(logicVersion).matches()) {
            throw new IllegalArgumentException("processor " + processor + ": logic version '" + logicVersion
                    + "' must be 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        return logicVersion;
    }
}

package dev.playback.model.snapshot;

import java.util.Map;

/**
 * How often snapshots are taken and how many are kept: every {@code interval} events of an aggregate (per processor,
 * {@code intervals} overriding the default), the newest {@code keep} per processor, logic version and aggregate.
 */
public record SnapshotPolicy(int defaultInterval, Map<String, Integer> intervals, int keep) {
    public static final int DEFAULT_INTERVAL = 100;
    public static final int DEFAULT_KEEP = 3;

    public SnapshotPolicy {
        intervals = Map.copyOf(intervals);
        if (defaultInterval < 1) throw new IllegalArgumentException("snapshot interval must be >= 1, got " + defaultInterval);
        intervals.forEach((p, n) -> {
            if (n < 1) throw new IllegalArgumentException("snapshot interval of processor " + p + " must be >= 1, got " + n);
        });
        if (keep < 1) throw new IllegalArgumentException("snapshots kept must be >= 1, got " + keep);
    }

    /** Every {@value #DEFAULT_INTERVAL} events, the newest {@value #DEFAULT_KEEP} kept. */
    public static SnapshotPolicy defaults() {
        return new SnapshotPolicy(DEFAULT_INTERVAL, Map.of(), DEFAULT_KEEP);
    }

    public int interval(String processor) {
        return intervals.getOrDefault(processor, defaultInterval);
    }
}

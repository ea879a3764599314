package dev.playback.model.metrics;

/**
 * Where the core counts what it decides, for the deployment's metrics (CloudWatch embedded metric format in the
 * handlers, {@code dev.playback.lambdas.telemetry}). One dimension per implementation: the gateway's counts are
 * per gateway ({@link dev.playback.model.gateway.CallSite#gateway()}). {@link #NONE} counts nothing.
 */
@FunctionalInterface
public interface Metrics {
    /** Commands that reached an external system (live sends, and sends a replay's {@code allow:<gateway>} let through). */
    String GATEWAY_SENDS = "GatewaySends";
    /** Corrections a {@code diff} replay sent (those found already sent by an earlier run of the same replay not counted). */
    String GATEWAY_CORRECTIONS = "GatewayCorrections";
    /** Commands kept from the external system: by a replay's mode, or by the previous generation following live in suppress. */
    String GATEWAY_SUPPRESSED = "GatewaySuppressed";
    /** Queries a replay asked the external system because no answer was recorded. */
    String GATEWAY_LIVE_QUERIES = "GatewayLiveQueries";

    /** Snapshots a processor failed to write (logged; its events went on, the next multiple of its interval writes again). */
    String SNAPSHOT_WRITE_FAILURES = "SnapshotWriteFailures";

    /**
     * Saves of a processor's state item over its warning size (logged; over its limit refused, the aggregate parked on
     * the live path); dimension: the processor ({@link dev.playback.model.store.StateSizeGuard}).
     */
    String LARGE_STATES = "LargeStates";

    /** Metrics that count nothing (tests, and whoever does not publish metrics). */
    Metrics NONE = (metric, dimensionValue, n) -> {
    };

    /** Adds {@code n} to {@code metric} for {@code dimensionValue}. */
    void count(String metric, String dimensionValue, long n);
}

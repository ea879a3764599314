package dev.playback.lambdas.telemetry;

import java.util.Arrays;

/**
 * The metrics the functions publish (CloudWatch embedded metric format, {@link EmbeddedMetrics}): each name with its
 * unit and its one dimension. The alarms and the dashboard of {@code template.yaml} use exactly these names; the README's
 * "Metrics" table lists them.
 */
public enum Metric {
    /** Events {@code POST /events} acknowledged (202); dimension {@code Service=ingest}. */
    EVENTS_ACCEPTED("EventsAccepted", Unit.COUNT, Dimension.SERVICE),
    /** Events of requests ingest refused (4xx); and, {@code Service=pump}, events rejected or in conflict after the 202. */
    EVENTS_REJECTED("EventsRejected", Unit.COUNT, Dimension.SERVICE),
    /** Events the pump appended to the events table; {@code Service=pump}. */
    EVENTS_APPENDED("EventsAppended", Unit.COUNT, Dimension.SERVICE),
    /** Events the pump found appended already (a retried delivery, a resent event); {@code Service=pump}. */
    EVENTS_DUPLICATE("EventsDuplicate", Unit.COUNT, Dimension.SERVICE),
    /** Live events a processor applied (its records not left to retry); dimension {@code Processor}. */
    EVENTS_APPLIED("EventsApplied", Unit.COUNT, Dimension.PROCESSOR),
    /** Per processor and batch of the live stream: now − recordedAt of the batch's oldest event, before it is applied. */
    PROCESSOR_LAG("ProcessorLag", Unit.MILLISECONDS, Dimension.PROCESSOR),
    /**
     * Per processor and batch of the live stream: the aggregates parked for it (a bug in its {@code apply} on one of their
     * events; their later events are held back until {@code playback unpark}). The largest of an invocation is written.
     */
    PARKED_AGGREGATES("ParkedAggregates", Unit.NONE, Dimension.PROCESSOR),
    /** Events of replay records (the playback stream) a processor applied. */
    REPLAY_EVENTS_APPLIED("ReplayEventsApplied", Unit.COUNT, Dimension.PROCESSOR),
    /** Stream records set aside (not decodable, {@code playback redrive}); {@code Service=pump} or {@code processor}. */
    RECORDS_SET_ASIDE("RecordsSetAside", Unit.COUNT, Dimension.SERVICE),
    /** Events a replay published on the playback stream; {@code Service=replay}. */
    REPLAY_EVENTS_PUBLISHED("ReplayEventsPublished", Unit.COUNT, Dimension.SERVICE),
    /** Age of the oldest record of a pump batch that failed and will be retried; {@code Service=pump}. */
    PUMP_RETRIED_RECORD_AGE("PumpRetriedRecordAge", Unit.SECONDS, Dimension.SERVICE),
    /** The gateway's decisions per gateway ({@code Gateway}), counted by model's processing: see {@link dev.playback.model.metrics.Metrics}. */
    GATEWAY_SENDS(dev.playback.model.metrics.Metrics.GATEWAY_SENDS, Unit.COUNT, Dimension.GATEWAY),
    GATEWAY_CORRECTIONS(dev.playback.model.metrics.Metrics.GATEWAY_CORRECTIONS, Unit.COUNT, Dimension.GATEWAY),
    GATEWAY_SUPPRESSED(dev.playback.model.metrics.Metrics.GATEWAY_SUPPRESSED, Unit.COUNT, Dimension.GATEWAY),
    GATEWAY_LIVE_QUERIES(dev.playback.model.metrics.Metrics.GATEWAY_LIVE_QUERIES, Unit.COUNT, Dimension.GATEWAY),
    /** Snapshots a processor could not write (logged; its events went on); dimension {@code Processor}. */
    SNAPSHOT_WRITE_FAILURES(dev.playback.model.metrics.Metrics.SNAPSHOT_WRITE_FAILURES, Unit.COUNT, Dimension.PROCESSOR),
    /**
     * Saves of a processor's state item over its warning size ({@code STATE_SIZE_WARNING_BYTES}), refused ones over its
     * limit ({@code STATE_SIZE_LIMIT_BYTES}) included; dimension {@code Processor}.
     */
    LARGE_STATES(dev.playback.model.metrics.Metrics.LARGE_STATES, Unit.COUNT, Dimension.PROCESSOR);

    /** CloudWatch units used here. */
    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds"), SECONDS("Seconds"), NONE("None");

        private final String cloudWatch;

        Unit(String cloudWatch) {
            this.cloudWatch = cloudWatch;
        }

        public String cloudWatch() {
            return cloudWatch;
        }
    }

    /** The dimension names. */
    public static final class Dimension {
        public static final String SERVICE = "Service";
        public static final String PROCESSOR = "Processor";
        public static final String GATEWAY = "Gateway";

        private Dimension() {
        }
    }

    private final String metricName;
    private final Unit unit;
    private final String dimension;

    Metric(String metricName, Unit unit, String dimension) {
        this.metricName = metricName;
        this.unit = unit;
        this.dimension = dimension;
    }

    public String metricName() {
        return metricName;
    }

    public Unit unit() {
        return unit;
    }

    public String dimension() {
        return dimension;
    }

    /** The metric called {@code name}; throws naming it if there is none. */
    public static Metric named(String name) {
        return Arrays.stream(values()).filter(m -> m.metricName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no metric named '" + name + "'; known: "
                        + Arrays.stream(values()).map(Metric::metricName).toList()));
    }
}

package dev.playback.lambdas.pump;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.model.batch.PerAggregate;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.kinesis.KinesisBatch;
import dev.playback.lambdas.aws.kinesis.SetAside;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.aws.s3.S3SetAside;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.config.Tables;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.Appender;
import dev.playback.model.store.AppendOutcome;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventPublisher;
import dev.playback.lambdas.aws.kinesis.KinesisEventPublisher;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import dev.playback.lambdas.telemetry.LogContext;
import dev.playback.lambdas.telemetry.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Event stream → events table. Appends every event exactly once ({@link Appender}) or records its rejection with
 * the reason. A record that cannot even be decoded is set aside with its bytes ({@link SetAside}, put back with
 * {@code playback redrive}) and the rest of the batch goes on. Any other failure (throttling, a timeout, any
 * DynamoDB, Kinesis or S3 error) fails the invocation: the event source retries it without a budget that discards
 * (template.yaml), blocking only this shard, and each failed attempt logs the age of the oldest record retried,
 * also as the metric {@code PumpRetriedRecordAge}. Counts per batch ({@code Service=pump}, CloudWatch embedded metric
 * format): {@link Metric#EVENTS_APPENDED}, {@link Metric#EVENTS_DUPLICATE}, {@link Metric#EVENTS_REJECTED} (rejected or in
 * conflict), {@link Metric#RECORDS_SET_ASIDE}.
 */
public final class PumpHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private static final ExecutorService APPENDS = PerAggregate.workers("pump-append", 16);
    /** The value of the metrics' {@code Service} dimension. */
    public static final String SERVICE = "pump";
    private static final Logger LOG = LoggerFactory.getLogger(PumpHandler.class);

    private final Appender appender;
    private final EventPublisher feed;
    private final KinesisBatch batch;
    private final Clock clock;
    private final EmbeddedMetrics metrics;

    public PumpHandler() {
        this(System.getenv());
    }

    public PumpHandler(Map<String, String> environment) {
        this(new Environment(environment));
    }

    private PumpHandler(Environment env) {
        this(wire(env), feed(env), setAside(env), Clock.systemUTC(), EmbeddedMetrics.from(env.asMap(), Clock.systemUTC()));
    }

    public PumpHandler(EventLog log, EventPublisher feed, SetAside setAside, Clock clock) {
        this(log, feed, setAside, clock, new EmbeddedMetrics(EmbeddedMetrics.DEFAULT_NAMESPACE, clock));
    }

    /**
     * @param feed     where appended events go, versioned, for the processors (the playback stream): every
     *                 processor applies exactly what the events table holds, without waiting for the pump
     * @param setAside where records that cannot be decoded are kept
     * @param metrics  where each batch's counts go, written after it
     */
    public PumpHandler(EventLog log, EventPublisher feed, SetAside setAside, Clock clock, EmbeddedMetrics metrics) {
        this.appender = new Appender(log, APPENDS);
        this.feed = feed;
        this.metrics = metrics;
        this.batch = new KinesisBatch(setAside, SERVICE, "event stream", "not an event batch: ", metrics.port());
        this.clock = clock;
    }

    private static EventLog wire(Environment env) {
        Tables t = Tables.from(env);
        env.require("PLAYBACK_STREAM");
        env.require("FAILURE_BUCKET");
        env.require("EVENT_INDEX_TABLE");
        env.check("PumpFunction");
        AwsClients aws = new AwsClients(env);
        return new DynamoEventLog(aws.dynamoDb(), t.eventsTable(), t.eventIdsTable(), DynamoIndexWriter.from(env, aws.dynamoDb()),
                new S3PayloadStore(aws.s3(), t.payloadBucket()));
    }

    private static EventPublisher feed(Environment env) {
        return new KinesisEventPublisher(new AwsClients(env).kinesis(), env.require("PLAYBACK_STREAM"));
    }

    private static SetAside setAside(Environment env) {
        return S3SetAside.from(env, S3SetAside.Stream.EVENT);
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
        try (LogContext.Invocation invocation = LogContext.start(context)) {
            try {
                return pump(input, context);
            } catch (RuntimeException e) {
                logRetry(input, e);
                throw e;
            } finally {
                metrics.flush();
            }
        }
    }

    private StreamsEventResponse pump(KinesisEvent input, Context context) {
        List<EventEnvelope> events = batch.decode(input, context, r -> StreamRecords.decode(StreamRecords.bytes(r.getKinesis().getData())))
                .stream().flatMap(List::stream).toList();
        if (!events.isEmpty()) {
            long t0 = System.nanoTime();
            List<AppendOutcome> outcomes = appender.append(events, clock.instant());
            long t1 = System.nanoTime();
            feed.publish(appended(events, outcomes));
            long t2 = System.nanoTime();
            long appended = outcomes.stream().filter(o -> o instanceof AppendOutcome.Appended).count();
            long rejected = outcomes.stream().filter(o -> o instanceof AppendOutcome.Rejected).count();
            long conflicts = outcomes.stream().filter(o -> o instanceof AppendOutcome.Conflict).count();
            long duplicates = outcomes.size() - appended - rejected - conflicts;
            metrics.count(Metric.EVENTS_APPENDED, SERVICE, appended);
            metrics.count(Metric.EVENTS_DUPLICATE, SERVICE, duplicates);
            metrics.count(Metric.EVENTS_REJECTED, SERVICE, rejected + conflicts);
            for (AppendOutcome o : outcomes) {
                boolean refused = o instanceof AppendOutcome.Rejected || o instanceof AppendOutcome.Conflict;
                if (refused || LOG.isDebugEnabled()) {
                    withEvent(o, () -> {
                        if (refused) LOG.warn("pump: " + o);
                        else LOG.debug("pump: " + o);
                    });
                }
            }
            if (outcomes.size() == 1) {
                LogContext.put(LogContext.EVENT_ID, eventId(outcomes.get(0)));
                LogContext.put(LogContext.AGGREGATE_ID, aggregateId(outcomes.get(0)));
            }
            LOG.info("pump: " + appended + " appended, " + rejected + " rejected, " + conflicts + " conflicts, "
                    + duplicates + " duplicates from " + input.getRecords().size()
                    + " records; append " + (t1 - t0) / 1_000_000 + " ms, feed " + (t2 - t1) / 1_000_000 + " ms");
        }
        return KinesisBatch.done();
    }

    private static Instant arrival(KinesisEvent.KinesisEventRecord r) {
        return r.getKinesis().getApproximateArrivalTimestamp() == null ? null : r.getKinesis().getApproximateArrivalTimestamp().toInstant();
    }

    private static void withEvent(AppendOutcome o, Runnable line) {
        LogContext.with(LogContext.EVENT_ID, eventId(o), () -> LogContext.with(LogContext.AGGREGATE_ID, aggregateId(o), line));
    }

    private static String eventId(AppendOutcome o) {
        if (o instanceof AppendOutcome.Appended a) return a.eventId();
        if (o instanceof AppendOutcome.Duplicate d) return d.eventId();
        if (o instanceof AppendOutcome.Rejected r) return r.eventId();
        return ((AppendOutcome.Conflict) o).eventId();
    }

    private static String aggregateId(AppendOutcome o) {
        if (o instanceof AppendOutcome.Appended a) return a.aggregateId();
        if (o instanceof AppendOutcome.Duplicate d) return d.aggregateId();
        if (o instanceof AppendOutcome.Rejected r) return r.aggregateId();
        return ((AppendOutcome.Conflict) o).aggregateId();
    }

    /** One line a person reads and one metric an alarm watches: the batch will be retried, and how old its oldest record is. */
    private void logRetry(KinesisEvent input, RuntimeException e) {
        Instant oldest = input.getRecords().stream().map(PumpHandler::arrival).filter(java.util.Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(null);
        long ageSeconds = oldest == null ? 0 : Math.max(0, java.time.Duration.between(oldest, clock.instant()).toSeconds());
        String shard = input.getRecords().isEmpty() ? "?" : StreamRecords.shardId(input.getRecords().get(0).getEventID());
        LOG.warn("pump: " + input.getRecords().size() + " records of " + shard + " will be retried (oldest " + ageSeconds
                + " s old): " + e);
        metrics.largest(Metric.PUMP_RETRIED_RECORD_AGE, SERVICE, ageSeconds);
    }

    /**
     * The events of this batch as they stand in the events table: appended now, or appended by an earlier
     * attempt of this delivery (published again, since that attempt may have died before publishing). This is what
     * the pump publishes on its feed; tests that stand in for the pump feed the processors the same.
     */
    public static List<EventEnvelope> appended(List<EventEnvelope> events, List<AppendOutcome> outcomes) {
        Map<String, Long> versions = new HashMap<>();
        for (AppendOutcome o : outcomes) {
            if (o instanceof AppendOutcome.Appended a) versions.put(a.eventId(), a.version());
            else if (o instanceof AppendOutcome.Duplicate d && d.version() != null) versions.put(d.eventId(), d.version());
        }
        List<EventEnvelope> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (EventEnvelope e : events) {
            Long v = versions.get(e.eventId());
            if (v != null && seen.add(e.eventId())) out.add(e.withVersion(v));
        }
        out.sort(Comparator.comparing(EventEnvelope::aggregateId).thenComparing(EventEnvelope::versionOrZero));
        return out;
    }

}

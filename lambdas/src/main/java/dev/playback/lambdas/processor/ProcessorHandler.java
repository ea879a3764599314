package dev.playback.lambdas.processor;

import dev.playback.model.playback.GatewayProcessing;
import dev.playback.model.playback.Projection;
import dev.playback.model.parking.Parked;
import dev.playback.model.parking.Parking;
import dev.playback.lambdas.aws.dynamodb.DynamoParkedAggregates;
import software.amazon.awssdk.core.exception.SdkException;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.aws.kinesis.KinesisBatch;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.lambdas.aws.kinesis.SetAside;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.aws.s3.S3SetAside;
import dev.playback.model.batch.PerAggregate;
import dev.playback.lambdas.wiring.DomainWiring;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import dev.playback.lambdas.telemetry.LogContext;
import dev.playback.lambdas.telemetry.Metric;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.PlaybackRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.playback.model.replay.GatewayReports;
import dev.playback.model.domain.Domains;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.store.CachedStateStore;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;

/**
 * The processors' function: playback stream → the processors named in {@code PROCESSORS} (comma-separated; unset:
 * every projection of the deployment's domains). Two kinds of records travel there, decoded here once: the pump's
 * feed (JSON arrays of the events it appended, with their versions) and replay records ({@link PlaybackRecords},
 * JSON objects). Projections take them through {@link Projection}; each processor with external effects through its
 * {@link GatewayProcessing}. Records that fail are reported in {@code batchItemFailures} and retried by the event
 * source, without a budget that discards. A record that cannot be applied as it is — not decodable, or holding an
 * event without a version, which only the pump gives — is set aside ({@link SetAside}, {@code playback redrive} puts
 * it back) instead of holding its shard. Per processor and batch it logs what it applied and counts it
 * ({@link Metric#EVENTS_APPLIED}, {@link Metric#REPLAY_EVENTS_APPLIED}, {@link Metric#PROCESSOR_LAG}: the age of the
 * batch's oldest live event before it is applied); its worker threads log with the invocation's keys.
 * A live event a processor's {@code apply} throws on because of a bug (not an AWS SDK, I/O or external system failure)
 * parks its aggregate for that processor in {@code PARKED_TABLE} ({@link Parking}): the record is not retried, the
 * aggregate's later events are held back, and {@link Metric#PARKED_AGGREGATES} counts the parked aggregates. A state item
 * over its processor's warning size is logged and counted ({@link Metric#LARGE_STATES}); one over its limit is not saved
 * and parks its aggregate the same way ({@link dev.playback.model.store.StateTooLarge}).
 */
public final class ProcessorHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    /** The variable naming the processors a function runs. */
    public static final String PROCESSORS = "PROCESSORS";
    /** The variable naming the table of parked aggregates. */
    public static final String PARKED_TABLE = "PARKED_TABLE";
    /** Why a playback-stream record that cannot be applied as it is was set aside (the decoder's message follows). */
    public static final String NOT_A_PLAYBACK_STREAM_RECORD = "record is not a batch of appended events or a playback record: ";
    /** States remembered per container (a state of tens of KB as JSON: bounded by count). */
    static final int CACHED_STATES = 500;

    /**
     * Threads per container applying aggregates in parallel, for projections and processors with external effects alike:
     * a replay that is stopped may still see one page of playback events per thread finish after its end.
     */
    public static final int WORKER_THREADS = 16;
    private static final ExecutorService POOL = PerAggregate.workers("processor", WORKER_THREADS);
    /** The pool, its tasks logging with their submitter's keys (function, request id, processor). */
    private static final Executor WORKERS = LogContext.carrying(POOL);
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorHandler.class);
    /** The value of the {@code Service} dimension of the records set aside. */
    public static final String SERVICE = "processor";

    private final Optional<Projection> projection;
    private final List<GatewayProcessing> effectful;
    private final KinesisBatch batch;
    private final EmbeddedMetrics metrics;
    private final Clock clock;
    private final Parking parking;

    public ProcessorHandler() {
        this(System.getenv());
    }

    public ProcessorHandler(Map<String, String> environment) {
        this(environment, UnaryOperator.identity());
    }

    /**
     * Wired from {@code environment}, with the data store as {@code dataStore} makes it of the DynamoDB one (the
     * benchmarks count its reads and writes there); the state-size guard and the cache stay in front of it.
     */
    public ProcessorHandler(Map<String, String> environment, UnaryOperator<StateStore> dataStore) {
        this(new Environment(environment), dataStore);
    }

    private ProcessorHandler(Environment env, UnaryOperator<StateStore> dataStore) {
        this(wire(env, EmbeddedMetrics.from(env.asMap(), Clock.systemUTC()), dataStore), S3SetAside.from(env, S3SetAside.Stream.PLAYBACK));
    }

    private ProcessorHandler(Wired wired, SetAside setAside) {
        this(wired.projection(), wired.effectful(), setAside, wired.metrics(), Clock.systemUTC(), wired.parking());
    }

    /** Metrics in the default namespace, lag from the system clock. */
    public ProcessorHandler(Optional<Projection> projection, List<GatewayProcessing> effectful, SetAside setAside) {
        this(projection, effectful, setAside, new EmbeddedMetrics(EmbeddedMetrics.DEFAULT_NAMESPACE, Clock.systemUTC()), Clock.systemUTC());
    }

    /**
     * @param projection the projections to run, if any
     * @param effectful  the processors with external effects to run
     * @param setAside   where records that cannot be applied as they are (undecodable, or an event without a version) are kept
     * @param metrics    where each batch's counts go, written after it (the processors with external effects count their
     *                   gateway's decisions there too when built with {@link EmbeddedMetrics#port()})
     * @param clock      the time the processor lag is measured at
     */
    public ProcessorHandler(Optional<Projection> projection, List<GatewayProcessing> effectful, SetAside setAside,
                            EmbeddedMetrics metrics, Clock clock) {
        this(projection, effectful, setAside, metrics, clock, Parking.OFF);
    }

    /**
     * The same, with the {@link Parking} the projection and the processors with external effects were built with: after
     * each batch the number of aggregates parked per processor is written ({@link Metric#PARKED_AGGREGATES}).
     */
    public ProcessorHandler(Optional<Projection> projection, List<GatewayProcessing> effectful, SetAside setAside,
                            EmbeddedMetrics metrics, Clock clock, Parking parking) {
        if (projection.isEmpty() && effectful.isEmpty()) throw new IllegalArgumentException("a processor function runs at least one processor");
        this.parking = parking;
        this.projection = projection;
        this.effectful = List.copyOf(effectful);
        this.metrics = metrics;
        this.clock = clock;
        this.batch = new KinesisBatch(setAside, SERVICE, "playback stream", NOT_A_PLAYBACK_STREAM_RECORD, metrics.port());
    }

    /** The processors this function runs: its projections, then its processors with external effects. */
    List<String> processors() {
        List<String> names = new ArrayList<>(projection.map(Projection::processors).orElse(List.of()));
        effectful.forEach(g -> names.add(g.name()));
        return List.copyOf(names);
    }

    /** Only projections. */
    public ProcessorHandler(Projection projection, SetAside setAside) {
        this(Optional.of(projection), List.of(), setAside);
    }

    private record Wired(Optional<Projection> projection, List<GatewayProcessing> effectful, EmbeddedMetrics metrics, Parking parking) {
    }

    /**
     * Failures a later attempt may fix, besides those {@link Parking} knows (I/O, external systems): the AWS SDK's (a
     * store the processor's gateway writes to, throttling, a timeout). They are retried; everything else a processor's
     * {@code apply} throws is a bug that parks its aggregate.
     */
    static boolean transientFailure(Throwable t) {
        return t instanceof SdkException;
    }

    private static Wired wire(Environment env, EmbeddedMetrics metrics, UnaryOperator<StateStore> dataStore) {
        String function = env.optional("AWS_LAMBDA_FUNCTION_NAME").orElse("ProcessorFunction");
        env.require("FAILURE_BUCKET"); // named with the other missing variables
        Optional<String> named = env.optional(PROCESSORS);
        DomainWiring w = DomainWiring.from(env, function);
        Domains domains = w.domains();
        List<String> names = named.map(n -> Arrays.stream(n.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElseGet(() -> domains.projections().stream().map(Processor::name).toList());
        EventStore events = w.events();
        // The states this container wrote are not read back batch after batch: they are remembered, and saved only if
        // nobody else wrote them since (CachedStateStore).
        // A state item over its processor's warning size is logged and counted, one over its limit refused (StateSizeGuard):
        // the live path parks its aggregate.
        StateStore states = new CachedStateStore(w.guarded(dataStore.apply(w.states()), metrics.port(), LOG::warn), CACHED_STATES);
        var replays = w.replays();
        // The table of parked aggregates (PARKED_TABLE): a live event a processor's apply throws on because of a bug parks
        // its aggregate for that processor there; its later events are held back until playback unpark.
        Parking parking = new Parking(new DynamoParkedAggregates(w.aws().dynamoDb(), env.require(PARKED_TABLE)),
                ProcessorHandler::transientFailure, Clock.systemUTC());
        List<Projector<?>> projectors = new ArrayList<>();
        List<GatewayProcessing> effectful = new ArrayList<>();
        // Snapshots of every processor (those with external effects folded from their recorded answers, causing nothing).
        Snapshots snapshots = w.snapshots(events, metrics.port(), LOG::warn);
        Optional<GatewayReports> reports = env.optional("REPORT_BUCKET").map(b -> new GatewayReports(new S3PayloadStore(w.aws().s3(), b)));
        for (String name : names) {
            try {
                domains.requireProcessor(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(function + ": " + PROCESSORS + ": " + e.getMessage(), e);
            }
            Optional<Processor<?>> p = domains.projection(name);
            if (p.isPresent()) {
                projectors.add(projector(p.get(), events, states, domains, snapshots));
                continue;
            }
            EffectfulProcessor e = domains.effectful(name).orElseThrow();
            effectful.add(new GatewayProcessing(w.processor(e), w.gateway(e), events, states, replays, domains.catalog(), reports, WORKERS,
                    metrics.port(), parking, snapshots));
        }
        Optional<Projection> projection = projectors.isEmpty() ? Optional.empty()
                : Optional.of(new Projection(projectors, states, replays, WORKERS, true, parking));
        return new Wired(projection, effectful, metrics, parking);
    }

    private static <S> Projector<S> projector(Processor<S> p, EventStore events, StateStore states, Domains domains, Snapshots snapshots) {
        return new Projector<>(p, events, states, domains.catalog(), snapshots);
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
        try (LogContext.Invocation invocation = LogContext.start(context)) {
            try {
                return process(input, context);
            } finally {
                metrics.flush();
            }
        }
    }

    private StreamsEventResponse process(KinesisEvent input, Context context) {
        List<Projection.Item> items = batch.decode(input, context, ProcessorHandler::item);
        keys(items);
        Optional<Long> lag = lag(items);
        List<String> failures = new ArrayList<>();
        projection.ifPresent(p -> LogContext.with(LogContext.PROCESSOR, String.join(",", p.processors()), () -> {
            Projection.Result result = p.apply(items);
            failures.addAll(result.failures());
            if (!result.failures().isEmpty()) LOG.warn("projection: " + result.failures().size() + " records to retry: " + result.reasons());
            for (Parked parked : result.parked()) LOG.error(Parking.describe(parked));
            for (String name : p.processors()) applied(name, items, new HashSet<>(result.failures()), lag);
        }));
        for (GatewayProcessing g : effectful) {
            LogContext.with(LogContext.PROCESSOR, g.name(), () -> {
                List<String> retry = g.apply(items, LOG::warn);
                failures.addAll(retry);
                applied(g.name(), items, new HashSet<>(retry), lag);
            });
        }
        parking.drainCounts().forEach((processor, n) -> metrics.largest(Metric.PARKED_AGGREGATES, processor, n));
        return KinesisBatch.retry(failures);
    }

    /** The keys that hold for the whole batch: its one live event's, or its one replay's. */
    private static void keys(List<Projection.Item> items) {
        List<EventEnvelope> live = items.stream().filter(i -> i.playback() == null).flatMap(i -> i.events().stream()).toList();
        Set<String> replays = new HashSet<>();
        Set<String> generations = new HashSet<>();
        for (Projection.Item i : items) {
            if (i.playback() == null) continue;
            replays.add(i.playback().replayId());
            generations.add(i.playback().generation());
        }
        if (live.size() == 1 && replays.isEmpty()) {
            LogContext.put(LogContext.EVENT_ID, live.get(0).eventId());
            LogContext.put(LogContext.AGGREGATE_ID, live.get(0).aggregateId());
        }
        if (replays.size() == 1 && live.isEmpty()) {
            LogContext.put(LogContext.REPLAY_ID, replays.iterator().next());
            if (generations.size() == 1) LogContext.put(LogContext.GENERATION, generations.iterator().next());
        }
    }

    /** Now − recordedAt of the batch's oldest live event, none without live events. */
    private Optional<Long> lag(List<Projection.Item> items) {
        Optional<Instant> oldest = items.stream().filter(i -> i.playback() == null).flatMap(i -> i.events().stream())
                .map(EventEnvelope::recordedAt).filter(Objects::nonNull).min(Instant::compareTo);
        return oldest.map(t -> Math.max(0, clock.millis() - t.toEpochMilli()));
    }

    /** Logs and counts what {@code processor} applied of the batch: the events of the records it does not retry. */
    private void applied(String processor, List<Projection.Item> items, Set<String> retried, Optional<Long> lag) {
        long live = 0;
        long replayed = 0;
        for (Projection.Item i : items) {
            if (retried.contains(i.sequenceNumber())) continue;
            PlaybackRecord r = i.playback();
            if (r == null) live += i.events().size();
            else if (r.processors().contains(processor)) replayed += r.events().size();
        }
        if (live > 0) metrics.count(Metric.EVENTS_APPLIED, processor, live);
        if (replayed > 0) metrics.count(Metric.REPLAY_EVENTS_APPLIED, processor, replayed);
        lag.ifPresent(ms -> metrics.largest(Metric.PROCESSOR_LAG, processor, ms));
        if (live == 0 && replayed == 0 && retried.isEmpty()) return;
        String line = processor + ": applied " + live + " live and " + replayed + " replayed events"
                + (retried.isEmpty() ? "" : ", " + retried.size() + " records to retry")
                + lag.map(ms -> "; oldest live event " + ms + " ms old").orElse("");
        LogContext.with(LogContext.PROCESSOR, processor, () -> LOG.info(line));
    }

    /**
     * A record of the pump's feed (a JSON array of appended events) or a replay record (a JSON object); throws if it
     * is neither, or if an event of the feed has no version.
     */
    static Projection.Item item(KinesisEvent.KinesisEventRecord r) {
        String seq = r.getKinesis().getSequenceNumber();
        String shard = StreamRecords.shardId(r.getEventID());
        byte[] data = StreamRecords.bytes(r.getKinesis().getData());
        if (PlaybackRecords.isPlayback(data)) return Projection.Item.playback(shard, seq, PlaybackRecords.decode(data));
        return Projection.Item.appended(shard, seq, StreamRecords.decode(data));
    }
}

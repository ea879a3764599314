package dev.playback.lambdas.processor;

import dev.playback.model.playback.GatewayProcessing;
import dev.playback.model.playback.Projection;

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
import dev.playback.model.replay.GatewayReports;
import dev.playback.model.domain.Domains;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.CachedStateStore;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The processors' function: playback stream → the processors named in {@code PROCESSORS} (comma-separated; unset:
 * every projection of the deployment's domains). Two kinds of records travel there, decoded here once: the pump's
 * feed (JSON arrays of the events it appended, with their versions) and replay records ({@link PlaybackRecords},
 * JSON objects). Projections take them through {@link Projection}; each processor with external effects through its
 * {@link GatewayProcessing}. Records that fail are reported in {@code batchItemFailures} and retried by the event
 * source, without a budget that discards. A record that cannot be applied as it is — not decodable, or holding an
 * event without a version, which only the pump gives — is set aside ({@link SetAside}, {@code playback redrive} puts
 * it back) instead of holding its shard.
 */
public final class ProcessorHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    /** The variable naming the processors a function runs. */
    public static final String PROCESSORS = "PROCESSORS";
    /** Why a playback-stream record that cannot be applied as it is was set aside (the decoder's message follows). */
    public static final String NOT_A_PLAYBACK_STREAM_RECORD = "record is not a batch of appended events or a playback record: ";
    /** States remembered per container (a state of tens of KB as JSON: bounded by count). */
    static final int CACHED_STATES = 500;

    /**
     * Threads per container applying aggregates in parallel, for projections and processors with external effects alike:
     * a replay that is stopped may still see one page of playback events per thread finish after its end.
     */
    public static final int WORKER_THREADS = 16;
    private static final ExecutorService WORKERS = PerAggregate.workers("processor", WORKER_THREADS);

    private final Optional<Projection> projection;
    private final List<GatewayProcessing> effectful;
    private final KinesisBatch batch;

    public ProcessorHandler() {
        this(System.getenv());
    }

    public ProcessorHandler(Map<String, String> environment) {
        this(new Environment(environment));
    }

    private ProcessorHandler(Environment env) {
        this(wire(env), S3SetAside.from(env, S3SetAside.Stream.PLAYBACK));
    }

    private ProcessorHandler(Wired wired, SetAside setAside) {
        this(wired.projection(), wired.effectful(), setAside);
    }

    /**
     * @param projection the projections to run, if any
     * @param effectful  the processors with external effects to run
     * @param setAside   where records that cannot be applied as they are (undecodable, or an event without a version) are kept
     */
    public ProcessorHandler(Optional<Projection> projection, List<GatewayProcessing> effectful, SetAside setAside) {
        if (projection.isEmpty() && effectful.isEmpty()) throw new IllegalArgumentException("a processor function runs at least one processor");
        this.projection = projection;
        this.effectful = List.copyOf(effectful);
        this.batch = new KinesisBatch(setAside, "processor", "playback stream", NOT_A_PLAYBACK_STREAM_RECORD);
    }

    /** Only projections. */
    public ProcessorHandler(Projection projection, SetAside setAside) {
        this(Optional.of(projection), List.of(), setAside);
    }

    private record Wired(Optional<Projection> projection, List<GatewayProcessing> effectful) {
    }

    private static Wired wire(Environment env) {
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
        StateStore states = new CachedStateStore(w.states(), CACHED_STATES);
        var replays = w.replays();
        List<Projector<?>> projectors = new ArrayList<>();
        List<GatewayProcessing> effectful = new ArrayList<>();
        Optional<GatewayReports> reports = env.optional("REPORT_BUCKET").map(b -> new GatewayReports(new S3PayloadStore(w.aws().s3(), b)));
        for (String name : names) {
            try {
                domains.requireProcessor(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(function + ": " + PROCESSORS + ": " + e.getMessage(), e);
            }
            Optional<Processor<?>> p = domains.projection(name);
            if (p.isPresent()) {
                projectors.add(projector(p.get(), events, states, domains));
                continue;
            }
            EffectfulProcessor e = domains.effectful(name).orElseThrow();
            effectful.add(new GatewayProcessing(w.processor(e), w.gateway(e), events, states, replays, domains.catalog(), reports, WORKERS));
        }
        Optional<Projection> projection = projectors.isEmpty() ? Optional.empty()
                : Optional.of(new Projection(projectors, states, replays, WORKERS));
        return new Wired(projection, effectful);
    }

    private static <S> Projector<S> projector(Processor<S> p, EventStore events, StateStore states, Domains domains) {
        return new Projector<>(p, events, states, domains.catalog());
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
        List<Projection.Item> items = batch.decode(input, context, ProcessorHandler::item);
        List<String> failures = new ArrayList<>();
        projection.ifPresent(p -> {
            Projection.Result result = p.apply(items);
            failures.addAll(result.failures());
            if (!result.failures().isEmpty()) log(context, "projection: " + result.failures().size() + " records to retry: " + result.reasons());
        });
        for (GatewayProcessing g : effectful) failures.addAll(g.apply(items, line -> log(context, line)));
        return KinesisBatch.retry(failures);
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

    static void log(Context context, String message) {
        if (context != null) context.getLogger().log(message + "\n");
        else System.err.println(message);
    }
}

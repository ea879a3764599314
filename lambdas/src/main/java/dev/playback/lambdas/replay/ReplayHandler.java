package dev.playback.lambdas.replay;

import dev.playback.model.replay.ReplayPorts;
import dev.playback.model.replay.Requests;
import dev.playback.model.replay.ReplayProcessor;
import dev.playback.model.replay.ReplayRequest;
import dev.playback.model.replay.ReplayActions;

import dev.playback.model.replay.Executions;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.lambdas.aws.kinesis.KinesisPlaybackPublisher;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.aws.sfn.SfnExecutions;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.wiring.DomainWiring;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import dev.playback.lambdas.telemetry.LogContext;
import dev.playback.lambdas.telemetry.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.playback.model.domain.Domains;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.event.EventCodec;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;


import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The replay state machines' function: dispatches on {@code action} to {@link ReplayActions}. Input and output
 * are the JSON payloads of {@code statemachines/replay.asl.json}, {@code partial-replay.asl.json} and
 * {@code rollback.asl.json}; an error is thrown to the state machine (its Catch records the failure). Logs with the
 * replay id, generation and execution ARN, and counts the events each {@code publish} put on the playback stream
 * ({@link Metric#REPLAY_EVENTS_PUBLISHED}, {@code Service=replay}, with those keys as properties).
 */
public final class ReplayHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** The value of the metrics' {@code Service} dimension. */
    public static final String SERVICE = "replay";
    private static final Logger LOG = LoggerFactory.getLogger(ReplayHandler.class);

    private final ReplayActions replays;
    private final Executions executions;
    private final EmbeddedMetrics metrics;

    public ReplayHandler() {
        this(System.getenv());
    }

    public ReplayHandler(Map<String, String> environment) {
        this(environment, EmbeddedMetrics.from(environment, Clock.systemUTC()));
    }

    private ReplayHandler(Map<String, String> environment, EmbeddedMetrics metrics) {
        this(new ReplayActions(wire(new Environment(environment), metrics),
                ReplayRequest.maySend(new Environment(environment).optional(ReplayRequest.MAY_SEND_VARIABLE)), metrics.port()),
                new SfnExecutions(new AwsClients(new Environment(environment)).stepFunctions()), metrics);
    }

    /**
     * @param replays    the replay use cases
     * @param executions where the scheduled {@code reconcile} reads the executions of running replays
     */
    public ReplayHandler(ReplayActions replays, Executions executions) {
        this(replays, executions, new EmbeddedMetrics(EmbeddedMetrics.DEFAULT_NAMESPACE, Clock.systemUTC()));
    }

    /** @param metrics where the events published are counted, written after each call */
    public ReplayHandler(ReplayActions replays, Executions executions, EmbeddedMetrics metrics) {
        this.replays = replays;
        this.executions = executions;
        this.metrics = metrics;
    }

    /** A handler without Step Functions: {@code reconcile} is refused, naming what is missing. */
    public ReplayHandler(ReplayActions replays) {
        this(replays, arn -> {
            throw new IllegalStateException("reconcile needs Step Functions to read execution " + arn + ": this handler was built without it");
        });
    }

    public ReplayHandler(ReplayPorts ports) {
        this(new ReplayActions(ports));
    }

    /** @param metrics where snapshots that could not be written are counted */
    static ReplayPorts wire(Environment env, EmbeddedMetrics metrics) {
        String playbackStream = env.require("PLAYBACK_STREAM");
        String reportBucket = env.require("REPORT_BUCKET");
        String indexTable = env.require("EVENT_INDEX_TABLE");
        DomainWiring w = DomainWiring.from(env, "ReplayFunction");
        Duration budget = env.optional("REPLAY_PUBLISH_SECONDS").map(ReplayHandler::seconds).orElse(ReplayPorts.DEFAULT_PUBLISH_BUDGET);
        Domains domains = w.domains();
        EventStore events = w.events();
        StateStore states = w.guardedStates(metrics.port(), LOG::warn);
        DynamoEventIndex index = new DynamoEventIndex(w.aws().dynamoDb(), w.tables().eventsTable(), indexTable);
        List<ReplayProcessor> processors = new ArrayList<>();
        Snapshots snapshots = w.snapshots(events, metrics.port(), LOG::warn);
        for (Processor<?> p : domains.projections()) processors.add(ReplayProcessor.of(projector(p, events, states, domains, snapshots)));
        // A processor with external effects: a partial replay runs it here, in the replay's gateway mode (rebuilds and
        // verifications reach it through the playback stream instead).
        for (EffectfulProcessor p : domains.effectfulProcessors()) {
            processors.add(ReplayProcessor.withGateway(w.processor(p), w.gateway(p), events, states, domains.catalog(), snapshots));
        }
        return new ReplayPorts(processors, events, index, index, states, w.replays(),
                new KinesisPlaybackPublisher(w.aws().kinesis(), playbackStream), new S3PayloadStore(w.aws().s3(), reportBucket),
                Clock.systemUTC(), budget);
    }

    private static Duration seconds(String text) {
        try {
            double s = Double.parseDouble(text);
            if (s < 0) throw new NumberFormatException();
            return Duration.ofMillis((long) (s * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("ReplayFunction: REPLAY_PUBLISH_SECONDS must be a number of seconds >= 0, got '" + text + "'");
        }
    }

    private static <S> Projector<S> projector(Processor<S> p, EventStore events, StateStore states, Domains domains, Snapshots snapshots) {
        return new Projector<>(p, events, states, domains.catalog(), snapshots);
    }

    /** The failed state with the execution that failed ({@code execution} beside {@code state} in the payload). */
    private static JsonNode withExecution(JsonNode state, String execution) {
        if (execution == null || state == null || !state.isObject() || state.has("execution")) return state;
        ObjectNode copy = ((ObjectNode) state).deepCopy();
        copy.put("execution", execution);
        return copy;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        try (LogContext.Invocation invocation = LogContext.start(context)) {
            try {
                return handle(input == null ? Map.of() : input);
            } finally {
                metrics.flush();
            }
        }
    }

    private Map<String, Object> handle(Map<String, Object> input) {
        JsonNode in = EventCodec.JSON.valueToTree(input);
        if ("aws.states".equals(in.path("source").asText()) && in.has("detail-type")) {
            // EventBridge: an execution of a replay state machine was stopped, failed or timed out
            LogContext.put(LogContext.EXECUTION_ARN, in.path("detail").path("executionArn").textValue());
            ObjectNode ended = replays.executionEnded(in);
            LogContext.put(LogContext.REPLAY_ID, ended.path("replayId").textValue());
            LOG.info("replay: " + ended.path("summary").asText());
            return EventCodec.JSON.convertValue(ended, MAP);
        }
        String action = Requests.requireText(in, "action");
        LogContext.put(LogContext.REPLAY_ID, in.path("replayId").textValue());
        LogContext.put(LogContext.EXECUTION_ARN, in.hasNonNull("execution") ? in.path("execution").textValue() : in.path("owner").textValue());
        ObjectNode out;
        try {
            out = dispatch(action, in);
        } catch (RuntimeException e) {
            var cause = TransientFailure.transientCause(e);
            if (cause.isEmpty()) throw e;
            LOG.warn("replay: " + action + " failed, to be retried by the state machine: " + cause.get().getMessage());
            throw new TransientFailure(action, cause.get());
        }
        if (out.hasNonNull("replayId")) LogContext.put(LogContext.REPLAY_ID, out.get("replayId").asText());
        if (out.hasNonNull("generation")) LogContext.put(LogContext.GENERATION, out.get("generation").asText());
        if (action.equals("publish")) {
            long now = out.path("publishedNow").asLong();
            metrics.count(Metric.REPLAY_EVENTS_PUBLISHED, SERVICE, now);
            LOG.info("replay: segment " + out.path("segment").asText() + " published " + now + " events (" + out.path("published").asText()
                    + " in all" + (out.path("done").asBoolean() ? ", done" : "") + ")");
        }
        if (out.has("summary")) LOG.info("replay: " + out.get("summary").asText());
        return EventCodec.JSON.convertValue(out, MAP);
    }

    private ObjectNode dispatch(String action, JsonNode in) {
        return switch (action) {
            case "reconcile" -> replays.reconcile(executions);
            case "prepare" -> replays.prepare(Requests.requireText(in, "kind"), in.get("request"), Requests.text(in, "execution"));
            case "publish" -> replays.publish(Requests.requireText(in, "replayId"), Requests.requireInteger(in, "segment"),
                    Requests.requireInteger(in, "round"), Requests.requireInteger(in, "maxRounds"), Requests.text(in, "owner"));
            case "progress" -> replays.progress(Requests.requireText(in, "replayId"), Requests.text(in, "execution"));
            case "drained" -> replays.drained(Requests.requireText(in, "replayId"), Requests.text(in, "execution"),
                    Requests.integer(in, "waits", 0, 0, Integer.MAX_VALUE));
            case "finish" -> replays.finish(Requests.requireText(in, "replayId"), Requests.text(in, "execution"));
            case "fail" -> replays.fail(withExecution(in.get("state"), Requests.text(in, "execution")));
            case "rollback" -> replays.rollback(in.get("request"));
            case "findAggregates" -> replays.findAggregates(in.get("request"), Requests.text(in, "execution"));
            case "rebuildAggregates" -> replays.rebuildAggregates(Requests.requireText(in, "replayId"), ReplayActions.list(in.get("chunk"), "chunk"));
            case "partialReport" -> replays.partialReport(Requests.requireText(in, "replayId"));
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; known: prepare, publish, progress, drained, "
                    + "finish, fail, rollback, findAggregates, rebuildAggregates, partialReport");
        };
    }
}

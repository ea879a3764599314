package dev.playback.lambdas.api;

import dev.playback.model.ingest.Ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.kinesis.KinesisEventPublisher;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.wiring.DomainWiring;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.config.Tables;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import dev.playback.lambdas.telemetry.LogContext;
import dev.playback.lambdas.telemetry.Metric;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.IdempotencyKey;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.event.PublishDeadlineExceeded;
import dev.playback.model.event.SubmissionJson;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.TimeTravel;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.MissingRecordException;
import dev.playback.model.snapshot.PointInTime;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.snapshot.SnapshotStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's function (API Gateway, REST proxy), serving every route:
 * {@code POST /events}, {@code GET /events/{eventId}}, {@code GET /aggregates/{aggregateId}} (with {@code ?asOf=},
 * {@code ?knownAt=} and/or {@code ?version=}: the state at that point, {@link TimeTravel}),
 * {@code GET /aggregates/{aggregateId}/events}. Only translates; the work is in {@link Ingest}. Logs each
 * {@code POST /events} (ids and counts, never a payload) and counts the events accepted and refused
 * ({@link Metric#EVENTS_ACCEPTED}, {@link Metric#EVENTS_REJECTED}, {@code Service=ingest}).
 */
public final class ApiHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    /**
     * The largest body accepted: one that fits, with room to spare, in a synchronous Lambda invoke (6,291,456 bytes),
     * which carries it inside the API Gateway proxy event as a JSON string; escaping can double a JSON body (every
     * {@code "} and {@code \} becomes two bytes), and the headers come twice (at most 10 KB each on API Gateway).
     */
    public static final int MAX_BODY_BYTES = 3_000_000;
    private static final int MAX_HISTORY_PAGE = 1000;
    /**
     * How long {@code POST /events} may spend putting events on the stream before it answers 503: under API Gateway's
     * 29 s integration timeout with room for the rest of the request. {@code INGEST_PUBLISH_SECONDS} overrides it.
     */
    public static final Duration DEFAULT_PUBLISH_DEADLINE = Duration.ofSeconds(20);
    /** The value of the metrics' {@code Service} dimension. */
    public static final String SERVICE = "ingest";
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final Ingest ingest;
    private final List<String> processors;
    private final EmbeddedMetrics metrics;
    private final TimeTravel travel;
    /** The processors it folds, by name; one with external effects built on first use (it needs its domain's settings). */
    private final Map<String, Supplier<Processor<?>>> foldable;

    public ApiHandler() {
        this(System.getenv());
    }

    public ApiHandler(Map<String, String> environment) {
        this(wire(new Environment(environment)));
    }

    private ApiHandler(Wired w) {
        this(w.ingest(), w.processors(), w.metrics(), w.travel(), w.foldable());
    }

    /**
     * @param processors the deployment's processors, the first the one {@code GET /aggregates/{id}} answers for
     *                   without {@code ?processor=}
     */
    public ApiHandler(Ingest ingest, List<String> processors) {
        this(ingest, processors, new EmbeddedMetrics(EmbeddedMetrics.DEFAULT_NAMESPACE, Clock.systemUTC()));
    }

    /** @param metrics where the events accepted and refused are counted, written after each request */
    public ApiHandler(Ingest ingest, List<String> processors, EmbeddedMetrics metrics) {
        this(ingest, processors, metrics, null, List.of());
    }

    /**
     * @param travel   answers {@code GET /aggregates/{id}} at a point in time (null: such queries are refused)
     * @param foldable the processors it can fold (one with external effects as {@link GatewayBinding#recordedAnswers})
     */
    public ApiHandler(Ingest ingest, List<String> processors, EmbeddedMetrics metrics, TimeTravel travel, List<Processor<?>> foldable) {
        this(ingest, processors, metrics, travel, byName(foldable));
    }

    private ApiHandler(Ingest ingest, List<String> processors, EmbeddedMetrics metrics, TimeTravel travel, Map<String, Supplier<Processor<?>>> foldable) {
        if (processors.isEmpty()) throw new IllegalArgumentException("the API needs at least one processor to read states of");
        this.ingest = ingest;
        this.processors = List.copyOf(processors);
        this.metrics = metrics;
        this.travel = travel;
        this.foldable = foldable;
    }

    private static Map<String, Supplier<Processor<?>>> byName(List<Processor<?>> processors) {
        Map<String, Supplier<Processor<?>>> out = new java.util.LinkedHashMap<>();
        processors.forEach(p -> out.put(p.name(), () -> p));
        return Map.copyOf(out);
    }

    private record Wired(Ingest ingest, List<String> processors, EmbeddedMetrics metrics, TimeTravel travel, Map<String, Supplier<Processor<?>>> foldable) {
    }

    private static Wired wire(Environment env) {
        String stream = env.require("EVENT_STREAM");
        env.require(DomainWiring.SUBJECT_KEY_TABLE);
        DomainWiring w = DomainWiring.from(env, "IngestFunction");
        Tables t = w.tables();
        AwsClients aws = w.aws();
        var dynamo = aws.dynamoDb();
        S3PayloadStore payloads = new S3PayloadStore(aws.s3(), t.payloadBucket());
        DynamoEventLog log = new DynamoEventLog(dynamo, t.eventsTable(), t.eventIdsTable(), payloads);
        Duration deadline = env.optional("INGEST_PUBLISH_SECONDS").map(ApiHandler::seconds).orElse(DEFAULT_PUBLISH_DEADLINE);
        SnapshotStore snapshots = w.snapshotStore().orElse(SnapshotStore.NONE);
        return new Wired(new Ingest(w.domains().catalog(), KinesisEventPublisher.withDeadline(aws.kinesis(), stream, deadline), payloads, log,
                new DynamoStateStore(dynamo, t.dataTable()), w.personalData(), Clock.systemUTC()), w.domains().processorNames(),
                EmbeddedMetrics.from(env.asMap(), Clock.systemUTC()), new TimeTravel(log, snapshots, w.domains().catalog()),
                foldable(w));
    }

    /**
     * Every processor of the deployment as time travel folds it: a projection as it is, a processor with external
     * effects from its recorded answers only ({@link GatewayBinding#recordedAnswers}: nothing is asked, sent or logged),
     * built on its first query (from its domain's settings, e.g. the payouts' FEE_RULE, and RECORD_BUCKET).
     */
    private static Map<String, Supplier<Processor<?>>> foldable(DomainWiring w) {
        Map<String, Supplier<Processor<?>>> out = new java.util.LinkedHashMap<>(byName(w.domains().projections()));
        for (EffectfulProcessor e : w.domains().effectfulProcessors()) {
            out.put(e.name(), once(() -> GatewayBinding.recordedAnswers(w.processor(e), w.recordedAnswers(e))));
        }
        return Map.copyOf(out);
    }

    /** {@code build}'s processor, built once, on first use. */
    private static Supplier<Processor<?>> once(Supplier<Processor<?>> build) {
        return new Supplier<>() {
            private Processor<?> built;

            @Override
            public synchronized Processor<?> get() {
                if (built == null) built = build.get();
                return built;
            }
        };
    }

    /** {@code INGEST_PUBLISH_SECONDS}: a number of seconds > 0, at least 1 ms. */
    static Duration seconds(String text) {
        try {
            double s = Double.parseDouble(text);
            if (!(s > 0) || Double.isInfinite(s)) throw new NumberFormatException();
            return Duration.ofMillis(Math.max(1, (long) (s * 1000)));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("IngestFunction: INGEST_PUBLISH_SECONDS must be a number of seconds > 0, got '" + text + "'");
        }
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        try (LogContext.Invocation invocation = LogContext.start(context)) {
            Submitted submitted = new Submitted();
            APIGatewayProxyResponseEvent response = route(request, submitted);
            if (submitted.posted) logged(response, submitted);
            return response;
        }
    }

    /** What a {@code POST /events} submitted, as far as it was read: the events' count, and the body once parsed. */
    private static final class Submitted {
        boolean posted;
        int events = 1;
        JsonNode body;
        List<String> ids = List.of();
    }

    /** The request's log line and metrics: ids and counts only (a refusal names the status and the field, not the value). */
    private void logged(APIGatewayProxyResponseEvent response, Submitted submitted) {
        int status = response.getStatusCode();
        if (status == 202) {
            if (submitted.ids.size() == 1) {
                LogContext.put(LogContext.EVENT_ID, submitted.ids.get(0));
                LogContext.put(LogContext.AGGREGATE_ID, aggregateOf(submitted.body, 0));
            } else if (LOG.isDebugEnabled()) {
                for (int i = 0; i < submitted.ids.size(); i++) {
                    String aggregateId = aggregateOf(submitted.body, i);
                    String eventId = submitted.ids.get(i);
                    LogContext.with(LogContext.EVENT_ID, eventId, () -> LogContext.with(LogContext.AGGREGATE_ID, aggregateId,
                            () -> LOG.debug("ingest: accepted event")));
                }
            }
            LOG.info("ingest: accepted " + submitted.ids.size() + (submitted.ids.size() == 1 ? " event" : " events"));
            metrics.count(Metric.EVENTS_ACCEPTED, SERVICE, submitted.ids.size());
        } else if (status >= 400 && status < 500) {
            String field = field(response);
            LOG.info("ingest: refused " + submitted.events + (submitted.events == 1 ? " event" : " events") + " (" + status
                    + (field == null ? "" : ", field " + field) + ")");
            metrics.count(Metric.EVENTS_REJECTED, SERVICE, submitted.events);
        }
        metrics.flush();
    }

    private static String aggregateOf(JsonNode body, int index) {
        JsonNode event = body == null ? null : body.isArray() ? body.get(index) : body;
        JsonNode id = event == null ? null : event.get("aggregateId");
        return id != null && id.isTextual() ? id.asText() : null;
    }

    private static String field(APIGatewayProxyResponseEvent response) {
        try {
            JsonNode body = EventCodec.JSON.readTree(response.getBody());
            return body.hasNonNull("field") ? body.get("field").asText() : null;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the API's own error body is not JSON: " + e.getMessage(), e);
        }
    }

    private APIGatewayProxyResponseEvent route(APIGatewayProxyRequestEvent request, Submitted submitted) {
        String method = request.getHttpMethod() == null ? "" : request.getHttpMethod().toUpperCase();
        String resource = request.getResource() == null ? "" : request.getResource();
        Map<String, String> path = request.getPathParameters() == null ? Map.of() : request.getPathParameters();
        try {
            return switch (method + " " + resource) {
                case "POST /events" -> post(request, submitted);
                case "GET /events/{eventId}" -> getEvent(path.get("eventId"));
                case "GET /aggregates/{aggregateId}" -> getAggregate(path.get("aggregateId"), request.getQueryStringParameters());
                case "GET /aggregates/{aggregateId}/events" -> getHistory(path.get("aggregateId"), request.getQueryStringParameters());
                default -> error(404, "no route for " + method + " " + resource, null);
            };
        } catch (Ingest.TooLargeException e) {
            return error(413, e.getMessage(), e.field());
        } catch (UnsupportedMediaType e) {
            return error(415, e.getMessage(), e.field());
        } catch (Ingest.ConflictException e) {
            return error(409, e.getMessage(), e.field());
        } catch (InvalidEventException e) {
            return error(400, e.getMessage(), e.field());
        } catch (PublishDeadlineExceeded e) {
            LOG.warn("ingest: answered 503: " + e.getMessage());
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("error", "the events could not all be put on the event stream within " + seconds(e.deadline())
                    + ", so none is acknowledged. Retry the same request with the same Idempotency-Key header (or with "
                    + "these eventIds in the events): events that did get through are recognised by their ids and appended once.");
            ArrayNode ids = n.putArray("eventIds");
            e.eventIds().forEach(ids::add);
            return respond(503, n).withHeaders(Map.of("Content-Type", "application/json", "Retry-After", "1"));
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A body in another format than JSON: answered with 415. */
    static final class UnsupportedMediaType extends InvalidEventException {
        UnsupportedMediaType(String message) {
            super("Content-Type", message);
        }
    }

    /**
     * JSON or nothing: {@code application/json} or {@code application/<x>+json}, in UTF-8 if a charset is named. A request
     * without Content-Type is read as JSON.
     */
    private static void checkContentType(APIGatewayProxyRequestEvent request) {
        String value = header(request, "Content-Type");
        if (value == null) return;
        String[] parts = value.split(";");
        String type = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
        boolean json = type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
        if (!json) {
            throw new UnsupportedMediaType("Content-Type '" + abbreviate(value) + "' is not accepted; send the events as application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].trim().split("=", 2);
            if (kv[0].trim().equalsIgnoreCase("charset") && kv.length == 2
                    && !kv[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                throw new UnsupportedMediaType("Content-Type '" + abbreviate(value) + "' names a charset other than UTF-8; JSON is read as UTF-8");
            }
        }
    }

    /** The request's Idempotency-Key, or null; refused (400) when malformed or given twice with different values. */
    private static IdempotencyKey idempotencyKey(APIGatewayProxyRequestEvent request) {
        if (request.getMultiValueHeaders() != null) {
            java.util.Set<String> values = new java.util.HashSet<>();
            request.getMultiValueHeaders().forEach((name, list) -> {
                if (name.equalsIgnoreCase(IdempotencyKey.HEADER) && list != null) values.addAll(list);
            });
            if (values.size() > 1) {
                throw new InvalidEventException(IdempotencyKey.HEADER, "header '" + IdempotencyKey.HEADER + "' is given " + values.size()
                        + " times with different values; give it once");
            }
        }
        String value = header(request, IdempotencyKey.HEADER);
        return value == null ? null : new IdempotencyKey(value);
    }

    /** A request header by name, in any case (API Gateway keeps the client's spelling). */
    private static String header(APIGatewayProxyRequestEvent request, String name) {
        if (request.getHeaders() == null) return null;
        for (Map.Entry<String, String> h : request.getHeaders().entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) return h.getValue();
        }
        return null;
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }

    private APIGatewayProxyResponseEvent post(APIGatewayProxyRequestEvent request, Submitted submitted) {
        submitted.posted = true;
        checkContentType(request);
        IdempotencyKey key = idempotencyKey(request);
        String body = request.getBody();
        if (body == null || body.isEmpty()) throw new InvalidEventException("body", "request body is empty; expected an event object or an array of events");
        byte[] bytes;
        try {
            bytes = Boolean.TRUE.equals(request.getIsBase64Encoded()) ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("body", "request body is marked base64-encoded but is not valid base64");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            return error(413, "request body is " + bytes.length + " bytes; at most " + MAX_BODY_BYTES + " are accepted", "body");
        }
        JsonNode json = SubmissionJson.read(bytes);
        submitted.body = json;
        if (json != null && json.isArray()) submitted.events = Math.max(1, json.size());
        List<String> ids = ingest.accept(json, key);
        submitted.ids = ids;
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode arr = out.putArray("eventIds");
        ids.forEach(arr::add);
        return respond(202, out);
    }

    private APIGatewayProxyResponseEvent getEvent(String eventId) {
        if (eventId == null || !dev.playback.model.event.Submission.ID.matcher(eventId).matches()) {
            throw new InvalidEventException("eventId", "path parameter 'eventId' must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
        Ingest.Lookup found = ingest.event(eventId);
        if (found instanceof Ingest.Lookup.Appended a) {
            ObjectNode n = EventCodec.toJson(a.event());
            n.put("status", "appended");
            if (!a.conflicts().isEmpty()) a.conflicts().forEach(n.putArray("conflicts")::add);
            return respond(200, n);
        }
        if (found instanceof Ingest.Lookup.Rejected r) {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("eventId", r.rejection().eventId());
            n.put("aggregateId", r.rejection().aggregateId());
            n.put("status", "rejected");
            n.put("reason", r.rejection().reason());
            n.put("rejectedAt", r.rejection().at().toString());
            if (!r.rejection().conflicts().isEmpty()) r.rejection().conflicts().forEach(n.putArray("conflicts")::add);
            return respond(200, n);
        }
        return error(404, "event " + eventId + " is not appended (yet)", null);
    }

    private APIGatewayProxyResponseEvent getAggregate(String aggregateId, Map<String, String> query) {
        checkAggregateId(aggregateId);
        String processor = query != null && query.get("processor") != null ? query.get("processor") : processors.get(0);
        if (!processors.contains(processor)) {
            return error(400, "unknown processor '" + processor + "'; known: " + String.join(", ", processors), "processor");
        }
        PointInTime point = pointInTime(query);
        if (!point.equals(PointInTime.latest())) return travel(aggregateId, processor, point);
        return ingest.state(processor, aggregateId).map(s -> respond(200, stateJson(s)))
                .orElseGet(() -> error(404, "aggregate " + aggregateId + " is unknown to processor " + processor, null));
    }

    /** {@code asOf}, {@code knownAt} (ISO-8601 times) and {@code version} (>= 1), each optional; a bad one is refused naming it. */
    private static PointInTime pointInTime(Map<String, String> query) {
        java.util.Optional<java.time.Instant> asOf = timeParam(query, "asOf");
        java.util.Optional<java.time.Instant> knownAt = timeParam(query, "knownAt");
        java.util.OptionalLong version = java.util.OptionalLong.empty();
        if (query != null && query.get("version") != null) {
            long v = longParam(query, "version", 0);
            if (v < 1) throw new InvalidEventException("version", "query parameter 'version' must be >= 1, got " + v);
            version = java.util.OptionalLong.of(v);
        }
        return new PointInTime(asOf, knownAt, version);
    }

    private static java.util.Optional<java.time.Instant> timeParam(Map<String, String> query, String name) {
        if (query == null || query.get(name) == null) return java.util.Optional.empty();
        String text = query.get(name).trim();
        try {
            return java.util.Optional.of(java.time.OffsetDateTime.parse(text).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidEventException(name, "query parameter '" + name + "' must be an ISO-8601 time with an offset, such as "
                    + "2026-03-01T12:00:00Z, got '" + abbreviate(text) + "'");
        }
    }

    /**
     * The processor's state at {@code point}: from a snapshot of its current logic plus the events after it the point
     * admits. A processor with external effects is folded from its recorded answers; a query without one is a 409 naming
     * the event and the call site.
     */
    private APIGatewayProxyResponseEvent travel(String aggregateId, String processor, PointInTime point) {
        Processor<?> p = foldable.containsKey(processor) ? foldable.get(processor).get() : null;
        if (travel == null || p == null) {
            throw new InvalidEventException("processor", "processor " + processor + " cannot be queried at a point in time here: "
                    + "the processors folded are " + (foldable.isEmpty() ? "none" : String.join(", ", foldable.keySet())));
        }
        try {
            return travel.at(p, aggregateId, point).map(a -> respond(200, answerJson(a, ingest.reveal(a.state()), point)))
                    .orElseGet(() -> error(404, "aggregate " + aggregateId + " has no event at that point", null));
        } catch (MissingRecordException e) {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("error", "processor " + processor + " cannot be folded at that point: no recorded answer for query "
                    + e.site().id() + " of event " + e.eventId() + " (a state at a point in time uses only the answers recorded "
                    + "when each event was first processed; nothing is asked now)");
            n.put("eventId", e.eventId());
            n.put("callSite", e.site().id());
            return respond(409, n);
        }
    }

    /** {@code state}: the answer's state with its personal fields revealed. */
    private static ObjectNode answerJson(TimeTravel.Answer a, JsonNode state, PointInTime point) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("aggregateId", a.aggregateId());
        n.put("processor", a.processor());
        n.put("logicVersion", a.logicVersion());
        n.put("version", a.version());
        n.set("state", state);
        ObjectNode q = n.putObject("query");
        point.asOf().ifPresent(t -> q.put("asOf", t.toString()));
        point.knownAt().ifPresent(t -> q.put("knownAt", t.toString()));
        point.version().ifPresent(v -> q.put("version", v));
        if (a.snapshot().isPresent()) {
            Snapshot s = a.snapshot().get();
            ObjectNode sn = n.putObject("snapshot");
            sn.put("version", s.version());
            sn.put("latestOccurredAt", s.latestOccurredAt().toString());
            if (s.latestRecordedAt() != null) sn.put("latestRecordedAt", s.latestRecordedAt().toString());
        } else {
            n.putNull("snapshot");
        }
        n.put("eventsFolded", a.eventsFolded());
        n.put("eventsRead", a.eventsRead());
        return n;
    }

    private static ObjectNode stateJson(ProcessorState s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("aggregateId", s.aggregateId());
        n.put("processor", s.processor());
        n.put("generation", s.generation());
        n.put("version", s.version());
        n.set("state", s.state());
        return n;
    }

    private APIGatewayProxyResponseEvent getHistory(String aggregateId, Map<String, String> query) {
        checkAggregateId(aggregateId);
        long from = longParam(query, "fromVersion", 1);
        int limit = (int) longParam(query, "limit", MAX_HISTORY_PAGE);
        if (from < 1) throw new InvalidEventException("fromVersion", "query parameter 'fromVersion' must be >= 1");
        if (limit < 1 || limit > MAX_HISTORY_PAGE) throw new InvalidEventException("limit", "query parameter 'limit' must be 1.." + MAX_HISTORY_PAGE);
        List<EventEnvelope> events = ingest.history(aggregateId, from, limit);
        if (events.isEmpty() && from == 1) return error(404, "aggregate " + aggregateId + " has no events", null);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("aggregateId", aggregateId);
        ArrayNode arr = out.putArray("events");
        events.forEach(e -> arr.add(EventCodec.toJson(e)));
        if (events.size() == limit) out.put("nextFromVersion", events.get(events.size() - 1).version() + 1);
        return respond(200, out);
    }

    private static long longParam(Map<String, String> query, String name, long dflt) {
        if (query == null || query.get(name) == null) return dflt;
        try {
            return Long.parseLong(query.get(name));
        } catch (NumberFormatException e) {
            throw new InvalidEventException(name, "query parameter '" + name + "' must be an integer, got '" + query.get(name) + "'");
        }
    }

    private static void checkAggregateId(String aggregateId) {
        if (aggregateId == null || !dev.playback.model.event.Submission.ID.matcher(aggregateId).matches()) {
            throw new InvalidEventException("aggregateId", "path parameter 'aggregateId' must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
    }

    private static APIGatewayProxyResponseEvent error(int status, String message, String field) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("error", message);
        if (field != null) n.put("field", field);
        return respond(status, n);
    }

    private static APIGatewayProxyResponseEvent respond(int status, JsonNode body) {
        return new APIGatewayProxyResponseEvent().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(body.toString());
    }
}

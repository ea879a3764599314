package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.model.domain.Domains;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.Replay;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.Generations;
import dev.playback.tools.cli.Connection;
import dev.playback.tools.cli.ReplayCommands;
import dev.playback.tools.cli.ReplayExecutions;
import dev.playback.tools.cli.ReplayProgress;
import dev.playback.tools.client.PlaybackApi;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every read of the console and its one write (a rollback), through the interfaces users have: the Step Functions API
 * (executions, histories, definitions), the data table (replay records, checkpoints, generations), the events table
 * (an aggregate's events), the report bucket (verification and gateway reports), the HTTP API (stored states, events)
 * and the metrics. The answers are the JSON bodies of {@code /api/*} (the console's contract, issue 13).
 */
public final class ConsoleData implements ConsoleServer.Api, AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The replay machines the console lists, and the kind of replay each runs. */
    static final Map<String, String> MACHINES = Map.of("RebuildStateMachine", "rebuild", "VerifyStateMachine", "verify",
            "PartialReplayStateMachine", "partial", "RollbackStateMachine", "rollback");
    private static final List<String> MACHINE_ORDER =
            List.of("RebuildStateMachine", "VerifyStateMachine", "PartialReplayStateMachine", "RollbackStateMachine");
    static final int MAX_EVENTS = 2000;
    private static final Duration ROLLBACK_WAIT = Duration.ofSeconds(60);

    /** What the console reads beside the {@link Connection}. */
    /** {@code personal}: reveals the personal fields of the events the console shows (and of the states it folds from them). */
    public record Sources(S3Client s3, String payloadBucket, String eventIdsTable, PlaybackApi api, Domains domains,
                          ConsoleMetrics metrics, String mode, dev.playback.model.privacy.PersonalData personal) {
    }

    private final Connection c;
    private final Sources s;
    private final DynamoReplayStore replays;
    private final DynamoStateStore states;
    private final ReplayExecutions executions;
    private final Map<String, JsonNode> endedReports = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> definitions = new ConcurrentHashMap<>();
    /** The Replay of executions that ended with their replay (read once: the replays page is polled). */
    private final Map<String, ObjectNode> endedReplays = new ConcurrentHashMap<>();
    private volatile long totalAt;
    private volatile long total = -1;

    public ConsoleData(Connection c, Sources s) {
        this.c = c;
        this.s = s;
        String table = c.dataTableOrNull();
        this.replays = table == null ? null : new DynamoReplayStore(c.dynamo(), table);
        this.states = table == null ? null : new DynamoStateStore(c.dynamo(), table);
        this.executions = new ReplayExecutions(c);
    }

    public Connection connection() {
        return c;
    }

    @Override
    public JsonNode get(String endpoint, Map<String, String> query) {
        JsonNode answer = switch (endpoint) {
            case "overview" -> overview();
            case "replays" -> replays(intParam(query, "limit", 25, 1, 200));
            case "replay" -> replay(required(query, "arn"));
            case "generations" -> generations();
            case "verification" -> verification();
            case "effects" -> effects(query.get("replay"));
            case "event" -> event(required(query, "id"));
            case "aggregate" -> aggregate(required(query, "id"), query.get("processor"));
            case "health" -> s.metrics().health();
            default -> throw ConsoleException.notFound("no API endpoint /api/" + endpoint);
        };
        // Reports, commands and states hold personal fields as tokens: every page shows them revealed, or [redacted]
        // once the subject is forgotten (compared as stored: two tokens differ even when both read [redacted]).
        return call("revealing the personal fields in /api/" + endpoint, () -> s.personal().reveal(answer));
    }

    private static String required(Map<String, String> query, String name) {
        String v = query.get(name);
        if (v == null || v.isBlank()) throw ConsoleException.badInput("query parameter '" + name + "' is required");
        return v;
    }

    static int intParam(Map<String, String> query, String name, int fallback, int min, int max) {
        String v = query.get(name);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException notANumber) {
            // named below
        }
        throw ConsoleException.badInput("query parameter '" + name + "' must be a whole number from " + min + " to " + max + ", not '" + v + "'");
    }

    /** Runs one call of the stack; its failure becomes a 502 that names the call. */
    static <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            throw new ConsoleException(502, what + " failed: " + e.getMessage(), e);
        }
    }

    private String dataTable() {
        if (replays == null) {
            throw new ConsoleException(500, "the data table is not known: give --stack NAME (or set " + Connection.DATA_TABLE_ENV + ")");
        }
        return c.dataTable();
    }

    // ---- overview ---------------------------------------------------------------------------------

    ObjectNode overview() {
        ObjectNode n = JSON.createObjectNode().put("where", c.where()).put("mode", s.mode());
        ArrayNode ps = n.putArray("processors");
        s.domains().processorNames().forEach(ps::add);
        ObjectNode sm = n.putObject("stateMachines");
        machineArns().forEach(sm::put);
        n.put("at", Instant.now().toString());
        return n;
    }

    /** ARN by logical id of the replay machines the stack has. */
    private Map<String, String> machineArns() {
        return call("ListStateMachines", () -> ReplayExecutions.deployed(c, MACHINE_ORDER));
    }

    private String machineOf(String stateMachineArn) {
        for (var e : machineArns().entrySet()) if (e.getValue().equals(stateMachineArn)) return e.getKey();
        return stateMachineArn == null ? null : stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
    }

    // ---- replays ----------------------------------------------------------------------------------

    ObjectNode replays(int limit) {
        Collection<String> machines = machineArns().values();
        List<ExecutionListItem> recent = call("ListExecutions of " + machines, () -> executions.recent(machines, limit));
        ObjectNode n = JSON.createObjectNode().put("at", Instant.now().toString());
        ArrayNode out = n.putArray("replays");
        for (ExecutionListItem e : recent) {
            DescribeExecutionResponse d = call("DescribeExecution " + e.executionArn(), () -> executions.describe(e));
            out.add(replay(d));
        }
        return n;
    }

    /** One execution as the API's {@code Replay}. */
    ObjectNode replay(DescribeExecutionResponse d) {
        ObjectNode kept = endedReplays.get(d.executionArn());
        if (kept != null) return kept.deepCopy();
        String machine = machineOf(d.stateMachineArn());
        String kind = MACHINES.getOrDefault(machine, "unknown");
        JsonNode input = parse(d.input());
        ObjectNode r = JSON.createObjectNode().put("executionArn", d.executionArn()).put("name", d.name()).put("machine", machine)
                .put("kind", kind).put("status", d.statusAsString()).put("startDate", iso(d.startDate()));
        putText(r, "stopDate", d.stopDate() == null ? null : iso(d.stopDate()));
        r.set("startedBy", startedBy(input));
        String replayId = kind.equals("rollback") || replays == null ? null
                : call("reading the replay of " + d.name(), () -> executions.replayOf(d)).orElse(null);
        putText(r, "replayId", replayId);
        ReplayProgress p = replayId == null ? null : call("reading replay " + replayId + " in the data table",
                () -> ReplayProgress.read(c.dynamo(), dataTable(), replayId));
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> record = p != null && p.exists() ? p.record() : Map.of();
        JsonNode request = input.has("request") && input.has("event") ? input.get("request") : input;
        if (kind.equals("partial")) {
            JsonNode scope = record.containsKey("scope") ? parse(record.get("scope").s()) : request;
            ObjectNode sc = r.putObject("scope");
            for (String f : List.of("aggregates", "types", "since", "until", "timeField", "processors")) {
                if (scope.has(f)) sc.set(f, scope.get(f));
            }
        } else {
            r.putNull("scope");
        }
        if (kind.equals("rollback")) r.putNull("gatewayMode");
        else putText(r, "gatewayMode", record.containsKey("gatewayMode") ? record.get("gatewayMode").s()
                : request.path("gatewayMode").asText("suppress"));
        putText(r, "generation", p == null ? null : p.generation());
        long published;
        long applied;
        ObjectNode byProcessor = JSON.createObjectNode();
        if (kind.equals("partial")) {
            long events = record.containsKey("events") && record.get("events").n() != null
                    ? new java.math.BigDecimal(record.get("events").n()).longValue() : 0;
            published = events;
            applied = events;
        } else if (p != null && p.exists()) {
            published = p.published();
            applied = p.applied();
            for (String processor : p.processors()) {
                byProcessor.put(processor, call("reading what " + processor + " applied of " + replayId,
                        () -> replays.appliedEvents(replayId, processor)));
            }
        } else {
            published = 0;
            applied = 0;
        }
        r.put("published", published).put("applied", applied).set("appliedByProcessor", byProcessor);
        // while a rebuild or verification runs, what it will go through is the events table; once it ended, what it
        // published (the table has grown since, and a progress bar of an ended replay must not read "99 %")
        boolean whole = kind.equals("rebuild") || kind.equals("verify");
        Long total = !whole ? null : d.status() == ExecutionStatus.RUNNING ? eventsInTable() : Long.valueOf(published);
        if (total == null) r.putNull("total");
        else r.put("total", total);
        Instant end = d.stopDate() != null ? d.stopDate() : Instant.now();
        double seconds = d.startDate() == null ? 0 : Duration.between(d.startDate(), end).toMillis() / 1000.0;
        Double rate = seconds > 0 && applied > 0 ? applied / seconds : null;
        if (rate == null) r.putNull("eventsPerSecond");
        else r.put("eventsPerSecond", Math.round(rate * 10) / 10.0);
        if (d.status() == ExecutionStatus.RUNNING && rate != null && total != null) {
            r.put("etaSeconds", Math.round(Math.max(0, total - applied) / rate * 10) / 10.0);
        } else {
            r.putNull("etaSeconds");
        }
        putText(r, "error", d.error());
        putText(r, "cause", d.cause());
        boolean replayEnded = p == null || !p.exists() || p.finished() || "ABORTED".equals(p.status());
        if (d.status() != ExecutionStatus.RUNNING && replayEnded) {
            if (endedReplays.size() >= 1000) endedReplays.clear();   // more than the pages show: read again what is asked for
            endedReplays.put(d.executionArn(), r.deepCopy());
        }
        return r;
    }

    /**
     * Who started an execution, from its input: the ReplayRequested rule's {@code {request, event}} → EventBridge (the
     * event's id, source and account); a {@code requestedBy} starting {@code schedule:} → the schedule; else StartExecution
     * with what the input claims ({@code requestedBy}, e.g. {@code cli:user@host}; null when it claims nothing).
     */
    static ObjectNode startedBy(JsonNode input) {
        ObjectNode n = JSON.createObjectNode();
        if (input.path("request").isObject() && input.path("event").isObject()) {
            JsonNode e = input.get("event");
            return n.put("channel", "EventBridge").put("detail", "event " + e.path("id").asText("?") + " from "
                    + e.path("source").asText("?") + ", account " + e.path("account").asText("?"));
        }
        String claimed = input.path("requestedBy").isTextual() ? input.get("requestedBy").asText() : null;
        if (claimed != null && claimed.startsWith("schedule:")) return n.put("channel", "schedule").put("detail", claimed);
        n.put("channel", "StartExecution");
        putText(n, "detail", claimed);
        return n;
    }

    /** The events in the events table (read at most every 2 s); null when unknown. */
    private Long eventsInTable() {
        long now = System.nanoTime();
        if (total < 0 || now - totalAt > 2_000_000_000L) {
            total = ReplayCommands.eventsInTable(c);
            totalAt = now;
        }
        return total < 0 ? null : total;
    }

    // ---- one replay -------------------------------------------------------------------------------

    ObjectNode replay(String arn) {
        if (!arn.startsWith("arn:") || !arn.contains(":execution:")) throw ConsoleException.badInput("arn '" + arn + "' is not an execution ARN");
        DescribeExecutionResponse d;
        try {
            d = c.sfn().describeExecution(b -> b.executionArn(arn));
        } catch (ExecutionDoesNotExistException | InvalidArnException e) {
            throw ConsoleException.notFound("no execution " + arn);
        } catch (SdkException e) {
            throw new ConsoleException(502, "DescribeExecution " + arn + " failed: " + e.getMessage(), e);
        }
        ObjectNode replay = replay(d);
        ObjectNode n = JSON.createObjectNode();
        n.set("replay", replay);
        JsonNode definition = definitions.computeIfAbsent(d.stateMachineArn(), sm -> parse(call("DescribeStateMachine " + sm,
                () -> c.sfn().describeStateMachine(b -> b.stateMachineArn(sm)).definition())));
        n.set("definition", definition);
        List<HistoryEvent> history = history(arn);
        ExecutionGraph.into(ExecutionGraph.summarise(definition, history), n);
        n.set("history", ExecutionGraph.history(history));
        ArrayNode cps = n.putArray("checkpoints");
        String replayId = replay.path("replayId").isTextual() ? replay.get("replayId").asText() : null;
        if (replayId != null && !replay.path("kind").asText().equals("partial")) {
            ReplayProgress p = call("reading replay " + replayId, () -> ReplayProgress.read(c.dynamo(), dataTable(), replayId));
            for (ReplayProgress.Segment sg : p.checkpoints()) {
                cps.addObject().put("segment", sg.segment()).put("published", sg.published()).put("batches", sg.batches()).put("done", sg.done());
            }
        }
        boolean ended = d.status() != ExecutionStatus.RUNNING;
        n.set("gatewayReport", replayId == null ? JSON.nullNode() : report("reports/gateway/" + replayId + ".json", ended));
        n.set("verifyReport", replayId == null ? JSON.nullNode() : report("reports/verify/" + replayId + ".json", ended));
        return n;
    }

    private List<HistoryEvent> history(String arn) {
        List<HistoryEvent> all = new ArrayList<>();
        call("GetExecutionHistory " + arn, () -> {
            for (var page : c.sfn().getExecutionHistoryPaginator(b -> b.executionArn(arn).maxResults(1000))) {
                all.addAll(page.events());
                if (all.size() >= 25_000) break;
            }
            return all;
        });
        return all;
    }

    /** A stored report (JSON) of the report bucket, or null node when absent; reports of ended replays are kept once read. */
    JsonNode report(String key, boolean ended) {
        JsonNode kept = endedReports.get(key);
        if (kept != null) return kept;
        String bucket = c.reportBucketOrNull();
        if (bucket == null) return JSON.nullNode();
        JsonNode found;
        try {
            found = parse(s.s3().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());
        } catch (NoSuchKeyException absent) {
            return JSON.nullNode();
        } catch (SdkException e) {
            throw new ConsoleException(502, "S3 GetObject s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
        if (ended) {
            if (endedReports.size() >= 200) endedReports.clear();
            endedReports.put(key, found);
        }
        return found;
    }

    // ---- generations ------------------------------------------------------------------------------

    ObjectNode generations() {
        dataTable();
        ObjectNode n = JSON.createObjectNode();
        ArrayNode out = n.putArray("processors");
        Map<String, Optional<Replay>> builders = new LinkedHashMap<>();
        for (String processor : s.domains().processorNames()) {
            Generations g = call("reading the generations of " + processor, () -> states.generations(processor));
            ObjectNode p = out.addObject().put("processor", processor).put("active", g.active());
            putText(p, "previous", g.previous());
            ArrayNode building = p.putArray("building");
            List<String> buildingSorted = g.building().stream().sorted().toList();
            buildingSorted.forEach(building::add);
            ArrayNode gens = p.putArray("generations");
            generation(gens, g.active(), "active", builders);
            if (g.previous() != null) generation(gens, g.previous(), "previous", builders);
            for (String b : buildingSorted) {
                Optional<Replay> r = builder(b, builders);
                boolean shadow = r.map(x -> x.kind().wireName().equals("verify")).orElse(b.startsWith("shadow-"));
                generation(gens, b, shadow ? "shadow" : "building", builders);
            }
            p.put("canRollback", g.previous() != null);
        }
        return n;
    }

    private Optional<Replay> builder(String generation, Map<String, Optional<Replay>> builders) {
        if (generation.equals(Generations.DEFAULT)) return Optional.empty();
        return builders.computeIfAbsent(generation, gen -> call("reading the replay of generation " + gen, () -> replays.building(gen)));
    }

    private void generation(ArrayNode into, String name, String role, Map<String, Optional<Replay>> builders) {
        ObjectNode g = into.addObject().put("name", name).put("role", role);
        Optional<Replay> r = builder(name, builders);
        if (r.isEmpty()) {
            g.putNull("builtBy");
            return;
        }
        Replay replay = r.get();
        ObjectNode by = g.putObject("builtBy").put("replayId", replay.replayId()).put("kind", replay.kind().wireName());
        String arn = call("reading the execution of " + replay.replayId(), () -> replays.execution(replay.replayId())).orElse(null);
        putText(by, "executionArn", arn);
        putText(by, "startDate", replay.startedAt() == null ? null : replay.startedAt().toString());
        String stop = null;
        if (arn != null) {
            try {
                Instant at = c.sfn().describeExecution(b -> b.executionArn(arn)).stopDate();
                stop = at == null ? null : iso(at);
            } catch (ExecutionDoesNotExistException gone) {
                // the execution's history has expired: no stop date to show
            } catch (SdkException e) {
                throw new ConsoleException(502, "DescribeExecution " + arn + " failed: " + e.getMessage(), e);
            }
        }
        putText(by, "stopDate", stop);
    }

    // ---- rollback ---------------------------------------------------------------------------------

    @Override
    public JsonNode rollback(JsonNode body) {
        ObjectNode in = JSON.createObjectNode();
        JsonNode processors = body.path("processors");
        if (!processors.isMissingNode() && !processors.isNull() && !processors.isArray()) {
            throw ConsoleException.badInput("'processors' must be an array of processor names");
        }
        if (processors.isArray() && !processors.isEmpty()) {
            ArrayNode p = in.putArray("processors");
            for (JsonNode name : processors) {
                if (!name.isTextual() || !s.domains().processorNames().contains(name.asText())) {
                    throw ConsoleException.badInput("'processors' names an unknown processor " + name + "; known: "
                            + String.join(", ", s.domains().processorNames()));
                }
                p.add(name.asText());
            }
        }
        DescribeExecutionResponse d;
        try {
            d = call("the rollback (StartExecution of RollbackStateMachine, DescribeExecution)", () -> {
                try {
                    return ReplayCommands.rollback(c, in, ROLLBACK_WAIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConsoleException(500, "interrupted while waiting for the rollback", e);
                }
            });
        } catch (IllegalStateException stillRunning) {
            throw new ConsoleException(502, stillRunning.getMessage(), stillRunning);
        }
        String arn = d.executionArn();
        ObjectNode n = JSON.createObjectNode().put("executionArn", arn).put("status", d.statusAsString());
        n.set("output", d.output() == null ? JSON.nullNode() : parse(d.output()));
        putText(n, "error", d.error());
        putText(n, "cause", readableCause(d.cause()));
        return n;
    }

    /** A Lambda error's cause is its JSON ({errorMessage, errorType, stackTrace}): the message alone is what a person reads. */
    static String readableCause(String cause) {
        if (cause == null) return null;
        JsonNode parsed = parse(cause);
        return parsed.path("errorMessage").isTextual() ? parsed.get("errorMessage").asText() : cause;
    }

    // ---- verification -----------------------------------------------------------------------------

    ObjectNode verification() {
        ObjectNode n = JSON.createObjectNode();
        String machine = machineArns().get("VerifyStateMachine");
        ArrayNode history = JSON.createArrayNode();
        JsonNode latest = JSON.nullNode();
        if (machine != null) {
            List<ExecutionListItem> recent = new ArrayList<>(call("ListExecutions of VerifyStateMachine",
                    () -> c.sfn().listExecutions(b -> b.stateMachineArn(machine).maxResults(20)).executions()));
            recent.sort(Comparator.comparing(ExecutionListItem::startDate).reversed());
            for (ExecutionListItem e : recent) {
                DescribeExecutionResponse d = call("DescribeExecution " + e.executionArn(), () -> c.sfn().describeExecution(b -> b.executionArn(e.executionArn())));
                String replayId = replays == null ? null : call("reading the replay of " + d.name(), () -> executions.replayOf(d)).orElse(null);
                boolean ended = d.status() == ExecutionStatus.SUCCEEDED || d.status() == ExecutionStatus.FAILED;
                JsonNode report = replayId == null ? JSON.nullNode() : report("reports/verify/" + replayId + ".json", d.status() != ExecutionStatus.RUNNING);
                ObjectNode h = history.addObject();
                putText(h, "replayId", replayId);
                h.put("executionArn", d.executionArn()).put("status", d.statusAsString()).put("startDate", iso(d.startDate()));
                if (report.isObject()) h.put("drifted", report.path("drifted").asLong());
                else h.putNull("drifted");
                if (latest.isNull() && ended && report.isObject()) {
                    ObjectNode l = JSON.createObjectNode();
                    l.set("replay", replay(d));
                    l.set("report", withDifferences(report));
                    latest = l;
                }
            }
        }
        n.set("latest", latest);
        n.set("history", history);
        return n;
    }

    /** The verify report with {@code differences} added to each drifted aggregate. */
    static ObjectNode withDifferences(JsonNode report) {
        ObjectNode copy = report.deepCopy();
        for (JsonNode a : copy.path("aggregates")) {
            ArrayNode d = ((ObjectNode) a).putArray("differences");
            JsonDiff.differences(a.get("live"), a.get("rebuilt")).forEach(d::add);
        }
        return copy;
    }

    // ---- effects ----------------------------------------------------------------------------------

    ObjectNode effects(String replayId) {
        if (replayId != null && !Replay.ID.matcher(replayId).matches()) {
            throw ConsoleException.badInput("query parameter 'replay' is not a replay id: '" + replayId + "'");
        }
        String bucket = c.reportBucketOrNull();
        if (bucket == null) throw new ConsoleException(500, "the report bucket is not known: give --stack NAME (or set " + Connection.REPORT_BUCKET_ENV + ")");
        List<S3Object> objects = new ArrayList<>();
        call("S3 ListObjectsV2 s3://" + bucket + "/reports/gateway/", () -> {
            s.s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("reports/gateway/")).contents().forEach(objects::add);
            return objects;
        });
        objects.sort(Comparator.comparing(S3Object::lastModified).reversed().thenComparing(S3Object::key));
        List<String> ids = objects.stream().map(S3Object::key).filter(k -> k.endsWith(".json"))
                .map(k -> k.substring("reports/gateway/".length(), k.length() - ".json".length())).toList();
        String chosen = replayId != null ? replayId : ids.isEmpty() ? null : ids.get(0);
        if (replayId != null && !ids.contains(replayId)) throw ConsoleException.notFound("replay " + replayId + " has no gateway report");
        ObjectNode n = JSON.createObjectNode();
        putText(n, "replayId", chosen);
        ArrayNode list = n.putArray("replays");
        ids.forEach(list::add);
        JsonNode report = chosen == null ? JSON.createObjectNode() : report("reports/gateway/" + chosen + ".json", false);
        return effects(n, report);
    }

    /** The effects body from one stored gateway report (sends, corrections with their changes, suppressed, live queries). */
    static ObjectNode effects(ObjectNode n, JsonNode report) {
        ArrayNode sends = JSON.createArrayNode();
        for (JsonNode c : report.path("sentCommands")) {
            ObjectNode o = sends.addObject();
            for (String f : List.of("processor", "eventId", "callSite", "disposition", "idempotencyKey", "command")) o.set(f, c.path(f).isMissingNode() ? JSON.nullNode() : c.get(f));
        }
        ArrayNode corrections = JSON.createArrayNode();
        JsonNode list = report.has("correctionList") ? report.get("correctionList") : report.path("corrections");
        for (JsonNode c : list.isArray() ? list : JSON.createArrayNode()) {
            ObjectNode o = corrections.addObject();
            for (String f : List.of("processor", "eventId", "callSite", "key", "ordinal", "idempotencyKey", "alreadySent", "command")) {
                o.set(f, c.path(f).isMissingNode() ? JSON.nullNode() : c.get(f));
            }
            JsonNode sent = c.path("sent").isArray() ? c.get("sent") : JSON.createArrayNode();
            JsonNode wanted = c.path("wanted").isMissingNode() ? JSON.nullNode() : c.get("wanted");
            o.set("before", sent);
            o.set("wanted", wanted);
            ArrayNode changes = o.putArray("changes");
            if (c.has("sent") || c.has("wanted")) {
                for (JsonDiff.Change ch : JsonDiff.changes(sent, wanted)) {
                    ObjectNode x = changes.addObject().put("field", ch.field());
                    putText(x, "before", ch.before());
                    putText(x, "after", ch.after());
                }
            }
        }
        // the merged report lists the first GatewayReport.LISTED_SUPPRESSED with their events (suppressedList); older
        // reports and single pieces carry only their keys
        ArrayNode suppressed = JSON.createArrayNode();
        if (report.has("suppressedList") || report.has("suppressedCommands")) {
            for (JsonNode c : report.has("suppressedList") ? report.get("suppressedList") : report.get("suppressedCommands")) {
                ObjectNode o = suppressed.addObject();
                for (String f : List.of("processor", "eventId", "callSite", "idempotencyKey", "command")) {
                    o.set(f, c.path(f).isMissingNode() ? JSON.nullNode() : c.get(f));
                }
            }
        } else {
            report.path("suppressedKeys").forEach(k -> suppressed.addObject().putNull("processor").putNull("eventId").putNull("callSite")
                    .put("idempotencyKey", k.asText()).putNull("command"));
        }
        ArrayNode queries = JSON.createArrayNode();
        JsonNode ql = report.has("liveQueryList") ? report.get("liveQueryList") : report.path("liveQueries");
        for (JsonNode q : ql.isArray() ? ql : JSON.createArrayNode()) {
            ObjectNode o = queries.addObject();
            for (String f : List.of("processor", "eventId", "callSite", "requestHash")) o.set(f, q.path(f).isMissingNode() ? JSON.nullNode() : q.get(f));
        }
        n.putObject("counts").put("sent", count(report, "sent", sends.size())).put("suppressed", count(report, "suppressed", suppressed.size()))
                .put("corrections", count(report, "corrections", corrections.size()))
                .put("liveQueries", count(report, "liveQueries", queries.size()));
        n.set("sends", sends);
        n.set("corrections", corrections);
        n.set("suppressed", suppressed);
        n.set("liveQueries", queries);
        return n;
    }

    private static long count(JsonNode report, String field, int listed) {
        return report.path(field).isNumber() ? report.get(field).asLong() : listed;
    }

    // ---- an event, an aggregate -------------------------------------------------------------------

    ObjectNode event(String eventId) {
        checkId("id", eventId);
        PlaybackApi.Answer a = call("GET /events/" + eventId + " of the HTTP API", () -> s.api().event(encode(eventId)));
        if (a.status() == 404) throw ConsoleException.notFound("event " + eventId + " is not appended (unknown, or not yet)");
        if (a.status() != 200) throw new ConsoleException(502, "GET /events/" + eventId + " of the HTTP API answered " + a.status() + ": " + a.body());
        JsonNode b = a.body();
        if ("rejected".equals(b.path("status").asText(null))) {
            throw ConsoleException.notFound("event " + eventId + " was rejected: " + b.path("reason").asText());
        }
        ObjectNode n = JSON.createObjectNode();
        for (String f : List.of("eventId", "aggregateId", "version", "type")) n.set(f, b.path(f).isMissingNode() ? JSON.nullNode() : b.get(f));
        return n;
    }

    private static void checkId(String parameter, String id) {
        if (id.length() > 256 || !id.codePoints().allMatch(cp -> cp > 0x20 && cp != 0x7f && cp != '/' && !Character.isISOControl(cp))) {
            throw ConsoleException.badInput("query parameter '" + parameter + "' is not an id: '" + id + "'");
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    ObjectNode aggregate(String aggregateId, String processorName) {
        checkId("id", aggregateId);
        List<String> projections = s.domains().projections().stream().map(p -> p.name()).toList();
        String processor = processorName == null || processorName.isBlank() ? projections.get(0) : processorName;
        if (!projections.contains(processor)) {
            throw ConsoleException.badInput("query parameter 'processor': '" + processor + "' is not a projection; known: " + String.join(", ", projections));
        }
        String eventsTable = c.eventsTableOrNull();
        if (eventsTable == null) throw new ConsoleException(500, "the events table is not known: give --stack NAME (or set " + Connection.EVENTS_TABLE_ENV + ")");
        EventStore store = new DynamoEventLog(c.dynamo(), eventsTable, s.eventIdsTable(),
                new S3PayloadStore(s.s3(), s.payloadBucket()));
        List<EventEnvelope> read = call("reading " + aggregateId + " from the events table", () -> store.read(aggregateId, 1, MAX_EVENTS + 1));
        if (read.isEmpty()) throw ConsoleException.notFound("aggregate " + aggregateId + " has no events");
        boolean truncated = read.size() > MAX_EVENTS;
        // Shown with their personal fields revealed ([redacted] for a forgotten subject), as the API shows the stored state.
        List<EventEnvelope> events = call("revealing the personal fields of " + aggregateId,
                () -> s.personal().reveal(truncated ? read.subList(0, MAX_EVENTS) : read));
        ObjectNode n = AggregateHistory.of(s.domains(), processor, events);
        n.put("aggregateId", aggregateId).put("processor", processor);
        ArrayNode ps = n.putArray("processors");
        projections.forEach(ps::add);
        if (truncated) n.put("truncated", true);
        PlaybackApi.Answer stored = call("GET /aggregates/" + aggregateId + " of the HTTP API",
                () -> s.api().get("/aggregates/" + encode(aggregateId) + "?processor=" + encode(processor)));
        if (stored.status() == 200) {
            ObjectNode st = n.putObject("stored");
            st.set("version", stored.body().path("version"));
            st.set("generation", stored.body().path("generation"));
            st.set("state", stored.body().path("state"));
        } else if (stored.status() == 404) {
            n.putNull("stored");
        } else {
            throw new ConsoleException(502, "GET /aggregates/" + aggregateId + " of the HTTP API answered " + stored.status() + ": " + stored.body());
        }
        return n;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    static JsonNode parse(String text) {
        if (text == null || text.isBlank()) return JSON.nullNode();
        try {
            return JSON.readTree(text);
        } catch (Exception notJson) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    static void putText(ObjectNode n, String field, String value) {
        if (value == null) n.putNull(field);
        else n.put(field, value);
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    @Override
    public void close() {
        c.close();
        s.s3().close();
        s.metrics().close();
    }
}

package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * {@code playback rebuild|replay|verify|status|rollback}: clients of the replay state machines, on the
 * local stack (endpoints from the file {@code playback local} writes) or on AWS ({@code --aws}).
 */
public final class ReplayCommands {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final List<String> TIME_FIELDS = List.of("recordedAt", "occurredAt");
    private static final Set<String> CONNECTION_VALUED = Set.of("--data-table", "--events-table", "--local-file", "--stack");
    private static final Set<String> CONNECTION_FLAGS = Set.of("--aws", "--json");
    /** The event bus of ReplayRequested events with --aws when --bus is not given (the stack's output ReplayRequestBusName). */
    public static final String REPLAY_BUS_ENV = "PLAYBACK_REPLAY_BUS";
    /** The bus's logical id in template.yaml; locally its name comes from the endpoints file. */
    static final String REPLAY_BUS = "ReplayRequestBus";

    public static final String USAGE = """
              rebuild [--processor P]... [--segments N] [--batch-size N] [--replay-id ID] [--watch] [GATEWAY]
                                            full rebuild into a new generation (RebuildStateMachine); prints the replay id;
                                            the same --replay-id again resumes it from its checkpoints
              replay [--aggregate ID]... [--type T]... [--since T] [--until T] [--time-field recordedAt|occurredAt]
                     [--processor P]... [--replay-id ID] [--bus NAME] [GATEWAY]
                                            partial replay: sends the EventBridge event ReplayRequested with this scope to
                                            the ReplayRequestBus (with --aws: --bus or $PLAYBACK_REPLAY_BUS, the stack's
                                            output ReplayRequestBusName); a GATEWAY mode other than suppress is refused
                                            unless the stack was deployed with AllowEffectfulEventReplays=true
              verify [--report-only] [--replay-id ID] [--watch] [GATEWAY]
                                            rebuild into a shadow generation and report drift (VerifyStateMachine)
                  GATEWAY: [--gateway-mode suppress|diff|allow:GW[,GW]] [--missing-records fail|live] for processors
                  with external effects (e.g. payouts, invoicing); defaults suppress and fail
              status REPLAY_ID              the replay record (who requested it), its checkpoints and its executions
              rollback [--processor P]...   make the previous generation active again (RollbackStateMachine)
                  all of them: [--json] [--aws [--stack NAME] [--data-table NAME] [--events-table NAME]]; --stack
                  finds the deployed stack's tables and state machines from its outputs; locally they use the
                  running 'playback local' (its endpoints file: .playback/local.json, or --local-file FILE)
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Function<Args, Connection> connector;

    public ReplayCommands(PrintStream out, PrintStream err) {
        this(out, err, ReplayCommands::connect);
    }

    ReplayCommands(PrintStream out, PrintStream err, Function<Args, Connection> connector) {
        this.out = out;
        this.err = err;
        this.connector = connector;
    }

    public static boolean handles(String command) {
        return List.of("rebuild", "replay", "verify", "status", "rollback").contains(command);
    }

    public int run(String command, String[] args) throws Exception {
        switch (command) {
            case "rebuild":
                return rebuild(parse(command, args, Set.of("--processor", "--segments", "--batch-size", "--replay-id",
                                "--gateway-mode", "--missing-records"),
                        Set.of("--processor"), Set.of("--watch")));
            case "replay":
                return replay(parse(command, args, Set.of("--aggregate", "--type", "--since", "--until", "--time-field",
                        "--processor", "--replay-id", "--gateway-mode", "--missing-records", "--bus"), Set.of("--aggregate", "--type", "--processor"), Set.of()));
            case "verify":
                return verify(parse(command, args, Set.of("--replay-id", "--gateway-mode", "--missing-records"), Set.of(),
                        Set.of("--report-only", "--watch")));
            case "status":
                return status(parse(command, args, Set.of(), Set.of(), Set.of()));
            case "rollback":
                return rollback(parse(command, args, Set.of("--processor"), Set.of("--processor"), Set.of()));
            default:
                throw new UsageException("unknown command '" + command + "'");
        }
    }

    private static Args parse(String command, String[] args, Set<String> valued, Set<String> repeatable, Set<String> flags) {
        Set<String> v = new java.util.HashSet<>(valued);
        v.addAll(CONNECTION_VALUED);
        Set<String> f = new java.util.HashSet<>(flags);
        f.addAll(CONNECTION_FLAGS);
        Args a = Args.parse(command, args, v, repeatable, f);
        if (!a.flag("--aws")) {
            for (String awsOnly : List.of("--data-table", "--events-table", "--stack")) {
                if (a.value(awsOnly) != null) throw new UsageException("option " + awsOnly + " of 'playback " + command + "' needs --aws");
            }
        } else if (a.value("--local-file") != null) {
            throw new UsageException("option --local-file of 'playback " + command + "' cannot be combined with --aws");
        }
        return a;
    }

    static Connection connect(Args a) {
        if (a.flag("--aws")) return Connection.aws(a.value("--data-table"), a.value("--events-table"), a.value("--stack"));
        String file = a.value("--local-file");
        return Connection.local(file == null ? LocalEndpoints.defaultFile() : Path.of(file));
    }

    // ---- rebuild / verify -------------------------------------------------------------------------

    /** Validated input of {@code playback rebuild}: the state machine input {@code {replayId, processors?, segments?, batchSize?}}. */
    static ObjectNode rebuildInput(Args a) {
        ObjectNode in = JSON.createObjectNode();
        in.put("replayId", replayId(a, "rebuild"));
        processors(a, in);
        Integer segments = a.integer("--segments", 1, 1000);
        if (segments != null) in.put("segments", segments);
        Integer batch = a.integer("--batch-size", 1, 500);
        if (batch != null) in.put("batchSize", batch);
        gatewayPolicy(a, in);
        in.put("requestedBy", operator());
        a.expectPositional(0, 0, "no arguments");
        return in;
    }

    /**
     * Who runs this command, as the replay records it ({@code requestedBy}: a claim, beside what Step Functions or
     * EventBridge tell): {@code cli:<user>@<host>}.
     */
    static String operator() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown-host(" + e.getMessage() + ")";
        }
        String who = "cli:" + System.getProperty("user.name", "unknown") + "@" + host;
        return who.length() > 256 ? who.substring(0, 256) : who;
    }

    /** {@code --gateway-mode suppress|diff|allow:<gateway>[,<gateway>]} and {@code --missing-records fail|live}. */
    private static void gatewayPolicy(Args a, ObjectNode in) {
        String mode = a.value("--gateway-mode");
        if (mode != null) {
            if (!mode.matches("suppress|diff|allow:[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*")) {
                throw new UsageException("option --gateway-mode of 'playback " + a.command() + "': '" + mode
                        + "' is not a replay mode (suppress, diff or allow:<gateway>[,<gateway>])");
            }
            in.put("gatewayMode", mode);
        }
        String missing = a.oneOf("--missing-records", List.of("fail", "live"));
        if (missing != null) in.put("missingRecords", missing);
    }

    static ObjectNode verifyInput(Args a) {
        ObjectNode in = JSON.createObjectNode();
        in.put("replayId", replayId(a, "verify"));
        in.put("reportOnly", a.flag("--report-only"));
        gatewayPolicy(a, in);
        in.put("requestedBy", operator());
        a.expectPositional(0, 0, "no arguments");
        return in;
    }

    private static void processors(Args a, ObjectNode in) {
        List<String> processors = a.all("--processor");
        if (processors.isEmpty()) return;
        ArrayNode p = in.putArray("processors");
        for (String name : processors) {
            if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new UsageException("option --processor of 'playback " + a.command() + "': '" + name + "' is not a processor name");
            }
            p.add(name);
        }
    }

    static String replayId(Args a, String prefix) {
        String id = a.value("--replay-id");
        if (id == null) {
            return prefix + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                    + "-" + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xf000));
        }
        if (!id.matches("[A-Za-z0-9._:-]{1,80}")) {
            throw new UsageException("option --replay-id of 'playback " + a.command() + "': '" + id
                    + "' is not valid (1 to 80 of A-Z a-z 0-9 . _ : -)");
        }
        return id;
    }

    private int rebuild(Args a) throws Exception {
        return startReplay(a, "RebuildStateMachine", rebuildInput(a));
    }

    private int verify(Args a) throws Exception {
        return startReplay(a, "VerifyStateMachine", verifyInput(a));
    }

    private int startReplay(Args a, String machine, ObjectNode input) throws Exception {
        String replayId = input.get("replayId").asText();
        try (Connection c = connector.apply(a)) {
            if (a.flag("--watch")) c.dataTable();   // --watch reads the data table: on AWS it must be named before anything starts
            String arn = c.stateMachineArn(machine);
            StartExecutionResponse started = start(c, arn, replayId, input.toString());
            if (!a.flag("--watch")) {
                if (a.flag("--json")) {
                    ObjectNode o = JSON.createObjectNode().put("replayId", replayId).put("executionArn", started.executionArn())
                            .put("stateMachineArn", arn);
                    o.set("input", input);
                    out.println(JSON.writeValueAsString(o));
                } else {
                    out.println(replayId);
                }
                return 0;
            }
            if (!a.flag("--json")) out.println(replayId);
            Watch.Outcome o = new Watch(c, err).follow(replayId, started.executionArn());
            printOutcome(c, a, machine, o);
            return o.succeeded() ? 0 : 1;
        }
    }

    /** StartExecution named after the replay; if that name is taken (a resume), a fresh name with the replay id as prefix. */
    static StartExecutionResponse start(Connection c, String arn, String replayId, String input) {
        try {
            return c.sfn().startExecution(b -> b.stateMachineArn(arn).name(replayId).input(input));
        } catch (ExecutionAlreadyExistsException taken) {
            String suffix = "-" + Long.toString(System.currentTimeMillis(), 36);
            String name = (replayId.length() + suffix.length() > 80 ? replayId.substring(0, 80 - suffix.length()) : replayId) + suffix;
            return c.sfn().startExecution(b -> b.stateMachineArn(arn).name(name).input(input));
        }
    }

    private void printOutcome(Connection c, Args a, String machine, Watch.Outcome o) throws Exception {
        String report = null;
        if ("VerifyStateMachine".equals(machine)) report = reportLocation(c, o.replayId());
        if (a.flag("--json")) {
            ObjectNode n = o.toJson();
            if (report != null) n.put("report", report);
            out.println(JSON.writeValueAsString(n));
            return;
        }
        ReplayProgress p = o.progress();
        out.printf(Locale.ROOT, "%s %s: %s in %.1f s; published %,d%s, applied %,d (%.0f events/s)%s%n",
                machine.replace("StateMachine", "").toLowerCase(Locale.ROOT), o.replayId(), o.status(), o.seconds(), p.published(),
                o.publishedBefore() > 0 ? String.format(Locale.ROOT, " (%,d of them before this run)", o.publishedBefore()) : "",
                p.applied(), o.eventsPerSecond(), p.generation() == null ? "" : ", generation " + p.generation());
        if (o.error() != null) out.println("  " + o.error() + ": " + o.cause());
        if (report != null) out.println("  report: " + report);
    }

    static String reportLocation(Connection c, String replayId) {
        String key = "reports/verify/" + replayId + ".json";
        String bucket = c.reportBucketOrNull();
        return bucket != null ? "s3://" + bucket + "/" + key : key + " in the stack's ReportBucket";
    }

    // ---- partial replay ----------------------------------------------------------------------------

    /** The {@code ReplayRequested} detail: {@code {replayId, aggregates?, types?, since?, until?, timeField?, processors?}}. */
    static ObjectNode replayScope(Args a) {
        a.expectPositional(0, 0, "no arguments");
        ObjectNode d = JSON.createObjectNode();
        d.put("replayId", replayId(a, "partial"));
        List<String> aggregates = a.all("--aggregate");
        List<String> types = a.all("--type");
        Instant since = a.instant("--since");
        Instant until = a.instant("--until");
        String timeField = a.oneOf("--time-field", TIME_FIELDS);
        if (aggregates.isEmpty() && types.isEmpty() && since == null && until == null) {
            throw new UsageException("'playback replay' needs a scope: --aggregate, --type, --since and/or --until "
                    + "(for everything use 'playback rebuild')");
        }
        if (since != null && until != null && !since.isBefore(until)) {
            throw new UsageException("option --since of 'playback replay' (" + since + ") must be before --until (" + until + ")");
        }
        if (timeField != null && since == null && until == null) {
            throw new UsageException("option --time-field of 'playback replay' needs --since and/or --until");
        }
        for (String id : aggregates) {
            if (!id.matches("[A-Za-z0-9._:@-]{1,128}")) {
                throw new UsageException("option --aggregate of 'playback replay': '" + id + "' is not an aggregate id");
            }
        }
        for (String t : types) {
            if (!t.matches("[A-Za-z][A-Za-z0-9._-]{0,127}")) {
                throw new UsageException("option --type of 'playback replay': '" + t + "' is not an event type");
            }
        }
        if (!aggregates.isEmpty()) aggregates.forEach(d.putArray("aggregates")::add);
        if (!types.isEmpty()) types.forEach(d.putArray("types")::add);
        if (since != null) d.put("since", since.toString());
        if (until != null) d.put("until", until.toString());
        if (timeField != null) d.put("timeField", timeField);
        processors(a, d);
        gatewayPolicy(a, d);
        d.put("requestedBy", operator());
        return d;
    }

    /** The bus ReplayRequested goes to: {@code --bus}, else {@code $PLAYBACK_REPLAY_BUS}, else locally the template's ReplayRequestBus. */
    static String replayBus(Args a, Connection c, String fromEnvironment) {
        String bus = a.value("--bus");
        if (bus == null && fromEnvironment != null && !fromEnvironment.isBlank()) bus = fromEnvironment;
        if (bus == null && c.isLocal()) bus = c.localName(REPLAY_BUS);
        if (bus == null) {
            throw new UsageException("'playback replay --aws' needs the event bus of ReplayRequested: --bus NAME or $" + REPLAY_BUS_ENV
                    + " (the stack's output ReplayRequestBusName)");
        }
        if (!bus.matches("[/.\\-_A-Za-z0-9]{1,256}|arn:[a-z-]+:events:[a-z0-9-]+:\\d{12}:event-bus/[/.\\-_A-Za-z0-9]{1,256}")) {
            throw new UsageException("option --bus of 'playback replay': '" + bus + "' is not an event bus name or ARN");
        }
        return bus;
    }

    private int replay(Args a) throws Exception {
        ObjectNode detail = replayScope(a);
        try (Connection c = connector.apply(a)) {
            String bus = replayBus(a, c, System.getenv(REPLAY_BUS_ENV));
            PutEventsResponse r = c.events().putEvents(b -> b.entries(e -> e.eventBusName(bus).source("playback").detailType("ReplayRequested")
                    .detail(detail.toString())));
            PutEventsResultEntry entry = r.entries().get(0);
            if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
                throw new IllegalStateException("EventBridge refused ReplayRequested on bus " + bus + ": " + entry.errorCode() + " " + entry.errorMessage());
            }
            if (a.flag("--json")) {
                ObjectNode o = JSON.createObjectNode().put("replayId", detail.get("replayId").asText()).put("eventId", entry.eventId())
                        .put("eventBusName", bus);
                o.set("detail", detail);
                out.println(JSON.writeValueAsString(o));
            } else {
                out.println(detail.get("replayId").asText());
                err.println("ReplayRequested sent to bus " + bus + " (event " + entry.eventId() + "): " + detail);
            }
            return 0;
        }
    }

    // ---- status ------------------------------------------------------------------------------------

    private int status(Args a) throws Exception {
        a.expectPositional(1, 1, "a REPLAY_ID");
        String id = a.positional().get(0);
        try (Connection c = connector.apply(a)) {
            ReplayProgress p = ReplayProgress.read(c.dynamo(), c.dataTable(), id);
            List<DescribeExecutionResponse> executions = executionsOf(c, id);
            if (a.flag("--json")) {
                ObjectNode n = p.toJson();
                ArrayNode ex = n.putArray("executions");
                for (DescribeExecutionResponse d : executions) {
                    ObjectNode e = ex.addObject().put("executionArn", d.executionArn()).put("name", d.name())
                            .put("status", d.statusAsString()).put("startDate", String.valueOf(d.startDate()));
                    if (d.stopDate() != null) e.put("stopDate", d.stopDate().toString());
                    if (d.error() != null) e.put("error", d.error());
                    if (d.cause() != null) e.put("cause", d.cause());
                    if (d.output() != null) e.set("output", parse(d.output()));
                }
                out.println(JSON.writeValueAsString(n));
            } else {
                if (!p.exists()) out.println("replay " + id + ": no replay record in the data table");
                else {
                    out.printf(Locale.ROOT, "replay %s: %s %s, status %s, generation %s, processors %s, started %s%n", id, p.kind(),
                            "", p.status(), p.generation(), p.processors(), p.startedAt());
                    if (p.detail() != null) out.println("  detail: " + p.detail());
                    out.println("  requested by: " + requestedBy(ReplayProgress.str(p.record(), "requestedBy")));
                    out.printf(Locale.ROOT, "  published %,d in %,d batches, applied %,d; segments done %d of %d (batch size %d)%n",
                            p.published(), p.batches(), p.applied(), p.segmentsDone(), p.segments(), p.batchSize());
                    for (ReplayProgress.Segment s : p.checkpoints()) {
                        out.printf(Locale.ROOT, "  segment %3d: %s published %,d in %,d batches%n", s.segment(),
                                s.done() ? "done   " : s.started() ? "running" : "pending", s.published(), s.batches());
                    }
                }
                if (executions.isEmpty()) out.println("  no execution found");
                for (DescribeExecutionResponse d : executions) {
                    out.printf(Locale.ROOT, "  execution %s: %s (started %s%s)%s%n", d.name(), d.statusAsString(), d.startDate(),
                            d.stopDate() == null ? "" : ", stopped " + d.stopDate(),
                            d.error() == null ? "" : " " + d.error() + ": " + d.cause());
                    if (d.output() != null && d.status() == ExecutionStatus.SUCCEEDED) out.println("    output: " + d.output());
                }
            }
            return p.exists() || !executions.isEmpty() ? 0 : 1;
        }
    }

    /** The record's requestedBy ({@code via}, then what the channel told, then the claim) as one line. */
    static String requestedBy(String json) {
        if (json == null) return "not recorded";
        JsonNode by = parse(json);
        if (!by.isObject()) return json;
        List<String> parts = new ArrayList<>();
        by.fields().forEachRemaining(f -> parts.add(f.getKey() + " " + f.getValue().asText()));
        return String.join(", ", parts);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    /** The executions that ran this replay: named after it, or (continued, EventBridge-started) with it in their input. */
    static List<DescribeExecutionResponse> executionsOf(Connection c, String replayId) {
        List<DescribeExecutionResponse> found = new ArrayList<>();
        for (String machine : List.of("RebuildStateMachine", "VerifyStateMachine", "PartialReplayStateMachine")) {
            String arn;
            try {
                arn = c.stateMachineArn(machine);
            } catch (RuntimeException missing) {
                continue;
            }
            int described = 0;
            for (ExecutionListItem e : c.sfn().listExecutions(b -> b.stateMachineArn(arn).maxResults(100)).executions()) {
                boolean named = e.name().equals(replayId) || e.name().startsWith(replayId + "-");
                if (!named && described >= 50) continue;
                DescribeExecutionResponse d = c.sfn().describeExecution(b -> b.executionArn(e.executionArn()));
                described++;
                JsonNode input = parse(d.input() == null ? "{}" : d.input());
                // StartExecution's input is the request; the ReplayRequested rule's is {request: <detail>, event: {...}}
                String inputReplayId = input.path("replayId").asText(input.path("request").path("replayId").asText(null));
                if (named || replayId.equals(inputReplayId)) found.add(d);
            }
        }
        found.sort((x, y) -> x.startDate().compareTo(y.startDate()));
        return found;
    }

    // ---- rollback ----------------------------------------------------------------------------------

    private int rollback(Args a) throws Exception {
        a.expectPositional(0, 0, "no arguments");
        ObjectNode in = JSON.createObjectNode();
        processors(a, in);
        try (Connection c = connector.apply(a)) {
            String arn = c.stateMachineArn("RollbackStateMachine");
            String name = "rollback-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                    + "-" + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xf000));
            String exec = c.sfn().startExecution(b -> b.stateMachineArn(arn).name(name).input(in.toString())).executionArn();
            DescribeExecutionResponse d = Watch.awaitEnd(c, exec, Duration.ofMinutes(5));
            if (a.flag("--json")) {
                ObjectNode n = JSON.createObjectNode().put("executionArn", exec).put("status", d.statusAsString());
                if (d.output() != null) n.set("output", parse(d.output()));
                if (d.error() != null) n.put("error", d.error()).put("cause", d.cause());
                out.println(JSON.writeValueAsString(n));
            } else {
                out.println("rollback " + d.statusAsString() + (d.output() != null ? ": " + d.output() : "")
                        + (d.error() != null ? ": " + d.error() + " " + d.cause() : ""));
            }
            return d.status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
        }
    }

    /** The events table's item count (DescribeTable; locally a COUNT scan when the emulator reports 0); -1 when unknown. */
    static long eventsInTable(Connection c) {
        String table = c.eventsTableOrNull();
        if (table == null) return -1;
        try {
            Long n = c.dynamo().describeTable(b -> b.tableName(table)).table().itemCount();
            if (n != null && n > 0) return n;
            if (!c.isLocal()) return -1;
            long count = 0;
            java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> start = null;
            do {
                var from = start;
                var r = c.dynamo().scan(b -> b.tableName(table).select(Select.COUNT).exclusiveStartKey(from));
                count += r.count();
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null);
            return count;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}

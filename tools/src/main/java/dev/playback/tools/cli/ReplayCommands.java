package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * {@code playback rebuild|replay|verify|status|rollback}: clients of the replay state machines, on the
 * local stack (endpoints from the file {@code playback local} writes) or on AWS ({@code --aws}).
 */
public final class ReplayCommands {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The event bus of ReplayRequested events with --aws when --bus is not given (the stack's output ReplayRequestBusName). */
    public static final String REPLAY_BUS_ENV = "PLAYBACK_REPLAY_BUS";
    /** The bus's logical id in template.yaml; locally its name comes from the endpoints file. */
    static final String REPLAY_BUS = "ReplayRequestBus";

    private ReplayCommands() {
    }

    /** Adds rebuild, replay, verify, status, rollback and replay-concurrency to {@code root}. */
    public static void addTo(CommandLine root, Streams streams) {
        addTo(root, streams, ReplayCommands::connect);
    }

    static void addTo(CommandLine root, Streams streams, Function<Target, Connection> connector) {
        for (ReplayCommand command : List.of(new Rebuild(), new Replay(), new Verify(), new Status(), new Rollback(),
                new ReplayConcurrency())) {
            command.streams = streams;
            command.connector = connector;
            root.addSubcommand(command);
        }
    }

    /** Where the replay machines run and how to print: every replay command takes these. */
    static final class Target {
        @Option(names = "--json", description = "print the result as JSON")
        boolean json;
        @Option(names = "--aws", description = "use AWS (the SDK's default credentials and region) instead of the running 'playback local'")
        boolean aws;
        @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose outputs name the tables and state machines")
        String stack;
        @Option(names = "--data-table", paramLabel = "NAME", description = "with --aws: the data table (else $PLAYBACK_DATA_TABLE or the stack's)")
        String dataTable;
        @Option(names = "--events-table", paramLabel = "NAME", description = "with --aws: the events table, for --watch's total (else $PLAYBACK_EVENTS_TABLE or the stack's)")
        String eventsTable;
        @Option(names = "--local-file", paramLabel = "FILE", description = "the running local stack's endpoints file (default: .playback/local.json; $PLAYBACK_LOCAL_FILE)")
        Path localFile;

        void check(CommandSpec spec) {
            if (!aws) {
                for (String[] awsOnly : new String[][]{{"--data-table", dataTable}, {"--events-table", eventsTable}, {"--stack", stack}}) {
                    if (awsOnly[1] != null) throw Usage.error(spec, "option " + awsOnly[0] + " needs --aws");
                }
            } else if (localFile != null) {
                throw Usage.error(spec, "option --local-file cannot be combined with --aws");
            }
        }
    }

    /** How processors with external effects treat their gateways in this replay (GATEWAY.md). */
    static final class Gateway {
        @Option(names = "--gateway-mode", paramLabel = "MODE",
                description = "suppress, diff or allow:GW[,GW] for processors with external effects (default: suppress)")
        String mode;
        @Option(names = "--missing-records", paramLabel = "WHAT", description = "a query record missing in the replay: ${COMPLETION-CANDIDATES} (default: fail)")
        MissingRecords missingRecords;

        void into(ObjectNode in, CommandSpec spec) {
            if (mode != null) {
                if (!mode.matches("suppress|diff|allow:[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*")) {
                    throw Usage.error(spec, "option --gateway-mode: '" + mode + "' is not a replay mode (suppress, diff or allow:<gateway>[,<gateway>])");
                }
                in.put("gatewayMode", mode);
            }
            if (missingRecords != null) in.put("missingRecords", missingRecords.name());
        }
    }

    enum MissingRecords { fail, live }

    /** The values of {@code --time-field}, as the replay request spells them. */
    public enum TimeField { recordedAt, occurredAt }

    /** One replay command: the target, the streams, the connection. */
    abstract static class ReplayCommand implements Callable<Integer> {
        @Mixin
        Target target = new Target();
        @Spec
        CommandSpec spec;
        Streams streams;
        Function<Target, Connection> connector;

        PrintStream out() {
            return streams.out();
        }

        PrintStream err() {
            return streams.err();
        }

        Connection connect() {
            target.check(spec);
            return connector.apply(target);
        }
    }

    static Connection connect(Target t) {
        if (t.aws) return Connection.aws(t.dataTable, t.eventsTable, t.stack);
        return Connection.local(t.localFile == null ? LocalEndpoints.defaultFile() : t.localFile);
    }

    static void processors(List<String> processors, ObjectNode in, CommandSpec spec) {
        if (processors.isEmpty()) return;
        ArrayNode p = in.putArray("processors");
        for (String name : processors) {
            if (!name.matches("[A-Za-z0-9_-]{1,64}")) throw Usage.error(spec, "option --processor: '" + name + "' is not a processor name");
            p.add(name);
        }
    }

    /** {@code id}, checked, or a new one {@code <prefix>-<time>-<hex>}. */
    static String replayId(String id, String prefix, CommandSpec spec) {
        if (id == null) {
            return prefix + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                    + "-" + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xf000));
        }
        if (!id.matches("[A-Za-z0-9._:-]{1,80}")) {
            throw Usage.error(spec, "option --replay-id: '" + id + "' is not valid (1 to 80 of A-Z a-z 0-9 . _ : -)");
        }
        return id;
    }

    static int inRange(Integer value, String option, int min, int max, CommandSpec spec) {
        if (value < min || value > max) throw Usage.error(spec, "option " + option + " must be between " + min + " and " + max + ", not " + value);
        return value;
    }

    // ---- rebuild / verify -------------------------------------------------------------------------

    /** Starts a rebuild or verification; {@code --watch} follows it until it ends. */
    abstract static class StartedReplay extends ReplayCommand {
        @Option(names = "--replay-id", paramLabel = "ID", description = "the replay's id (default: a new one); the same id again resumes it from its checkpoints")
        String replayId;
        @Option(names = "--watch", description = "draw the progress on stderr until the replay ends; exit 0 only when it succeeded")
        boolean watch;
        @Option(names = "--watch-timeout", paramLabel = "DURATION", defaultValue = Watch.DEFAULT_TIMEOUT,
                description = "with --watch: stop watching after this long (ISO-8601, default ${DEFAULT-VALUE}) and exit 1; the replay goes on")
        Duration watchTimeout;
        @Mixin
        Gateway gateway = new Gateway();
        @Mixin
        PlanOptions.First planFirst = new PlanOptions.First();

        abstract String machine();

        /** The replay machine's shape, for its plan. */
        abstract dev.playback.tools.plan.Scope.ReplayShape shape();

        /** The Scan segments the replay will use. */
        int segments() {
            return 4;
        }

        abstract ObjectNode input();

        @Override
        public Integer call() throws Exception {
            ObjectNode input = input();
            String id = input.get("replayId").asText();
            try (Connection c = connect()) {
                if (planFirst.plan && !planFirst.confirm(() -> planFirst.options.wholeTable(shape(), segments(), c, spec), err(), spec)) {
                    return Usage.FAILED;
                }
                if (watch) c.dataTable();   // --watch reads the data table: on AWS it must be named before anything starts
                String arn = c.stateMachineArn(machine());
                StartExecutionResponse started = start(c, arn, id, input.toString());
                if (!watch) {
                    if (target.json) {
                        ObjectNode o = JSON.createObjectNode().put("replayId", id).put("executionArn", started.executionArn())
                                .put("stateMachineArn", arn);
                        o.set("input", input);
                        out().println(JSON.writeValueAsString(o));
                    } else {
                        out().println(id);
                    }
                    return Usage.OK;
                }
                if (!target.json) out().println(id);
                Watch.Outcome o = new Watch(c, err(), watchTimeout).follow(id, started.executionArn());
                printOutcome(c, o);
                return o.succeeded() ? Usage.OK : Usage.FAILED;
            }
        }

        private void printOutcome(Connection c, Watch.Outcome o) throws Exception {
            String report = "VerifyStateMachine".equals(machine()) ? reportLocation(c, o.replayId()) : null;
            if (target.json) {
                ObjectNode n = o.toJson();
                if (report != null) n.put("report", report);
                out().println(JSON.writeValueAsString(n));
                return;
            }
            ReplayProgress p = o.progress();
            Double rate = o.eventsPerSecond();
            out().printf(Locale.ROOT, "%s %s: %s in %.1f s; published %,d%s, applied %,d%s%s%n",
                    machine().replace("StateMachine", "").toLowerCase(Locale.ROOT), o.replayId(), o.status(), o.seconds(), p.published(),
                    o.publishedBefore() > 0 ? String.format(Locale.ROOT, " (%,d of them before this run)", o.publishedBefore()) : "",
                    p.applied(), rate == null ? "" : String.format(Locale.ROOT, " (%,.0f events/s)", rate),
                    p.generation() == null ? "" : ", generation " + p.generation());
            if (o.error() != null) out().println("  " + o.error() + ": " + o.cause());
            if (report != null) out().println("  report: " + report);
        }
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = {"Full rebuild into a new generation (RebuildStateMachine, execution named after the replay id); prints "
                    + "the replay id. The rebuilt generation becomes active in one conditional write.",
                    "The same --replay-id again resumes an interrupted rebuild from its checkpoints."})
    static class Rebuild extends StartedReplay {
        @Option(names = "--processor", paramLabel = "P", description = "rebuild only this processor (repeatable; default: all)")
        List<String> processors = new ArrayList<>();
        @Option(names = "--segments", paramLabel = "N", description = "parallel Scan segments, 1 to 10000, each a child execution of a "
                + "Distributed Map (default: 4)")
        Integer segments;
        @Option(names = "--batch-size", paramLabel = "N", description = "events per batch, 1 to 500 (default: 500)")
        Integer batchSize;

        @Override
        String machine() {
            return "RebuildStateMachine";
        }

        @Override
        dev.playback.tools.plan.Scope.ReplayShape shape() {
            return dev.playback.tools.plan.Scope.ReplayShape.REBUILD;
        }

        @Override
        int segments() {
            return segments == null ? 4 : segments;
        }

        /** The state machine input {@code {replayId, processors?, segments?, batchSize?, gatewayMode?, missingRecords?, requestedBy}}. */
        @Override
        ObjectNode input() {
            ObjectNode in = JSON.createObjectNode();
            in.put("replayId", replayId(replayId, "rebuild", spec));
            processors(processors, in, spec);
            if (segments != null) in.put("segments", inRange(segments, "--segments", 1, 10_000, spec));
            if (batchSize != null) in.put("batchSize", inRange(batchSize, "--batch-size", 1, 500, spec));
            gateway.into(in, spec);
            in.put("requestedBy", operator());
            return in;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = {"Rebuilds into a shadow generation and compares it with the live one (VerifyStateMachine); the report "
                    + "goes to the stack's ReportBucket under reports/verify/<replayId>.json; drift fails the execution unless --report-only."})
    static class Verify extends StartedReplay {
        @Option(names = "--report-only", description = "report drift without failing")
        boolean reportOnly;

        @Override
        String machine() {
            return "VerifyStateMachine";
        }

        @Override
        dev.playback.tools.plan.Scope.ReplayShape shape() {
            return dev.playback.tools.plan.Scope.ReplayShape.VERIFY;
        }

        @Option(names = "--known-at", paramLabel = "T", description = "verify the states as known at this past instant, ISO-8601: each "
                + "aggregate folded from the events recorded by then, compared with the state from the snapshots recorded by then "
                + "(a processor with external effects from its recorded answers only; nothing is sent or rebuilt)")
        String knownAt;
        @Option(names = "--processor", paramLabel = "P", description = "with --known-at: verify only this processor (repeatable; "
                + "default: every processor)")
        List<String> processors = new ArrayList<>();

        @Override
        ObjectNode input() {
            ObjectNode in = JSON.createObjectNode();
            in.put("replayId", replayId(replayId, "verify", spec));
            in.put("reportOnly", reportOnly);
            if (!processors.isEmpty() && knownAt == null) throw Usage.error(spec, "option --processor applies with --known-at only");
            knownAt(spec, knownAt, in);
            processors(processors, in, spec);
            gateway.into(in, spec);
            in.put("requestedBy", operator());
            return in;
        }
    }

    /** Puts {@code --known-at} into {@code request} as {@code knownAt}; refuses a malformed one or one in the future. */
    static void knownAt(CommandSpec spec, String value, ObjectNode request) {
        Instant known = instant(spec, "--known-at", value);
        if (known != null && known.isAfter(Instant.now())) {
            throw Usage.error(spec, "option --known-at (" + known + ") is in the future: a replay reproduces what was known by a past instant");
        }
        if (known != null) request.put("knownAt", known.toString());
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

    static String reportLocation(Connection c, String replayId) {
        String key = "reports/verify/" + replayId + ".json";
        String bucket = c.reportBucketOrNull();
        return bucket != null ? "s3://" + bucket + "/" + key : key + " in the stack's ReportBucket";
    }

    /** The value of {@code option}: an ISO-8601 instant (2026-11-26T10:00:00Z, offsets allowed), or null when absent. */
    public static Instant instant(CommandSpec spec, String option, String value) {
        if (value == null) return null;
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value.trim()).toInstant();
            } catch (DateTimeParseException e2) {
                throw Usage.error(spec, "option " + option + " must be an ISO-8601 timestamp such as 2026-11-26T10:00:00Z, not '" + value + "'");
            }
        }
    }

    // ---- partial replay ----------------------------------------------------------------------------

    @Command(name = "replay", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = {"Partial replay: sends the EventBridge event ReplayRequested with this scope to the stack's "
                    + "ReplayRequestBus, whose rule starts PartialReplayStateMachine; prints the replay id.",
                    "A gateway mode other than suppress is refused unless the stack was deployed with AllowEffectfulEventReplays=true."})
    static class Replay extends ReplayCommand {
        @Option(names = "--aggregate", paramLabel = "ID", description = "an aggregate in scope (repeatable)")
        List<String> aggregates = new ArrayList<>();
        @Option(names = "--type", paramLabel = "T", description = "an event type in scope (repeatable)")
        List<String> types = new ArrayList<>();
        @Option(names = "--since", paramLabel = "T", description = "the window's start, ISO-8601 (e.g. 2026-11-26T10:00:00Z)")
        String since;
        @Option(names = "--until", paramLabel = "T", description = "the window's end (excluded), ISO-8601")
        String until;
        @Option(names = "--time-field", paramLabel = "FIELD", description = "the window applies to: ${COMPLETION-CANDIDATES} (default: recordedAt)")
        TimeField timeField;
        @Option(names = "--known-at", paramLabel = "T", description = "fold only the events recorded by this past instant, ISO-8601, "
                + "to reproduce the states as known then (they go to the ReportBucket under reports/known/<replayId>/; the live states are left alone)")
        String knownAt;
        @Option(names = "--processor", paramLabel = "P", description = "replay only this processor (repeatable; default: all)")
        List<String> processors = new ArrayList<>();
        @Option(names = "--replay-id", paramLabel = "ID", description = "the replay's id (default: a new one)")
        String replayId;
        @Option(names = "--bus", paramLabel = "NAME", description = "with --aws: the ReplayRequestBus (else $PLAYBACK_REPLAY_BUS)")
        String bus;
        @Mixin
        Gateway gateway = new Gateway();
        @Mixin
        PlanOptions.First planFirst = new PlanOptions.First();

        /** The plan of the scope {@code detail} (from {@link #scope()}); {@code c} null: a what-if. */
        dev.playback.tools.plan.Plan planOf(ObjectNode detail, Connection c) {
            return planFirst.options.partial(c, aggregates, types, timeField == null ? null : timeField.name(),
                    detail.has("since") ? Instant.parse(detail.get("since").asText()) : null,
                    detail.has("until") ? Instant.parse(detail.get("until").asText()) : null, spec);
        }

        /** The {@code ReplayRequested} detail: {@code {replayId, aggregates?, types?, since?, until?, timeField?, knownAt?, processors?}}. */
        ObjectNode scope() {
            ObjectNode d = JSON.createObjectNode();
            d.put("replayId", replayId(replayId, "partial", spec));
            Instant from = instant("--since", since);
            Instant to = instant("--until", until);
            if (aggregates.isEmpty() && types.isEmpty() && from == null && to == null) {
                throw Usage.error(spec, "a partial replay needs a scope: --aggregate, --type, --since and/or --until "
                        + "(for everything use 'playback rebuild')");
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw Usage.error(spec, "option --since (" + from + ") must be before --until (" + to + ")");
            }
            if (timeField != null && from == null && to == null) throw Usage.error(spec, "option --time-field needs --since and/or --until");
            for (String id : aggregates) {
                if (!id.matches("[A-Za-z0-9._:@-]{1,128}")) throw Usage.error(spec, "option --aggregate: '" + id + "' is not an aggregate id");
            }
            for (String t : types) {
                if (!t.matches("[A-Za-z][A-Za-z0-9._-]{0,127}")) throw Usage.error(spec, "option --type: '" + t + "' is not an event type");
            }
            if (!aggregates.isEmpty()) aggregates.forEach(d.putArray("aggregates")::add);
            if (!types.isEmpty()) types.forEach(d.putArray("types")::add);
            if (from != null) d.put("since", from.toString());
            if (to != null) d.put("until", to.toString());
            if (timeField != null) d.put("timeField", timeField.name());
            knownAt(spec, knownAt, d);
            processors(processors, d, spec);
            gateway.into(d, spec);
            d.put("requestedBy", operator());
            return d;
        }

        private Instant instant(String option, String value) {
            return ReplayCommands.instant(spec, option, value);
        }

        /** The bus ReplayRequested goes to: {@code --bus}, else {@code $PLAYBACK_REPLAY_BUS}, else locally the template's ReplayRequestBus. */
        String replayBus(Connection c, String fromEnvironment) {
            String name = bus;
            if (name == null && fromEnvironment != null && !fromEnvironment.isBlank()) name = fromEnvironment;
            if (name == null && c.isLocal()) name = c.localName(REPLAY_BUS);
            if (name == null) {
                throw Usage.error(spec, "with --aws the event bus of ReplayRequested is needed: --bus NAME or $" + REPLAY_BUS_ENV
                        + " (the stack's output ReplayRequestBusName)");
            }
            if (!name.matches("[/.\\-_A-Za-z0-9]{1,256}|arn:[a-z-]+:events:[a-z0-9-]+:\\d{12}:event-bus/[/.\\-_A-Za-z0-9]{1,256}")) {
                throw Usage.error(spec, "option --bus: '" + name + "' is not an event bus name or ARN");
            }
            return name;
        }

        @Override
        public Integer call() throws Exception {
            ObjectNode detail = scope();
            try (Connection c = connect()) {
                if (planFirst.plan && !planFirst.confirm(() -> planOf(detail, c), err(), spec)) return Usage.FAILED;
                String name = replayBus(c, System.getenv(REPLAY_BUS_ENV));
                PutEventsResponse r = c.events().putEvents(b -> b.entries(e -> e.eventBusName(name).source("playback").detailType("ReplayRequested")
                        .detail(detail.toString())));
                PutEventsResultEntry entry = r.entries().get(0);
                if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
                    throw new IllegalStateException("EventBridge refused ReplayRequested on bus " + name + ": " + entry.errorCode() + " " + entry.errorMessage());
                }
                if (target.json) {
                    ObjectNode o = JSON.createObjectNode().put("replayId", detail.get("replayId").asText()).put("eventId", entry.eventId())
                            .put("eventBusName", name);
                    o.set("detail", detail);
                    out().println(JSON.writeValueAsString(o));
                } else {
                    out().println(detail.get("replayId").asText());
                    err().println("ReplayRequested sent to bus " + name + " (event " + entry.eventId() + "): " + detail);
                }
                return Usage.OK;
            }
        }
    }

    // ---- status ------------------------------------------------------------------------------------

    @Command(name = "status", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = {"With a replay id, or the name or ARN of an execution of the replay machines (also one started without "
                    + "a replayId, e.g. by the nightly schedule): the replay record (who requested it), its checkpoints and the "
                    + "executions that ran it.",
                    "Without an argument: the newest executions of all replay machines, newest first."})
    static final class Status extends ReplayCommand {
        @Parameters(paramLabel = "REPLAY_ID|EXECUTION", arity = "0..1", description = "a replay id, an execution name or an execution ARN")
        String id;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "without an argument: how many executions to list (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws Exception {
            if (id == null) {
                inRange(limit, "--limit", 1, 1000, spec);
                try (Connection c = connect()) {
                    return list(c);
                }
            }
            if (id.isBlank()) throw Usage.error(spec, "REPLAY_ID|EXECUTION must not be empty");
            try (Connection c = connect()) {
                return show(c);
            }
        }

        private int list(Connection c) throws Exception {
            ReplayExecutions executions = new ReplayExecutions(c);
            List<ExecutionListItem> recent = executions.recent(limit);
            ArrayNode json = JSON.createArrayNode();
            if (recent.isEmpty() && !target.json) out().println("no executions of " + String.join(", ", ReplayExecutions.MACHINES));
            for (ExecutionListItem e : recent) {
                DescribeExecutionResponse d = executions.describe(e);
                Optional<String> replay = executions.replayOf(d);
                String machine = machineName(d.stateMachineArn());
                if (target.json) {
                    ObjectNode n = execution(json.addObject(), d).put("stateMachine", machine);
                    replay.ifPresent(r -> n.put("replayId", r));
                } else {
                    out().printf(Locale.ROOT, "%-24s %-9s %-26s %s%s%n", d.startDate(), d.statusAsString(), machine, d.name(),
                            replay.filter(r -> !r.equals(d.name())).map(r -> "  (replay " + r + ")").orElse(""));
                }
            }
            if (target.json) out().println(JSON.writeValueAsString(json));
            return Usage.OK;
        }

        private int show(Connection c) throws Exception {
            ReplayExecutions lookup = new ReplayExecutions(c);
            DescribeExecutionResponse named = null;
            String replayId = id;
            ReplayProgress p = null;
            if (ReplayExecutions.isExecutionArn(id)) {
                named = lookup.find(id).orElse(null);
                replayId = named == null ? null : lookup.replayOf(named).orElse(null);
            } else {
                p = ReplayProgress.read(c.dynamo(), c.dataTable(), id);
                if (!p.exists()) {
                    named = lookup.find(id).orElse(null);
                    if (named != null) {
                        replayId = lookup.replayOf(named).orElse(null);
                        p = null;
                    }
                }
            }
            if (p == null) p = replayId == null ? null : ReplayProgress.read(c.dynamo(), c.dataTable(), replayId);
            List<DescribeExecutionResponse> executions = replayId == null ? new ArrayList<>() : executionsOf(c, replayId);
            if (named != null && executions.stream().noneMatch(isSame(named))) {
                executions.add(named);
                executions.sort((x, y) -> x.startDate().compareTo(y.startDate()));
            }
            if (target.json) {
                ObjectNode n = p != null ? p.toJson() : JSON.createObjectNode().put("found", false);
                ArrayNode ex = n.putArray("executions");
                for (DescribeExecutionResponse d : executions) execution(ex.addObject(), d);
                out().println(JSON.writeValueAsString(n));
            } else {
                if (replayId == null && named == null) {
                    out().println("no replay and no execution of the replay machines named " + id);
                } else if (replayId == null) {
                    out().println("execution " + named.name() + ": its replay is not recorded yet (the replay function has not run for it)");
                } else if ((p == null || !p.exists()) && named == null && executions.isEmpty()) {
                    out().println("no replay and no execution of the replay machines named " + id);
                } else if (p == null || !p.exists()) {
                    out().println("replay " + replayId + ": no replay record in the data table");
                } else {
                    out().println(ProgressLines.headline(p));
                    if (p.detail() != null) out().println("  detail: " + p.detail());
                    out().println("  requested by: " + requestedBy(ReplayProgress.str(p.record(), "requestedBy")));
                    out().println("  " + ProgressLines.counts(p));
                    for (ReplayProgress.Segment s : p.checkpoints()) {
                        out().printf(Locale.ROOT, "  segment %3d: %s published %,d in %,d batches%n", s.segment(),
                                s.done() ? "done   " : s.started() ? "running" : "pending", s.published(), s.batches());
                    }
                }
                if (executions.isEmpty() && p != null && p.exists()) out().println("  no execution found");
                for (DescribeExecutionResponse d : executions) {
                    out().printf(Locale.ROOT, "  execution %s: %s (started %s%s)%s%n", d.name(), d.statusAsString(), d.startDate(),
                            d.stopDate() == null ? "" : ", stopped " + d.stopDate(),
                            d.error() == null ? "" : " " + d.error() + ": " + d.cause());
                    if (d.output() != null && d.status() == ExecutionStatus.SUCCEEDED) out().println("    output: " + d.output());
                }
            }
            return (p != null && p.exists()) || !executions.isEmpty() ? Usage.OK : Usage.FAILED;
        }

        private static java.util.function.Predicate<DescribeExecutionResponse> isSame(DescribeExecutionResponse d) {
            return x -> x.executionArn().equals(d.executionArn());
        }

        private static ObjectNode execution(ObjectNode e, DescribeExecutionResponse d) {
            e.put("executionArn", d.executionArn()).put("name", d.name()).put("status", d.statusAsString())
                    .put("startDate", String.valueOf(d.startDate()));
            if (d.stopDate() != null) e.put("stopDate", d.stopDate().toString());
            if (d.error() != null) e.put("error", d.error());
            if (d.cause() != null) e.put("cause", d.cause());
            if (d.output() != null) e.set("output", parse(d.output()));
            return e;
        }

        private static String machineName(String stateMachineArn) {
            return stateMachineArn == null ? "" : stateMachineArn.substring(stateMachineArn.lastIndexOf(':') + 1);
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

    @Command(name = "rollback", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = "Makes the previous generation active again (RollbackStateMachine): active and previous swap places.")
    static final class Rollback extends ReplayCommand {
        @Option(names = "--processor", paramLabel = "P", description = "roll back only this processor (repeatable; default: all)")
        List<String> processors = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            ObjectNode in = JSON.createObjectNode();
            processors(processors, in, spec);
            try (Connection c = connect()) {
                DescribeExecutionResponse d = rollback(c, in, Duration.ofMinutes(5));
                String exec = d.executionArn();
                if (target.json) {
                    ObjectNode n = JSON.createObjectNode().put("executionArn", exec).put("status", d.statusAsString());
                    if (d.output() != null) n.set("output", parse(d.output()));
                    if (d.error() != null) n.put("error", d.error()).put("cause", d.cause());
                    out().println(JSON.writeValueAsString(n));
                } else {
                    out().println("rollback " + d.statusAsString() + (d.output() != null ? ": " + d.output() : "")
                            + (d.error() != null ? ": " + d.error() + " " + d.cause() : ""));
                }
                return d.status() == ExecutionStatus.SUCCEEDED ? Usage.OK : Usage.FAILED;
            }
        }
    }

    /**
     * Starts RollbackStateMachine with {@code input} ({@code {processors?}}) as execution {@code rollback-<time>-<hex>} and
     * waits for its end (at most {@code timeout}: then an error naming the execution).
     */
    public static DescribeExecutionResponse rollback(Connection c, ObjectNode input, Duration timeout) throws InterruptedException {
        String arn = c.stateMachineArn("RollbackStateMachine");
        String name = "rollback-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-" + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xf000));
        String exec = c.sfn().startExecution(b -> b.stateMachineArn(arn).name(name).input(input.toString())).executionArn();
        return Watch.awaitEnd(c, exec, timeout);
    }

    /** The events table's item count (DescribeTable; locally a COUNT scan when the emulator reports 0); -1 when unknown. */
    public static long eventsInTable(Connection c) {
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

package dev.playback.tools.whatif;

import dev.playback.model.replay.TimeField;
import dev.playback.tools.archive.ExportScope;
import dev.playback.tools.cli.LocalEndpoints;
import dev.playback.tools.cli.ReplayCommands;
import dev.playback.tools.cli.Streams;
import dev.playback.tools.cli.Usage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code playback what-if}: a change's effect before it ships. Runs a verification of the stack it is pointed at in
 * gateway mode {@code predict} (a shadow generation built with the deployed code, its corrections computed as a
 * {@code diff} replay computes them, nothing sent or logged), prints what would change, writes the reports, and exits
 * 0 within the thresholds, 1 beyond them (or when the run failed), 2 on bad usage.
 */
@Command(name = "what-if", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {"Replays into a shadow generation with the code the stack runs now (VerifyStateMachine, gateway mode predict) "
                + "and tells what a 'diff' replay would do, without sending or logging anything: the aggregates read, those whose "
                + "state would change, the corrections a diff replay would send (per gateway and currency), the commands an allow: "
                + "replay would newly send, and the queries that have no record. The shadow generation is dropped afterwards, also "
                + "when the run fails or is interrupted (Ctrl-C, SIGTERM stop its execution).",
                "Reports: --report FILE (repeatable), the format from the extension: .json, .md (pull-request comment), .xml "
                        + "(JUnit, one test case per threshold), .txt.",
                "Exit 0 within the thresholds, 1 beyond them or when the run failed, 2 on bad usage."})
public final class WhatIfCommand implements Callable<Integer> {
    /** Runs a what-if against a stack and returns its report; the shadow generation is gone when it returns or throws. */
    public interface Runner {
        WhatIfReport run(Target target, Request request, Streams streams) throws Exception;
    }

    /**
     * What the what-if replays: the processors (all when empty), its replay id, the missing-record policy, how long to
     * wait, and the scope the report is about (as a partial replay chooses it: ids, types, a time window).
     */
    public record Request(String replayId, List<String> processors, String missingRecords, Duration timeout, ExportScope scope) {
        public Request {
            processors = List.copyOf(processors);
            scope = scope == null ? ExportScope.whole() : scope;
        }
    }

    /** The stack: the running {@code playback local} (its endpoints file) or AWS. */
    public static final class Target {
        @Option(names = "--aws", description = "use AWS (the SDK's default credentials and region) instead of the running 'playback local'")
        boolean aws;
        @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose outputs name the tables, buckets and state machines")
        String stack;
        @Option(names = "--local-file", paramLabel = "FILE", description = "the running local stack's endpoints file (default: .playback/local.json; $PLAYBACK_LOCAL_FILE)")
        Path localFile;

        public boolean aws() {
            return aws;
        }

        public String stack() {
            return stack;
        }

        public Path localFile() {
            return localFile == null ? LocalEndpoints.defaultFile() : localFile;
        }
    }

    enum MissingRecords { live, fail }

    @Option(names = "--processor", paramLabel = "P", description = "replay only this processor (repeatable; default: all)")
    List<String> processors = new ArrayList<>();
    @Option(names = "--aggregate", paramLabel = "ID", description = "scope: an aggregate (repeatable)")
    List<String> aggregates = new ArrayList<>();
    @Option(names = "--type", paramLabel = "T", description = "scope: the aggregates with an event of this type (repeatable)")
    List<String> types = new ArrayList<>();
    @Option(names = "--since", paramLabel = "T", description = "scope: the window's start, ISO-8601; effects only of the events in it")
    String since;
    @Option(names = "--until", paramLabel = "T", description = "scope: the window's end (excluded), ISO-8601 (default: now)")
    String until;
    @Option(names = "--time-field", paramLabel = "FIELD", description = "the window applies to: ${COMPLETION-CANDIDATES} (default: recordedAt)")
    ReplayCommands.TimeField timeField;
    @Option(names = "--json", description = "print the report as JSON instead of text")
    boolean json;
    @Option(names = "--report", paramLabel = "FILE", description = "also write the report to FILE (repeatable), as its extension says: "
            + ".json, .md, .xml (JUnit), .txt")
    List<Path> reports = new ArrayList<>();
    @Option(names = "--max-corrections", paramLabel = "N", description = "exit 1 when a diff replay would send more than N corrections")
    Integer maxCorrections;
    @Option(names = "--max-changed", paramLabel = "N", description = "exit 1 when more than N aggregates would change")
    Integer maxChanged;
    @Option(names = "--fail-on-change", description = "exit 1 when any aggregate would change or any correction be sent")
    boolean failOnChange;
    @Option(names = "--missing-records", paramLabel = "WHAT", description = "a query without a record: ${COMPLETION-CANDIDATES} "
            + "(default: live: asked now, not recorded, and listed)")
    MissingRecords missingRecords;
    @Option(names = "--replay-id", paramLabel = "ID", description = "the what-if's replay id (default: whatif-<time>-<hex>)")
    String replayId;
    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60", description = "stop the run after MINUTES (default: ${DEFAULT-VALUE})")
    int timeoutMinutes;
    @picocli.CommandLine.Mixin
    Target target = new Target();
    @Spec
    CommandSpec spec;

    private final Streams streams;
    private final Runner runner;

    public WhatIfCommand(Streams streams) {
        this(streams, new StackWhatIf());
    }

    public WhatIfCommand(Streams streams, Runner runner) {
        this.streams = streams;
        this.runner = runner;
    }

    /**
     * Runs a what-if through an open connection (the demo's in-process stack, a test) and returns its report; the
     * shadow generation is gone when it returns or throws.
     */
    public static WhatIfReport run(dev.playback.tools.cli.Connection connection, Request request, Streams streams) throws Exception {
        return StackWhatIf.run(connection, request, streams, () -> connection.localName("EventIndexTable"));
    }

    @Override
    public Integer call() throws Exception {
        Request request = request();
        Thresholds thresholds = new Thresholds(nonNegative(maxCorrections, "--max-corrections"), nonNegative(maxChanged, "--max-changed"),
                failOnChange);
        Map<Path, ReportFormat> files = files();
        WhatIfReport report = runner.run(target, request, streams);
        for (var f : files.entrySet()) write(f.getKey(), f.getValue().write(report, thresholds));
        streams.out().print((json ? ReportFormat.JSON : ReportFormat.TEXT).write(report, thresholds));
        return thresholds.within(report) ? Usage.OK : Usage.FAILED;
    }

    private Request request() {
        if (!target.aws && target.stack != null) throw Usage.error(spec, "option --stack needs --aws");
        if (target.aws && target.localFile != null) throw Usage.error(spec, "option --local-file cannot be combined with --aws");
        for (String p : processors) {
            if (!p.matches("[A-Za-z0-9_-]{1,64}")) throw Usage.error(spec, "option --processor: '" + p + "' is not a processor name");
        }
        for (String a : aggregates) {
            if (a.isBlank()) throw Usage.error(spec, "option --aggregate: an aggregate id must not be empty");
        }
        if (timeoutMinutes < 1 || timeoutMinutes > 24 * 60) {
            throw Usage.error(spec, "option --timeout must be between 1 and 1440 minutes, not " + timeoutMinutes);
        }
        String id = replayId;
        if (id == null) {
            id = "whatif-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
                    .format(java.time.Instant.now()) + "-" + Integer.toHexString(0x1000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(0xf000));
        } else if (!id.matches("[A-Za-z0-9._:-]{1,80}")) {
            throw Usage.error(spec, "option --replay-id: '" + id + "' is not valid (1 to 80 of A-Z a-z 0-9 . _ : -)");
        }
        ExportScope scope;
        try {
            scope = new ExportScope(aggregates, types, ReplayCommands.instant(spec, "--since", since),
                    ReplayCommands.instant(spec, "--until", until),
                    timeField == null ? null : TimeField.parse(timeField.name()));
        } catch (IllegalArgumentException e) {
            throw Usage.error(spec, e.getMessage());
        }
        return new Request(id, processors, (missingRecords == null ? MissingRecords.live : missingRecords).name(),
                Duration.ofMinutes(timeoutMinutes), scope);
    }

    private Integer nonNegative(Integer value, String option) {
        if (value != null && value < 0) throw Usage.error(spec, "option " + option + " must be 0 or more, not " + value);
        return value;
    }

    /** Each --report file with its format; an unknown extension or a folder that does not exist is bad usage. */
    private Map<Path, ReportFormat> files() {
        Map<Path, ReportFormat> out = new LinkedHashMap<>();
        for (Path file : reports) {
            ReportFormat format = ReportFormat.ofFile(file).orElseThrow(() -> Usage.error(spec, "option --report: '" + file
                    + "' has no known extension; use .json, .md, .xml (JUnit) or .txt"));
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw Usage.error(spec, "option --report: the folder " + parent + " of '" + file + "' does not exist");
            }
            out.put(file, format);
        }
        return out;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}

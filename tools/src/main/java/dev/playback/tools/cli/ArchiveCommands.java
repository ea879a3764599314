package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import dev.playback.model.domain.Domains;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.replay.TimeField;
import dev.playback.tools.archive.ArchiveRefused;
import dev.playback.tools.archive.AwsStackData;
import dev.playback.tools.archive.ExportScope;
import dev.playback.tools.archive.ExportedTableData;
import dev.playback.tools.archive.StackData;
import dev.playback.tools.archive.TableExport;
import dev.playback.tools.archive.Exporter;
import dev.playback.tools.archive.Importer;
import dev.playback.tools.archive.Redaction;
import dev.playback.tools.console.ConsoleSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code playback export} and {@code playback import}: a stack's history (or a slice of it, personal fields
 * pseudonymised) as one archive file, and that file loaded into another stack through the exactly-once rules
 * (docs/archive-format.md). Locally the stack is the running {@code playback local}; with {@code --aws} the deployed
 * stack {@code --stack NAME}.
 */
public final class ArchiveCommands {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArchiveCommands() {
    }

    /** The options both commands share: where the stack is. */
    abstract static class StackOptions {
        @Option(names = "--aws", description = "a deployed stack (the SDK's default credentials and region)")
        boolean aws;
        @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose outputs name the tables and buckets")
        String stackName;
        @Option(names = "--local-file", paramLabel = "FILE", description = "the running local stack's endpoints file (default: .playback/local.json)")
        Path localFile;
        @Option(names = "--domains", paramLabel = "CLASSES", description = "the stack's Domain classes, comma-separated, whose processors "
                + "with external effects have command logs (default: the sample domains, as template.yaml deploys them)")
        String domains;
        @Option(names = "--buckets", paramLabel = "N", description = "the stack's EventIndexBuckets, for the index entries of imported "
                + "events (default: " + IndexKeys.DEFAULT_BUCKETS + ")")
        Integer buckets;
        @Spec
        CommandSpec spec;

        final PrintStream stdout;
        /** The stack's report bucket, known once {@link #open} ran. */
        String reportBucket;

        StackOptions(Streams streams) {
            this.stdout = streams.out();
        }

        void checkStack() {
            if (stackName != null && !aws) throw Usage.error(spec, "option --stack needs --aws");
            if (aws && stackName == null) throw Usage.error(spec, "option --aws needs --stack NAME (the stack's outputs name its tables and buckets)");
            if (aws && localFile != null) throw Usage.error(spec, "option --local-file cannot be combined with --aws");
            if (buckets != null && buckets < 1) throw Usage.error(spec, "option --buckets must be at least 1, not " + buckets);
        }

        int indexBuckets() {
            return buckets == null ? IndexKeys.DEFAULT_BUCKETS : buckets;
        }

        /** The personal fields the stack's event types declare, as TYPE.FIELD: redacted in an export of a deployed stack. */
        List<String> declaredPersonalFields() {
            try {
                return Domains.load(domains == null ? ConsoleSetup.SAMPLE_DOMAINS : domains).domains().stream()
                        .flatMap(d -> d.eventTypes().stream())
                        .flatMap(t -> t.personalFields().stream().map(f -> t.name() + "." + f)).toList();
            } catch (IllegalArgumentException e) {
                throw Usage.error(spec, "option --domains: " + e.getMessage());
            }
        }

        List<String> processors() {
            try {
                return Domains.load(domains == null ? ConsoleSetup.SAMPLE_DOMAINS : domains).effectfulProcessors().stream()
                        .map(EffectfulProcessor::name).toList();
            } catch (IllegalArgumentException e) {
                throw Usage.error(spec, "option --domains: " + e.getMessage());
            }
        }

        /** The stack's data: the running local stack, or the deployed stack named by --stack. */
        AwsStackData open() {
            return open(aws ? AwsStackData.WholeTable.INDEX : AwsStackData.WholeTable.SCAN);
        }

        /** The stack's data, finding a whole table's aggregates as {@code wholeTable} says. */
        AwsStackData open(AwsStackData.WholeTable wholeTable) {
            List<String> processors = processors();
            if (aws) {
                StackOutputs stack = AwsTarget.withDefaults(() -> AwsTarget.describe(stackName));
                DynamoDbClient dynamo = AwsTarget.withDefaults(() -> DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
                S3Client s3 = AwsTarget.withDefaults(() -> S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
                AwsStackData.Names names = new AwsStackData.Names(output(stack, StackOutputs.EVENTS_TABLE), output(stack, StackOutputs.EVENT_IDS_TABLE),
                        output(stack, StackOutputs.EVENT_INDEX_TABLE), output(stack, StackOutputs.DATA_TABLE), output(stack, StackOutputs.PAYLOAD_BUCKET),
                        output(stack, StackOutputs.RECORD_BUCKET));
                reportBucket = output(stack, StackOutputs.REPORT_BUCKET);
                return new AwsStackData(dynamo, s3, names, indexBuckets(), processors, wholeTable, "AWS stack " + stackName, List.of(dynamo, s3));
            }
            Path file = localFile != null ? localFile : LocalEndpoints.defaultFile();
            LocalEndpoints e = LocalEndpoints.read(file);
            if (!e.writerAlive()) {
                throw new UsageException("the local stack recorded in " + file + " (pid " + e.pid() + ") is not running any more: "
                        + "start it again with 'playback local [--data DIR]'");
            }
            reportBucket = e.name("ReportBucket");
            return local(e, processors, indexBuckets(), wholeTable, "local stack (" + file + ")");
        }

        private String output(StackOutputs stack, String key) {
            return stack.find(key).orElseThrow(() -> new UsageException("stack " + stackName + " has no output " + key));
        }
    }

    /** The data of the local stack {@code e} describes. */
    private static AwsStackData local(LocalEndpoints e, List<String> processors, int indexBuckets, AwsStackData.WholeTable wholeTable,
                                      String where) {
        DynamoDbClient dynamo = e.client(DynamoDbClient.builder(), e.dynamoDb());
        S3Client s3 = e.client(S3Client.builder().forcePathStyle(true), e.s3());
        AwsStackData.Names names = new AwsStackData.Names(e.name("EventsTable"), e.name("EventIdsTable"), e.name("EventIndexTable"),
                e.name("DataTable"), e.name("PayloadBucket"), e.name("RecordBucket"));
        return new AwsStackData(dynamo, s3, names, indexBuckets, processors, wholeTable, where, List.of(dynamo, s3));
    }

    /** How an export without scope reads the events table. */
    enum WholeTableRead { s3, scan, index }

    /** Where DynamoDB's exports of the events table go in the report bucket (a lifecycle rule expires what is left). */
    static final String TABLE_EXPORTS = "table-exports/";

    @Command(name = "export", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = {"Writes the events of a stack (all of them, or the aggregates in a scope found through the event index), "
                    + "their recorded query answers and their command logs into one archive file (docs/archive-format.md), with "
                    + "--redact fields pseudonymised. An interrupted export resumes from FILE.partial when run again.",
                    "With --aws every export must redact something unless --keep-personal-data is given."})
    public static final class Export extends StackOptions implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "FILE", required = true, description = "the archive file to write (it must not exist)")
        Path file;
        @Option(names = "--aggregate", paramLabel = "ID", description = "an aggregate in scope (repeatable)")
        List<String> aggregates = new ArrayList<>();
        @Option(names = "--type", paramLabel = "T", description = "aggregates with an event of this type (repeatable)")
        List<String> types = new ArrayList<>();
        @Option(names = "--since", paramLabel = "T", description = "aggregates with an event at or after T, ISO-8601 (e.g. 2026-11-26T10:00:00Z)")
        String since;
        @Option(names = "--until", paramLabel = "T", description = "with --since: the window's end (excluded), ISO-8601 (default: now)")
        String until;
        @Option(names = "--time-field", paramLabel = "FIELD", description = "the window applies to recordedAt (default) or occurredAt")
        String timeField;
        @Option(names = "--redact", paramLabel = "TYPE.FIELD", description = "pseudonymise this payload field of this event type (repeatable)")
        List<String> redact = new ArrayList<>();
        @Option(names = "--keep-personal-data", description = "with --aws: do not redact the personal fields the event types "
                + "declare (only the --redact fields are)")
        boolean keepPersonalData;
        @Option(names = "--whole-table", paramLabel = "HOW", description = "without scope options, how the events table is read: "
                + "s3 (DynamoDB's export to S3, point in time, no read capacity; needs point-in-time recovery; the default with --aws), "
                + "scan (parallel Scan segments; the local default) or index (the event index's aggregates, a Query each)")
        WholeTableRead wholeTable;
        @Option(names = "--s3-export-timeout", paramLabel = "MINUTES", description = "with --whole-table s3: how long to wait for "
                + "DynamoDB's export (default: 120)")
        Integer exportTimeout;

        public Export(Streams streams) {
            super(streams);
        }

        @Override
        public Integer call() throws Exception {
            checkStack();
            ExportScope scope;
            try {
                scope = new ExportScope(aggregates, types, instant("--since", since), instant("--until", until),
                        timeField == null ? null : TimeField.parse(timeField));
            } catch (IllegalArgumentException e) {
                throw Usage.error(spec, e.getMessage().startsWith("option") ? e.getMessage() : "option --time-field: " + e.getMessage());
            }
            List<String> fields = Redaction.fieldsToRedact(redact, aws && !keepPersonalData ? declaredPersonalFields() : List.of());
            try {
                Redaction.of(fields);
            } catch (IllegalArgumentException e) {
                throw Usage.error(spec, "option --redact: " + e.getMessage());
            }
            if (aws && fields.isEmpty() && !keepPersonalData) {
                throw Usage.error(spec, "--aws: an export of a deployed stack redacts personal fields: give --redact TYPE.FIELD "
                        + "(e.g. --redact AccountOpened.owner --redact PayoutRequested.beneficiary), or --keep-personal-data");
            }
            try {
                Exporter.refuseExisting(file);
            } catch (IllegalArgumentException e) {
                throw Usage.error(spec, e.getMessage());
            }
            WholeTableRead how = wholeTable != null ? wholeTable : aws ? WholeTableRead.s3 : WholeTableRead.scan;
            if (wholeTable != null && !scope.isWhole()) throw Usage.error(spec, "option --whole-table applies to an export without scope options");
            if (exportTimeout != null && (how != WholeTableRead.s3 || exportTimeout < 1)) {
                throw Usage.error(spec, "option --s3-export-timeout takes a number of minutes of at least 1, with --whole-table s3");
            }
            try (AwsStackData stack = open(how == WholeTableRead.index ? AwsStackData.WholeTable.INDEX : AwsStackData.WholeTable.SCAN)) {
                ObjectNode sourceJson = JSON.createObjectNode().put("kind", aws ? "aws" : "local").put("where", stack.where())
                        .put("eventsTable", stack.names().eventsTable());
                if (aws) sourceJson.put("stack", stackName);
                StackData source = stack;
                TableExport tableExport = null;
                TableExport.Written written = null;
                if (scope.isWhole() && how == WholeTableRead.s3) {
                    tableExport = new TableExport(stack.dynamo(), stack.s3(), stdout);
                    String table = stack.names().eventsTable();
                    written = tableExport.export(table, reportBucket, TABLE_EXPORTS + table, clientToken(table, file),
                            Duration.ofMinutes(exportTimeout == null ? 120 : exportTimeout));
                    source = new ExportedTableData(stack, tableExport, written);
                    sourceJson.put("exportArn", written.exportArn());
                }
                Exporter.Result r = new Exporter(source, stdout, Clock.systemUTC()).export(scope, fields, sourceJson, file);
                stdout.printf(Locale.ROOT, "exported %,d events of %,d aggregates, %,d recorded queries, %,d command log entries%s to %s "
                                + "(%,d bytes) in %.1f s (%,.0f events/s)%s%n", r.events(), r.aggregates(), r.queries(), r.commands(),
                        fields.isEmpty() ? "" : ", redacting " + String.join(", ", fields), r.file(), r.bytes(), r.seconds(),
                        r.seconds() == 0 ? 0.0 : r.events() / r.seconds(), r.resumed() ? " (resumed)" : "");
                if (written != null) {
                    tableExport.delete(written);
                    stdout.printf(Locale.ROOT, "deleted the export to S3 (s3://%s/%s)%n", written.bucket(), written.directory());
                }
            } catch (ArchiveRefused e) {
                spec.commandLine().getErr().println("playback export: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return Usage.FAILED;
            }
            return Usage.OK;
        }

        private Instant instant(String option, String value) {
            return ReplayCommands.instant(spec, option, value);
        }

        /**
         * The export request's idempotency token: one per table and archive file, so a run interrupted while DynamoDB
         * exports finds the same export when run again (DynamoDB keeps a token 8 hours).
         */
        static String clientToken(String table, Path file) {
            try {
                byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                        .digest((table + "\n" + file.toAbsolutePath().normalize()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(h, 0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = {"Loads an archive written by 'playback export' into a stack through the exactly-once rules: the events "
                    + "with their own ids, versions and recordedAt, their recorded query answers and command logs. Importing an "
                    + "archive again changes nothing; a damaged, changed, truncated or newer archive, or one the stack holds "
                    + "differently, is refused before anything is written.",
                    "The data store projects the imported events after 'playback rebuild' (suppress mode: nothing is sent)."})
    public static final class Import extends StackOptions implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the archive")
        Path file;

        public Import(Streams streams) {
            super(streams);
        }

        @Override
        public Integer call() {
            checkStack();
            try (AwsStackData target = open()) {
                Importer.Result r = new Importer(target, stdout, Clock.systemUTC()).importArchive(file);
                stdout.printf(Locale.ROOT, "imported %s into %s in %.1f s: %,d events of %,d aggregates (%,d new, %,d already present); "
                                + "%,d recorded queries (%,d new, %,d already present); %,d command log entries (%,d new, %,d already present)%n",
                        file, target.where(), r.seconds(), r.events(), r.aggregates(), r.newEvents(), r.presentEvents(), r.queries(),
                        r.newQueries(), r.presentQueries(), r.commands(), r.newCommands(), r.presentCommands());
                if (r.newEvents() > 0) {
                    stdout.println("the data store projects the new events after a rebuild: playback rebuild" + (aws ? " --aws --stack " + stackName : ""));
                }
                return Usage.OK;
            } catch (ArchiveRefused e) {
                spec.commandLine().getErr().println("playback import: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return Usage.FAILED;
            }
        }
    }
}

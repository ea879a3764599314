package dev.playback.tools.cli;

import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoParkedAggregates;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.kinesis.KinesisEventPublisher;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.model.parking.Parked;
import dev.playback.model.parking.ParkedAggregates;
import dev.playback.model.parking.Unpark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code playback parked} and {@code playback unpark}: the aggregates a processor parked (a bug in its {@code apply} on
 * one of their events; their later events held back for it), and unparking them after the fix is deployed
 * ({@link Unpark}: the processor itself applies the held events, in order, once, from the events table). Locally the
 * names come from the running stack; with {@code --aws --stack NAME} from the deployed stack's outputs.
 */
public final class ParkingCommands {
    private ParkingCommands() {
    }

    /** The clients and names parking needs: the parked table, the events and data tables, the playback stream. */
    public record Target(DynamoDbClient dynamo, KinesisClient kinesis, S3Client s3, String parkedTable, String eventsTable,
                         String eventIdsTable, String dataTable, String payloadBucket, String playbackStream, String where)
            implements AutoCloseable {
        public ParkedAggregates parked() {
            return new DynamoParkedAggregates(dynamo, parkedTable);
        }

        /** Unparking through the playback stream, waiting up to {@code wait} per aggregate. */
        public Unpark unpark(Duration wait) {
            return new Unpark(parked(), new DynamoEventLog(dynamo, eventsTable, eventIdsTable, new S3PayloadStore(s3, payloadBucket)),
                    new KinesisEventPublisher(kinesis, playbackStream), new DynamoStateStore(dynamo, dataTable), Clock.systemUTC(), wait);
        }

        /** The running local stack recorded in {@code file} (default: {@link LocalEndpoints#defaultFile()}). */
        static Target local(Path file) {
            Path where = file != null ? file : LocalEndpoints.defaultFile();
            LocalEndpoints e = LocalEndpoints.read(where);
            if (!e.writerAlive()) throw new UsageException("the local stack recorded in " + where + " is not running: start it with 'playback local'");
            DynamoDbClient dynamo = e.client(DynamoDbClient.builder(), e.dynamoDb());
            KinesisClient kinesis = e.client(KinesisClient.builder(), e.kinesis());
            S3Client s3 = e.client(S3Client.builder().forcePathStyle(true), e.s3());
            return new Target(dynamo, kinesis, s3, e.name("ParkedTable"), e.name("EventsTable"), e.name("EventIdsTable"),
                    e.name("DataTable"), e.name("PayloadBucket"), e.name("PlaybackStream"), "local stack (" + where + ")");
        }

        /** The deployed stack {@code stackName}, with the SDK's default credentials and region. */
        static Target aws(String stackName) {
            return AwsTarget.withDefaults(() -> {
                StackOutputs stack = AwsTarget.describe(stackName);
                return new Target(DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                        KinesisClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                        S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                        stack.require("ParkedTableName"), stack.require(StackOutputs.EVENTS_TABLE), stack.require(StackOutputs.EVENT_IDS_TABLE),
                        stack.require(StackOutputs.DATA_TABLE), stack.require(StackOutputs.PAYLOAD_BUCKET),
                        stack.require(StackOutputs.PLAYBACK_STREAM), "AWS stack " + stackName);
            });
        }

        @Override
        public void close() {
            dynamo.close();
            kinesis.close();
            s3.close();
        }
    }

    /** One parked aggregate, one line: processor, aggregate, version, event, when, error. */
    public static String line(Parked p) {
        return p.processor() + "  " + p.aggregateId() + "  version " + p.version() + "  event " + p.eventId()
                + (p.generation() == null ? "" : "  generation " + p.generation()) + "  parked " + p.parkedAt() + "  "
                + p.errorClass() + ": " + p.errorMessage();
    }

    /** What unparking one aggregate did, one line. */
    public static String line(Unpark.Outcome o) {
        Parked p = o.parked();
        String what = p.aggregateId() + " for " + p.processor();
        if (o instanceof Unpark.Outcome.Unparked u) {
            return "unparked " + what + ": held events applied from version " + p.version() + ", now at version " + u.version();
        }
        if (o instanceof Unpark.Outcome.StillParked s) {
            return "still parked " + what + ": version " + s.now().version() + " (event " + s.now().eventId() + ") fails: "
                    + s.now().errorClass() + ": " + s.now().errorMessage();
        }
        Unpark.Outcome.NotYetApplied n = (Unpark.Outcome.NotYetApplied) o;
        return "unpark of " + what + " not confirmed: the processor is at version " + n.version() + " of " + n.target()
                + " after the wait; 'playback parked' shows whether it parked again";
    }

    /** The options both commands share: where the stack is. */
    static final class Where {
        @Option(names = "--aws", description = "the deployed stack on AWS (the SDK's default credentials and region)")
        boolean aws;
        @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose outputs name the tables and stream")
        String stackName;
        @Option(names = "--local-file", paramLabel = "FILE", description = "the running local stack's endpoints file (default: .playback/local.json)")
        Path file;

        Target target(CommandSpec spec) {
            if (stackName != null && !aws) throw Usage.error(spec, "option --stack needs --aws");
            if (aws && file != null) throw Usage.error(spec, "option --local-file cannot be combined with --aws");
            if (aws && stackName == null) throw Usage.error(spec, "--aws: give --stack NAME (its outputs name the parked table)");
            return aws ? Target.aws(stackName) : Target.local(file);
        }
    }

    @Command(name = "parked", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Lists the aggregates parked for a processor: a bug in its apply on one of their events. Their later "
                    + "events are held back for that processor (they are in the events table) until 'playback unpark'.",
                    "Locally the names come from the running 'playback local'; with --aws from the outputs of --stack NAME."})
    public static final class ParkedCommand implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Where where = new Where();
        @Option(names = "--processor", paramLabel = "P", description = "only those parked for processor P")
        String processor;
        @Spec
        CommandSpec spec;

        private final PrintStream out;

        public ParkedCommand(Streams streams) {
            this.out = streams.out();
        }

        @Override
        public Integer call() {
            try (Target t = where.target(spec)) {
                List<Parked> parked = t.parked().all().stream().filter(p -> processor == null || p.processor().equals(processor)).toList();
                for (Parked p : parked) out.println(line(p));
                out.println(parked.size() + " parked aggregate(s) in " + t.where());
            }
            return 0;
        }
    }

    @Command(name = "unpark", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"After the fix is deployed: has the processor apply a parked aggregate's held events, in order, once "
                    + "(it catches up from the events table, through its gateway for a processor with external effects), then "
                    + "waits for it. An event that still fails parks the aggregate again, and this says so.",
                    "Exit code: 0 every chosen aggregate unparked, 1 some still parked or not confirmed, 2 usage error."})
    public static final class UnparkCommand implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Where where = new Where();
        @Parameters(arity = "0..1", paramLabel = "ID", description = "the parked aggregate")
        String aggregateId;
        @Option(names = "--all", description = "every parked aggregate (of --processor P, if given)")
        boolean all;
        @Option(names = "--processor", paramLabel = "P", description = "only those parked for processor P")
        String processor;
        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "120", description = "how long to wait for the processor per aggregate (default: ${DEFAULT-VALUE})")
        long waitSeconds;
        @Spec
        CommandSpec spec;

        private final PrintStream out;

        public UnparkCommand(Streams streams) {
            this.out = streams.out();
        }

        @Override
        public Integer call() {
            if ((aggregateId == null) == !all) throw Usage.error(spec, "give the parked aggregate ID or --all");
            if (waitSeconds < 1) throw Usage.error(spec, "--wait must be at least 1 second, got " + waitSeconds);
            try (Target t = where.target(spec)) {
                Unpark unpark = t.unpark(Duration.ofSeconds(waitSeconds));
                List<Parked> chosen = unpark.select(Optional.ofNullable(aggregateId), Optional.ofNullable(processor));
                if (chosen.isEmpty()) {
                    out.println("nothing parked" + (aggregateId == null ? "" : " for " + aggregateId)
                            + (processor == null ? "" : " in " + processor) + " in " + t.where());
                    return 0;
                }
                List<Unpark.Outcome> outcomes = unpark.unpark(chosen);
                outcomes.forEach(o -> out.println(line(o)));
                return outcomes.stream().allMatch(o -> o instanceof Unpark.Outcome.Unparked) ? 0 : 1;
            }
        }
    }
}

package dev.playback.tools.cli;

import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.dynamodb.DynamoReindex;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code playback reindex [--segments N] [--buckets N] [--aws [--stack NAME]] [--events-table T] [--index-table T]
 * [--local-file FILE]}: writes the event index table's entries of every event in the events table ({@link DynamoReindex}),
 * for a stack whose events were written before the index table existed. Safe to run again and while the pump appends.
 */
@Command(name = "reindex", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Writes the event index entries of every event already in the events table (parallel Scan segments), "
                + "e.g. after upgrading a stack whose events table had the former type and day indexes. Safe to run again and "
                + "while events are appended.",
                "Locally the tables come from the running 'playback local'; with --aws from the options, else "
                        + "$PLAYBACK_EVENTS_TABLE and $PLAYBACK_EVENT_INDEX_TABLE, else the outputs of --stack NAME."})
public final class ReindexCommand implements Callable<Integer> {
    @Option(names = "--segments", paramLabel = "N", defaultValue = "8", description = "parallel Scan segments (default: ${DEFAULT-VALUE})")
    int segments;
    @Option(names = "--buckets", paramLabel = "N", description = "the stack's EventIndexBuckets (default: " + IndexKeys.DEFAULT_BUCKETS + ")")
    Integer buckets;
    @Option(names = "--aws", description = "on AWS (the SDK's default credentials and region)")
    boolean aws;
    @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose outputs name the tables")
    String stackName;
    @Option(names = "--events-table", paramLabel = "NAME", description = "the events table")
    String eventsTable;
    @Option(names = "--index-table", paramLabel = "NAME", description = "the event index table")
    String indexTable;
    @Option(names = "--local-file", paramLabel = "FILE", description = "the running local stack's endpoints file (default: .playback/local.json)")
    Path file;
    @Spec
    CommandSpec spec;

    private final PrintStream out;

    public ReindexCommand(Streams streams) {
        this.out = streams.out();
    }

    /** Exit code: 0 done, 2 usage error. */
    @Override
    public Integer call() throws Exception {
        if (segments < 1) throw Usage.error(spec, "option --segments must be at least 1, not " + segments);
        if (buckets != null && buckets < 1) throw Usage.error(spec, "option --buckets must be at least 1, not " + buckets);
        try (DynamoTables tables = DynamoTables.open(spec, aws, stackName, file)) {
            String events = tables.table(spec, eventsTable, "--events-table", "PLAYBACK_EVENTS_TABLE", StackOutputs.EVENTS_TABLE, "EventsTable");
            String index = tables.table(spec, indexTable, "--index-table", "PLAYBACK_EVENT_INDEX_TABLE", StackOutputs.EVENT_INDEX_TABLE,
                    "EventIndexTable");
            DynamoDbClient dynamo = tables.dynamo();
            long t0 = System.nanoTime();
            DynamoReindex.Result r = new DynamoReindex(dynamo, events,
                    new DynamoIndexWriter(dynamo, index, buckets == null ? IndexKeys.DEFAULT_BUCKETS : buckets)).run(segments);
            out.printf(Locale.ROOT, "reindexed %,d events of %s into %s (%d segments, %,d pages) in %.1f s%n", r.events(), events, index,
                    segments, r.pages(), (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}

package dev.playback.tools.bench;

import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.onebox.emulators.RawCeilings;
import dev.playback.tools.cli.Streams;
import dev.playback.tools.cli.Usage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code playback bench ingest|rebuild|partial|archive|testkit|raw}: the benchmarks, each on a fresh in-memory local stack
 * ({@code testkit}: in memory, no stack; {@code raw}: the emulators alone).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, synopsisSubcommandLabel = "ingest|rebuild|partial|archive|testkit|raw",
        description = "Measures the local stack against the emulators' raw ceilings, measured in the same run.")
public final class BenchCommand {
    private BenchCommand() {
    }

    public static CommandLine commandLine(Streams streams) {
        return new CommandLine(new BenchCommand()).addSubcommand(new Ingest(streams.out())).addSubcommand(new Rebuild(streams.out()))
                .addSubcommand(new Partial(streams.out())).addSubcommand(new Archive(streams.out()))
                .addSubcommand(new Testkit(streams.out())).addSubcommand(new Raw(streams.out()));
    }

    static void atLeastOne(CommandSpec spec, String option, int value) {
        if (value < 1) throw Usage.error(spec, "option " + option + " must be at least 1, not " + value);
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Measures HTTP -> event stream -> events table -> data store end to end, the pump's writes alone, "
                    + "AWS requests per event and the CPU split.")
    static final class Ingest implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--events", paramLabel = "N", defaultValue = "20000", description = "events to send (default: ${DEFAULT-VALUE})")
        int events;
        @Option(names = "--clients", paramLabel = "N", defaultValue = "8", description = "concurrent clients (default: ${DEFAULT-VALUE})")
        int clients;
        @Option(names = "--accounts", paramLabel = "N", defaultValue = "200", description = "accounts the events go to (default: ${DEFAULT-VALUE})")
        int accounts;
        @Option(names = "--batch", paramLabel = "N", defaultValue = "250", description = "events per POST (default: ${DEFAULT-VALUE})")
        int batch;
        @Option(names = "--data", paramLabel = "DIR", description = "keep the emulators' data on disk in DIR (default: in memory) and print "
                + "the DynamoDB emulator's data size and the emulators' memory before and after sending")
        java.nio.file.Path data;
        @Option(names = "--long-accounts", paramLabel = "N", defaultValue = "2", description = "accounts with 10,000 events loaded "
                + "before the run, for the data store's accounting of long accounts (default: ${DEFAULT-VALUE}; 0: none)")
        int longAccounts;
        @Option(names = "--long-rounds", paramLabel = "N", defaultValue = "50", description = "rounds of one event to each long "
                + "account after the run, each applied before the next (default: ${DEFAULT-VALUE})")
        int longRounds;
        private final PrintStream out;

        Ingest(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            atLeastOne(spec, "--events", events);
            atLeastOne(spec, "--clients", clients);
            atLeastOne(spec, "--accounts", accounts);
            atLeastOne(spec, "--batch", batch);
            if (longAccounts < 0) throw Usage.error(spec, "option --long-accounts must be at least 0, not " + longAccounts);
            atLeastOne(spec, "--long-rounds", longRounds);
            return new IngestBenchmark(out).run(events, clients, accounts, batch, data, longAccounts, longRounds);
        }
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Measures full-rebuild events/s, and the AWS cost per million events (state transitions, Lambda "
                    + "invocations, Kinesis PUT payload units, DynamoDB read/write units) from this run's counts.")
    static final class Rebuild implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--events", paramLabel = "N", defaultValue = "100000", description = "events loaded (default: ${DEFAULT-VALUE})")
        int events;
        @Option(names = "--segments", paramLabel = "N", defaultValue = "4", description = "Scan segments (default: ${DEFAULT-VALUE})")
        int segments;
        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500", description = "events per batch (default: ${DEFAULT-VALUE})")
        int batchSize;
        @Option(names = "--accounts", paramLabel = "N", defaultValue = "1000", description = "accounts the events belong to (default: ${DEFAULT-VALUE})")
        int accounts;
        @Option(names = "--long-accounts", paramLabel = "N", defaultValue = "2", description = "accounts with 10,000 events loaded "
                + "besides, for the data store's accounting of long accounts (default: ${DEFAULT-VALUE}; 0: none)")
        int longAccounts;
        private final PrintStream out;

        Rebuild(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            atLeastOne(spec, "--events", events);
            atLeastOne(spec, "--segments", segments);
            atLeastOne(spec, "--batch-size", batchSize);
            atLeastOne(spec, "--accounts", accounts);
            if (longAccounts < 0) throw Usage.error(spec, "option --long-accounts must be at least 0, not " + longAccounts);
            return new RebuildBenchmark(out).run(events, segments, batchSize, accounts, longAccounts);
        }
    }

    @Command(name = "partial", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Measures a partial replay by type whose scope is every account loaded (the Distributed Map over the "
                    + "scope in S3), checks it against an independent fold and prints aggregates, events, seconds, map runs and "
                    + "child executions.")
    static final class Partial implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--aggregates", paramLabel = "N", defaultValue = "2000", description = "accounts loaded, all in scope (default: ${DEFAULT-VALUE})")
        int aggregates;
        private final PrintStream out;

        Partial(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            atLeastOne(spec, "--aggregates", aggregates);
            return new PartialBenchmark(out).run(aggregates, request -> out.println("partial replay " + request.get("replayId").asText()
                    + ": request " + request + " (" + aggregates + " aggregates)"));
        }
    }

    @Command(name = "archive", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Exports a local stack holding N events and imports the archive into an empty one: prints the archive's "
                    + "size, export and import events/s and the emulators' raw Scan and write ceilings measured in the same run, and "
                    + "checks the target against the source by an independent fold and item by item (every event, recorded answer "
                    + "and command log entry).")
    static final class Archive implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--events", paramLabel = "N", defaultValue = "100000", description = "events loaded (default: ${DEFAULT-VALUE})")
        int events;
        @Option(names = "--accounts", paramLabel = "N", defaultValue = "1000", description = "accounts the events belong to (default: ${DEFAULT-VALUE})")
        int accounts;
        private final PrintStream out;

        Archive(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            atLeastOne(spec, "--events", events);
            atLeastOne(spec, "--accounts", accounts);
            return new ArchiveBenchmark(out).run(events, accounts);
        }
    }

    @Command(name = "testkit", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Replays N generated ledger events (or an archive's) through the payouts processor in memory with the "
                    + "test kit (no emulators) and prints its events/s.")
    static final class Testkit implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--events", paramLabel = "N", defaultValue = "100000", description = "events generated (default: ${DEFAULT-VALUE})")
        int events;
        @Option(names = "--accounts", paramLabel = "N", defaultValue = "1000", description = "accounts the events belong to (default: ${DEFAULT-VALUE})")
        int accounts;
        @Option(names = "--archive", paramLabel = "FILE", description = "replay this archive (playback export) instead of generated events")
        java.nio.file.Path archive;
        private final PrintStream out;

        Testkit(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            atLeastOne(spec, "--events", events);
            atLeastOne(spec, "--accounts", accounts);
            return new TestkitBenchmark(out).run(events, accounts, archive);
        }
    }

    @Command(name = "raw", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "Measures the emulators alone: kinesalite PutRecords records/s and dynalite BatchWriteItem items/s, each for "
                    + "--seconds after an untimed warm-up (the ceilings the other benchmarks print beside their own figures).")
    static final class Raw implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--seconds", paramLabel = "N", defaultValue = "5", description = "seconds per measurement (default: ${DEFAULT-VALUE})")
        int seconds;
        @Option(names = "--data", paramLabel = "DIR", description = "run the emulators on disk in DIR (default: in memory)")
        java.nio.file.Path data;
        private final PrintStream out;

        Raw(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            atLeastOne(spec, "--seconds", seconds);
            EmulatorOptions options = data == null ? EmulatorOptions.inMemory() : EmulatorOptions.onDisk(data);
            try (Emulators emulators = Emulators.start(options)) {
                out.printf("emulators (%s) started in %d ms%n", data == null ? "in memory" : "on disk in " + data,
                        emulators.startupTime().toMillis());
                RawCeilings ceilings = RawCeilings.measure(emulators, java.time.Duration.ofSeconds(seconds));
                out.println(ceilings.describe());
                boolean measured = ceilings.kinesisPutRecordsPerSecond() > 0 && ceilings.dynamoDbBatchWriteItemsPerSecond() > 0;
                if (!measured) out.println("a ceiling measured 0: the emulator answered no call in " + seconds + " s");
                return measured ? Usage.OK : Usage.FAILED;
            }
        }
    }
}

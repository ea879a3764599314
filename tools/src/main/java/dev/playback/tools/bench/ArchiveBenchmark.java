package dev.playback.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.emulators.RawCeilings;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.archive.AwsStackData;
import dev.playback.tools.archive.ExportScope;
import dev.playback.tools.archive.Exporter;
import dev.playback.tools.archive.Importer;
import dev.playback.tools.check.LedgerFold;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code playback bench archive}: exports a fresh in-memory local stack holding {@code events} ledger events (loaded
 * straight into the events table) and imports the archive into a second, empty one; prints the archive's size, export
 * and import events/s, and the emulators' raw ceilings measured in the same run (dynalite BatchWriteItem items/s, and a
 * parallel Scan of the loaded events table, items/s), and checks the target against the source by an independent fold.
 */
public final class ArchiveBenchmark {
    private static final int SCAN_SEGMENTS = 4;
    private final PrintStream out;

    public ArchiveBenchmark(PrintStream out) {
        this.out = out;
    }

    /** The archive's view of a local stack (the stack's own clients; closing it closes nothing of the stack). */
    public static AwsStackData data(LocalStack stack) {
        AwsStackData.Names names = new AwsStackData.Names(stack.physicalName("EventsTable"), stack.physicalName("EventIdsTable"),
                stack.physicalName("EventIndexTable"), stack.physicalName("DataTable"), stack.physicalName("PayloadBucket"),
                stack.physicalName("RecordBucket"));
        List<String> processors = stack.domains().effectfulProcessors().stream().map(EffectfulProcessor::name).toList();
        return new AwsStackData(stack.dynamoDb(), stack.s3(), names, IndexKeys.DEFAULT_BUCKETS, processors, AwsStackData.WholeTable.SCAN,
                "local stack", List.of());
    }

    public int run(int events, int accounts) throws Exception {
        Path dir = Files.createTempDirectory("playback-bench-archive");
        Path file = dir.resolve("bench.playback.gz");
        LedgerFold.Result sourceFold;
        Exporter.Result exported;
        double writeCeiling;
        double scanCeiling;
        try (LocalStack source = LocalStack.start(LocalOptions.inMemory())) {
            out.println("measuring the emulators' raw write ceiling ...");
            RawCeilings raw = RawCeilings.measure(source.emulators(), Duration.ofSeconds(5));
            writeCeiling = raw.dynamoDbBatchWriteItemsPerSecond();
            out.printf(Locale.ROOT, "loading %,d events over %,d accounts straight into the events table ...%n", events, accounts);
            RebuildBenchmark.load(source, events, accounts, Instant.parse("2026-01-01T00:00:00Z"));
            scanCeiling = scanRate(source);
            sourceFold = LedgerFold.of(source.dynamoDb(), source.s3(), source.physicalName("EventsTable"));
            exported = new Exporter(data(source), out, Clock.systemUTC()).export(ExportScope.whole(), List.of(),
                    new ObjectMapper().createObjectNode().put("kind", "local").put("where", "bench"), file);
        }
        Importer.Result imported;
        List<String> differences = new ArrayList<>();
        try (LocalStack target = LocalStack.start(LocalOptions.inMemory())) {
            imported = new Importer(data(target), out, Clock.systemUTC()).importArchive(file);
            LedgerFold.Result targetFold = LedgerFold.of(target.dynamoDb(), target.s3(), target.physicalName("EventsTable"));
            if (!targetFold.accounts().equals(sourceFold.accounts())) differences.add("the folds of the source and target differ");
            if (targetFold.events() != sourceFold.events()) {
                differences.add("the target holds " + targetFold.events() + " events, the source " + sourceFold.events());
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        out.printf(Locale.ROOT, "raw: dynalite BatchWriteItem %,.0f items/s, Scan (%d segments) %,.0f items/s%n", writeCeiling, SCAN_SEGMENTS,
                scanCeiling);
        out.printf(Locale.ROOT, "archive: %,d events of %,d aggregates, %,d bytes (%.1f bytes per event)%n", exported.events(),
                exported.aggregates(), exported.bytes(), (double) exported.bytes() / Math.max(1, exported.events()));
        out.printf(Locale.ROOT, "export: %.1f s = %,.0f events/s (%.2f of the raw Scan)%n", exported.seconds(),
                exported.events() / exported.seconds(), exported.events() / exported.seconds() / scanCeiling);
        out.printf(Locale.ROOT, "import: %.1f s = %,.0f events/s (%.2f of the raw BatchWriteItem; %,d new, %,d already present)%n",
                imported.seconds(), imported.newEvents() / imported.seconds(), imported.newEvents() / imported.seconds() / writeCeiling,
                imported.newEvents(), imported.presentEvents());
        out.println("check: target vs source, independent folds: " + (differences.isEmpty() ? "equal" : String.join("; ", differences)));
        return differences.isEmpty() && imported.newEvents() == events ? 0 : 1;
    }

    /** Items/s of a parallel Scan of the whole events table (every attribute, consistent reads, as the export's reads). */
    static double scanRate(LocalStack stack) {
        String table = stack.physicalName("EventsTable");
        long t0 = System.nanoTime();
        List<CompletableFuture<Long>> segments = new ArrayList<>();
        for (int s = 0; s < SCAN_SEGMENTS; s++) {
            int segment = s;
            segments.add(CompletableFuture.supplyAsync(() -> {
                long items = 0;
                Map<String, AttributeValue> start = null;
                do {
                    Map<String, AttributeValue> from = start;
                    ScanResponse r = stack.dynamoDb().scan(q -> q.tableName(table).segment(segment).totalSegments(SCAN_SEGMENTS)
                            .consistentRead(true).exclusiveStartKey(from));
                    items += r.count();
                    start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
                } while (start != null);
                return items;
            }));
        }
        long items = segments.stream().mapToLong(CompletableFuture::join).sum();
        return items / ((System.nanoTime() - t0) / 1e9);
    }
}

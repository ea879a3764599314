package dev.playback.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.onebox.emulators.RawCeilings;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.archive.AwsStackData;
import dev.playback.tools.archive.ExportScope;
import dev.playback.tools.archive.Exporter;
import dev.playback.tools.archive.Importer;
import dev.playback.tools.archive.StackComparison;
import dev.playback.tools.client.PlaybackApi;
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
 * {@code playback bench archive}: exports a fresh in-memory local stack holding {@code events} ledger events (a few
 * payouts sent through the HTTP API and processed live, so that the stack holds recorded FX answers and bank command log
 * entries; the rest loaded straight into the events table) and imports the archive into a second, empty one; prints the
 * archive's size, export and import events/s, and the emulators' raw ceilings measured in the same run (dynalite
 * BatchWriteItem items/s, and a parallel Scan of the loaded events table, items/s). It checks the target against the
 * source by an independent fold of each events table, and item by item ({@link StackComparison}): every event, every
 * recorded answer as the target's record store answers its key, every command log entry.
 */
public final class ArchiveBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SCAN_SEGMENTS = 4;
    private static final int COMPARERS = 4;
    /** Accounts whose payouts go through the live path (three events each: opened, funded, one payout). */
    static final int LIVE_ACCOUNTS = 40;
    static final int LIVE_EVENTS = 3 * LIVE_ACCOUNTS;
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
        if (events < 2 * LIVE_EVENTS) throw new IllegalArgumentException("--events must be at least " + 2 * LIVE_EVENTS + ", was " + events);
        Path dir = Files.createTempDirectory("playback-bench-archive");
        Path file = dir.resolve("bench.playback.gz");
        List<String> differences = new ArrayList<>();
        try (LocalStack source = LocalStack.start(LocalOptions.inMemory())) {
            out.println("measuring the emulators' raw write ceiling ...");
            RawCeilings raw = RawCeilings.measure(source.emulators(), Duration.ofSeconds(5));
            double writeCeiling = raw.dynamoDbBatchWriteItemsPerSecond();
            out.printf(Locale.ROOT, "sending %,d events (%d accounts, a payout each) through the HTTP API: the payouts processor records its "
                    + "FX answers and logs its bank commands ...%n", LIVE_EVENTS, LIVE_ACCOUNTS);
            livePayouts(source);
            out.printf(Locale.ROOT, "loading %,d events over %,d accounts straight into the events table ...%n", events - LIVE_EVENTS, accounts);
            RebuildBenchmark.load(source, events - LIVE_EVENTS, accounts, Instant.parse("2026-01-01T00:00:00Z"));
            double scanCeiling = scanRate(source);
            LedgerFold.Result sourceFold = LedgerFold.of(source.dynamoDb(), source.s3(), source.physicalName("EventsTable"));
            Exporter.Result exported = new Exporter(data(source), out, Clock.systemUTC()).export(ExportScope.whole(), List.of(),
                    JSON.createObjectNode().put("kind", "local").put("where", "bench"), file);
            // the target starts after the export, so that its idle pollers do not share the machine with the export
            try (LocalStack target = LocalStack.start(LocalOptions.inMemory())) {
                Importer.Result imported = new Importer(data(target), out, Clock.systemUTC()).importArchive(file);
                LedgerFold.Result targetFold = LedgerFold.of(target.dynamoDb(), target.s3(), target.physicalName("EventsTable"));
                if (!targetFold.accounts().equals(sourceFold.accounts())) differences.add("the folds of the source and target differ");
                if (targetFold.events() != sourceFold.events()) {
                    differences.add("the target holds " + targetFold.events() + " events, the source " + sourceFold.events());
            }
            if (imported.newEvents() != events) differences.add(imported.newEvents() + " events imported, " + events + " in the source");
            out.println("comparing the target with the source, event by event, answer by answer, log entry by log entry ...");
            long t0 = System.nanoTime();
            StackComparison.Outcome same = StackComparison.compare(data(source), data(target), COMPARERS);
            double compareSeconds = (System.nanoTime() - t0) / 1e9;
            if (same.queries() == 0 || same.commands() == 0) differences.add("the source holds no recorded answer or no command log entry");
            if (same.events() != events) differences.add(same.events() + " events compared, " + events + " in the source");

            out.printf(Locale.ROOT, "raw: dynalite BatchWriteItem %,.0f items/s, Scan (%d segments) %,.0f items/s%n", writeCeiling, SCAN_SEGMENTS,
                    scanCeiling);
            out.printf(Locale.ROOT, "archive: %,d events of %,d aggregates, %,d recorded answers, %,d command log entries, %,d bytes "
                            + "(%.1f bytes per event)%n", exported.events(), exported.aggregates(), exported.queries(), exported.commands(),
                    exported.bytes(), (double) exported.bytes() / Math.max(1, exported.events()));
            out.printf(Locale.ROOT, "export: %.1f s = %,.0f events/s (%.2f of the raw Scan)%n", exported.seconds(),
                    exported.events() / exported.seconds(), exported.events() / exported.seconds() / scanCeiling);
            out.printf(Locale.ROOT, "import: %.1f s = %,.0f events/s (%.2f of the raw BatchWriteItem; %,d new, %,d already present)%n",
                    imported.seconds(), imported.newEvents() / imported.seconds(), imported.newEvents() / imported.seconds() / writeCeiling,
                    imported.newEvents(), imported.presentEvents());
            out.printf(Locale.ROOT, "check: target vs source, independent folds (%,d accounts' balances): %s%n", targetFold.accounts().size(),
                    differences.isEmpty() ? "equal" : String.join("; ", differences));
            out.printf(Locale.ROOT, "check: every event identical (id, type, version, occurredAt, recordedAt, payload, metadata; %,d events of "
                            + "%,d aggregates), every recorded answer answering the same (%,d), every command log entry (%,d), compared in "
                            + "%.1f s: %s%n", same.events(), same.aggregates(), same.queries(), same.commands(), compareSeconds,
                    same.equal() ? "yes" : "NO, " + same.differenceCount() + " differences");
            same.differences().forEach(d -> out.println("  " + d));
            return differences.isEmpty() && same.equal() ? 0 : 1;
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * {@link #LIVE_ACCOUNTS} accounts opened, funded and paying out through the HTTP API, processed by the live functions:
     * the recorded FX answers and the bank's command log entries an archive carries, written as production writes them.
     */
    static void livePayouts(LocalStack stack) {
        ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < LIVE_ACCOUNTS; i++) {
            String account = "bench-live-" + i;
            batch.addObject().put("aggregateId", account).put("type", "AccountOpened")
                    .set("payload", JSON.createObjectNode().put("owner", "Owner " + i).put("currency", "EUR"));
            batch.addObject().put("aggregateId", account).put("type", "MoneyDeposited")
                    .set("payload", JSON.createObjectNode().put("amount", "900.00"));
            batch.addObject().put("aggregateId", account).put("type", "PayoutRequested")
                    .set("payload", JSON.createObjectNode().put("amount", (20 + i) + ".40").put("targetCurrency", i % 2 == 0 ? "USD" : "GBP")
                            .put("beneficiary", "Beneficiary " + i));
        }
        PlaybackApi.Answer a = new PlaybackApi(stack.apiUrl()).postEvents(batch);
        if (a.status() != 202) throw new IllegalStateException("POST /events answered " + a.status() + ": " + a.body());
        stack.awaitIdle(Duration.ofMinutes(5));
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

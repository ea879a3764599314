package dev.playback.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.client.PlaybackApi;
import dev.onebox.emulators.RawCeilings;
import dev.onebox.eventsource.KinesisEventSourceMapping;
import dev.onebox.eventsource.MappingStats;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code playback bench ingest}: sustained events/s through HTTP → event stream → pump → events table →
 * projection → data store on the local stack, with the emulators' raw ceilings (kinesalite PutRecords,
 * dynalite BatchWriteItem) measured in the same run, and the ratio to the slower ceiling.
 */
public final class IngestBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    public IngestBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Runs the benchmark: {@code events} sent by {@code clients} in POSTs of {@code batch} over {@code accounts} accounts. */
    public int run(int events, int clients, int accounts, int batch) throws Exception {
        return run(events, clients, accounts, batch, null, 0, 0);
    }

    /**
     * The same, the emulators keeping their data on disk in {@code data} (null: in memory; then it also prints the DynamoDB
     * emulator's data directory size before and after the events were sent), and then {@code longRounds} rounds of one
     * event to each of {@code longAccounts} accounts with {@value DataStoreAccounting#LONG_EVENTS} events (loaded straight
     * into the events table and caught up before), each round applied before the next. The data store's write and read
     * units per event are printed per processor, for the new accounts and for the long ones.
     */
    public int run(int events, int clients, int accounts, int batch, java.nio.file.Path data, int longAccounts, int longRounds)
            throws Exception {
        LocalOptions options = data == null ? LocalOptions.inMemory() : LocalOptions.inMemory().withDataDir(data);
        DataStoreAccounting accounting = new DataStoreAccounting();
        try (LocalStack stack = LocalStack.start(accounting.counted(options))) {
            DataStoreAccounting.checkEveryProcessorFunctionCounted(stack);
            out.println("measuring the emulators' raw ceilings ...");
            RawCeilings raw = RawCeilings.measure(stack.emulators(), Duration.ofSeconds(5));
            out.printf(Locale.ROOT, "raw: kinesalite PutRecords %.0f records/s, dynalite BatchWriteItem %.0f items/s%n",
                    raw.kinesisPutRecordsPerSecond(), raw.dynamoDbBatchWriteItemsPerSecond());
            double bound = PumpWriteBound.measure(stack, Duration.ofSeconds(5));
            out.printf(Locale.ROOT, "bound: the pump's writes alone (claim, index entries not written yet, event) %.0f events/s%n", bound);

            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            ArrayNode open = JSON.createArrayNode();
            for (int i = 0; i < accounts; i++) {
                open.addObject().put("aggregateId", "bench-" + i).put("type", "AccountOpened")
                        .set("payload", JSON.createObjectNode().put("owner", "Owner " + i).put("currency", "EUR"));
            }
            for (int i = 0; i < accounts; i += 500) {
                ArrayNode part = JSON.createArrayNode();
                for (int j = i; j < Math.min(accounts, i + 500); j++) part.add(open.get(j));
                PlaybackApi.Answer a = api.postEvents(part);
                if (a.status() != 202) throw new IllegalStateException("could not open the bench accounts: " + a.status() + " " + a.body());
            }
            stack.awaitIdle(Duration.ofMinutes(10).plusMillis(10L * accounts));
            if (longAccounts > 0) {
                out.printf(Locale.ROOT, "loading %d accounts of %,d events straight into the events table and catching them up ...%n",
                        longAccounts, DataStoreAccounting.LONG_EVENTS);
                RebuildBenchmark.load(stack, longAccounts * DataStoreAccounting.LONG_EVENTS, longAccounts, Instant.parse("2025-01-01T00:00:00Z"),
                        DataStoreAccounting.LONG_PREFIX);
                postToLongAccounts(api, longAccounts);
                stack.awaitIdle(Duration.ofMinutes(10));
            }
            if (data != null) out.println(EmulatorFootprint.describe("before sending", stack.emulators().processes(), data));

            out.printf(Locale.ROOT, "sending %d events from %d clients in batches of %d over %d accounts ...%n", events, clients, batch, accounts);
            AtomicInteger next = new AtomicInteger();
            int total = events, size = batch, n = accounts;
            Map<String, Long> invocationsBefore = RebuildBenchmark.invocations(stack);
            double gbBefore = RebuildBenchmark.gbSeconds(stack);
            RebuildBenchmark.Meter.reset();
            RebuildBenchmark.Meter.learnIndexes(stack.dynamoDb(), tables(stack).keySet());
            RebuildBenchmark.Meter.enabled = true;
            accounting.tally.reset();
            Map<String, ProcessHandle> emulatorProcesses = new LinkedHashMap<>();
            List<ProcessHandle> handles = stack.emulators().processes();
            emulatorProcesses.put("node (dynalite+kinesalite)", handles.get(0));
            if (handles.size() > 1) emulatorProcesses.put("s3mock", handles.get(1));
            Map<KinesisEventSourceMapping, MappingStats.Stats> statsBefore = new LinkedHashMap<>();
            for (KinesisEventSourceMapping m : stack.mappings().mappings()) statsBefore.put(m, m.stats());
            CpuSplit cpu = CpuSplit.start(emulatorProcesses);
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                work.add(pool.submit(() -> {
                    while (true) {
                        int start = next.getAndAdd(size);
                        if (start >= total) return null;
                        ArrayNode body = JSON.createArrayNode();
                        for (int i = start; i < Math.min(total, start + size); i++) {
                            ObjectNode e = body.addObject();
                            e.put("aggregateId", "bench-" + (i % n)).put("type", "MoneyDeposited");
                            e.set("payload", JSON.createObjectNode().put("amount", (1 + i % 100) + ".25"));
                        }
                        PlaybackApi.Answer a = api.postEvents(body);
                        if (a.status() != 202) throw new IllegalStateException("POST /events answered " + a.status() + ": " + a.body());
                    }
                }));
            }
            for (Future<?> f : work) f.get();
            pool.shutdown();
            long tAccepted = System.nanoTime();
            // Stage by stage: the event stream's mappings first (then everything is in the events table and
            // on the feed), then the feed's.
            Map<KinesisEventSourceMapping, Long> doneAt = new LinkedHashMap<>();
            // at least 10 minutes, and 10 ms an event: a run of 200,000 events on a busy machine takes longer than 10
            Duration catchUp = Duration.ofMillis(Math.max(Duration.ofMinutes(10).toMillis(), 10L * events));
            String eventStream = stack.physicalName("EventStream");
            for (boolean feed : new boolean[] {false, true}) {
                for (KinesisEventSourceMapping m : stack.mappings().mappings()) {
                    if (m.event().streamName().equals(eventStream) == feed) continue;
                    if (!m.awaitIdle(catchUp)) throw new IllegalStateException(m.functionName() + " did not catch up within " + catchUp);
                    doneAt.put(m, System.nanoTime());
                }
            }
            stack.awaitIdle(catchUp);
            long tDone = System.nanoTime();
            String cpuSplit = cpu.since(events, "event");
            RebuildBenchmark.Meter.enabled = false;
            out.println(RebuildBenchmark.requestsPer(stack, total));
            Map<String, String> logical = RebuildBenchmark.logicalNames(stack);
            out.println(writeUnits(tables(stack), total));
            out.println(accounting.describe(DataStoreAccounting.NEW, total));
            long lambdaCalls = 0;
            for (var f : RebuildBenchmark.invocations(stack).entrySet()) lambdaCalls += f.getValue() - invocationsBefore.getOrDefault(f.getKey(), 0L);
            RebuildBenchmark.printPerMillion(out, RebuildBenchmark.Meter.counted(logical, 0, lambdaCalls, RebuildBenchmark.gbSeconds(stack) - gbBefore,
                    RebuildBenchmark.shards(stack, "EventStream") * ((tDone - t0) / 1e9) / 3600), events);
            for (var e : doneAt.entrySet()) {
                KinesisEventSourceMapping m = e.getKey();
                MappingStats.Stats before = statsBefore.get(m), after = m.stats();
                long invocations = after.invocations() - before.invocations();
                long records = after.recordsDelivered() - before.recordsDelivered();
                out.printf(Locale.ROOT, "stage %s (%s): done after %.2f s, %d invocations, %d records (%.1f per invocation)%n",
                        m.functionName(), logical.getOrDefault(m.event().streamName(), m.event().streamName()),
                        (e.getValue() - t0) / 1e9, invocations, records, invocations == 0 ? 0.0 : records / (double) invocations);
            }
            out.println("CPU: " + cpuSplit);
            if (data != null) out.println(EmulatorFootprint.describe("after sending", stack.emulators().processes(), data));
            double accepted = events / ((tAccepted - t0) / 1e9);
            double sustained = events / ((tDone - t0) / 1e9);
            double slowest = Math.min(raw.kinesisPutRecordsPerSecond(), raw.dynamoDbBatchWriteItemsPerSecond());
            long longSent = 0;
            if (longAccounts > 0 && longRounds > 0) {
                out.printf(Locale.ROOT, "sending %d rounds of one event to each of the %d accounts with %,d events, each round applied "
                        + "before the next ...%n", longRounds, longAccounts, DataStoreAccounting.LONG_EVENTS);
                accounting.tally.reset();
                for (int r = 0; r < longRounds; r++) {
                    postToLongAccounts(api, longAccounts);
                    stack.awaitIdle(Duration.ofMinutes(2));
                }
                longSent = (long) longAccounts * longRounds;
                out.println(accounting.describe(DataStoreAccounting.LONG, longSent));
            }
            long expected = events + accounts + (longAccounts == 0 ? 0 : longAccounts * (DataStoreAccounting.LONG_EVENTS + 1L) + longSent);
            LedgerFold.Result fold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
            List<String> diffs = LedgerFold.compare(fold, stack.dynamoDb(), stack.physicalName("DataTable"), "g0");
            out.printf(Locale.ROOT, "ingest: %d events accepted in %.2f s (%.0f events/s at the API)%n", events, (tAccepted - t0) / 1e9, accepted);
            out.printf(Locale.ROOT, "end to end: %.0f events/s sustained (all appended and projected after %.2f s)%n", sustained, (tDone - t0) / 1e9);
            out.printf(Locale.ROOT, "ratio to the slowest raw ceiling (%.0f/s): %.2f%n", slowest, sustained / slowest);
            out.printf(Locale.ROOT, "the pump's writes alone reach %.2f of that ceiling; end to end is %.2f of what they reach (goal >= 0.50)%n",
                    bound / slowest, sustained / bound);
            out.printf(Locale.ROOT, "check: %d events in the table (expected %d), violations %d, data store vs fold: %s%n",
                    fold.events(), expected, fold.violations().size(), diffs.isEmpty() ? "equal" : diffs.size() + " differences");
            return fold.events() == expected && diffs.isEmpty() && fold.violations().isEmpty() ? 0 : 1;
        }
    }

    /** One deposit to each long account, in one POST. */
    private static void postToLongAccounts(PlaybackApi api, int longAccounts) {
        ArrayNode body = JSON.createArrayNode();
        for (int i = 0; i < longAccounts; i++) {
            body.addObject().put("aggregateId", DataStoreAccounting.LONG_PREFIX + i).put("type", "MoneyDeposited")
                    .set("payload", JSON.createObjectNode().put("amount", "1.25"));
        }
        PlaybackApi.Answer a = api.postEvents(body);
        if (a.status() != 202) throw new IllegalStateException("POST /events to the long accounts answered " + a.status() + ": " + a.body());
    }

    /** The stack's DynamoDB tables: physical name → logical id. */
    private static Map<String, String> tables(LocalStack stack) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : APPEND_TABLES) out.put(stack.physicalName(id), id);
        out.put(stack.physicalName("DataTable"), "DataTable");
        return out;
    }

    /** The tables an append writes: the claims, the events (with any index of theirs) and the index table. */
    private static final List<String> APPEND_TABLES = List.of("EventIdsTable", "EventsTable", "EventIndexTable");

    /**
     * DynamoDB write units per event by table as AWS charges them ({@link RebuildBenchmark.Meter}), global secondary
     * indexes apart, and the append's sum (every table but the data store, which the projection writes).
     */
    static String writeUnits(Map<String, String> tables, long events) {
        StringBuilder lines = new StringBuilder();
        double append = 0, all = 0;
        for (var e : new java.util.TreeMap<>(RebuildBenchmark.Meter.writeUnitsByTable).entrySet()) {
            String[] named = e.getKey().split(" ", 2);
            String table = tables.get(named[0]);
            double perEvent = e.getValue().sum() / events;
            if (table == null) {
                lines.append(String.format(Locale.ROOT, "%n  %-40s %.3f (local only, not on AWS)", named[0], perEvent));
                continue;
            }
            all += perEvent;
            if (!"DataTable".equals(table)) append += perEvent;
            lines.append(String.format(Locale.ROOT, "%n  %-40s %.3f", table + (named.length > 1 ? " " + named[1] : ""), perEvent));
        }
        return String.format(Locale.ROOT, "DynamoDB write units per event (AWS's accounting): append %.3f (goal <= 2), all %.3f%s",
                append, all, lines);
    }
}

package dev.playback.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.check.LedgerFold;
import dev.onebox.emulators.RawCeilings;
import dev.onebox.lambda.LocalFunction;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.playback.model.event.EventEnvelope;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * {@code playback bench rebuild}: full-rebuild events/s on the local stack (events loaded straight into the
 * events table, then the RebuildStateMachine run to SUCCEEDED), the emulators' raw ceilings measured in the
 * same run, and what the design would cost per million events on AWS, derived from this run's counts:
 * state transitions (the executions' histories), Lambda invocations (the hosted functions' counters),
 * Kinesis PUT payload units (25 KB each, from the records' sizes) and DynamoDB read/write units (from the
 * items read and written, rounded as DynamoDB rounds: 4 KB per read unit, eventually consistent reads at
 * half, 1 KB per write unit), all metered by {@link Meter} on the SDK clients of this JVM.
 */
public final class RebuildBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    public RebuildBenchmark(PrintStream out) {
        this.out = out;
    }

    /** What one rebuild did, as measured. */
    public record Result(long events, double seconds, double eventsPerSecond, double slowestCeiling, long transitions,
                         long invocations, double kinesisUnits, double readUnits, double writeUnits, long executions,
                         String status, dev.playback.tools.plan.WorkCounts counted, long peakHeapBytes) {
        public double perMillion(double count) {
            return count * 1_000_000.0 / events;
        }
    }

    /** Runs the benchmark: {@code events} over {@code accounts} accounts, rebuilt with {@code segments} and {@code batchSize}. */
    public int run(int events, int segments, int batchSize, int accounts) throws Exception {
        return run(events, segments, batchSize, accounts, 0);
    }

    /**
     * The same, with {@code longAccounts} accounts of {@value DataStoreAccounting#LONG_EVENTS} events loaded besides; the
     * data store's write and read units per event rebuilt are printed per processor, for the accounts of {@code events}
     * and for the long ones.
     */
    public int run(int events, int segments, int batchSize, int accounts, int longAccounts) throws Exception {
        DataStoreAccounting accounting = new DataStoreAccounting();
        try (LocalStack stack = LocalStack.start(accounting.counted(LocalOptions.inMemory()))) {
            DataStoreAccounting.checkEveryProcessorFunctionCounted(stack);
            out.println("measuring the emulators' raw ceilings, empty ...");
            RawCeilings empty = RawCeilings.measure(stack.emulators(), Duration.ofSeconds(5));
            out.printf(Locale.ROOT, "raw, empty: kinesalite PutRecords %.0f records/s, dynalite BatchWriteItem %.0f items/s (load average %s)%n",
                    empty.kinesisPutRecordsPerSecond(), empty.dynamoDbBatchWriteItemsPerSecond(), loadAverage());
            out.printf(Locale.ROOT, "loading %,d events over %,d accounts straight into the events table ...%n", events, accounts);
            long tl = System.nanoTime();
            load(stack, events, accounts, Instant.parse("2026-01-01T00:00:00Z"));
            if (longAccounts > 0) {
                out.printf(Locale.ROOT, "loading %d accounts of %,d events ...%n", longAccounts, DataStoreAccounting.LONG_EVENTS);
                load(stack, longAccounts * DataStoreAccounting.LONG_EVENTS, longAccounts, Instant.parse("2025-01-01T00:00:00Z"),
                        DataStoreAccounting.LONG_PREFIX);
            }
            out.printf(Locale.ROOT, "loaded in %.1f s%n", (System.nanoTime() - tl) / 1e9);
            // again just before the rebuild: the same emulators, holding the same data, under the same load
            out.println("measuring the emulators' raw ceilings, loaded ...");
            RawCeilings raw = RawCeilings.measure(stack.emulators(), Duration.ofSeconds(5));
            out.printf(Locale.ROOT, "raw, loaded: kinesalite PutRecords %.0f records/s, dynalite BatchWriteItem %.0f items/s (load average %s)%n",
                    raw.kinesisPutRecordsPerSecond(), raw.dynamoDbBatchWriteItemsPerSecond(), loadAverage());
            accounting.tally.reset();
            // the ratio is to the slowest emulator at its best of the two measurements: the stricter figure
            double slowest = Math.min(Math.max(empty.kinesisPutRecordsPerSecond(), raw.kinesisPutRecordsPerSecond()),
                    Math.max(empty.dynamoDbBatchWriteItemsPerSecond(), raw.dynamoDbBatchWriteItemsPerSecond()));
            Result r = rebuild(stack, "bench-" + Long.toString(System.currentTimeMillis(), 36), segments, batchSize, events, slowest,
                    Duration.ofHours(1));
            print(r, out);
            out.println(requestsPer(stack, events));
            out.println(accounting.describe(DataStoreAccounting.NEW, events));
            if (longAccounts > 0) out.println(accounting.describe(DataStoreAccounting.LONG, (long) longAccounts * DataStoreAccounting.LONG_EVENTS));
            if (!"SUCCEEDED".equals(r.status())) return 1;
            LedgerFold.Result fold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
            List<String> diffs = LedgerFold.compare(fold, stack.dynamoDb(), stack.physicalName("DataTable"),
                    activeGeneration(stack, "balances"));
            out.println("check: rebuilt generation vs independent fold: " + (diffs.isEmpty() ? "equal" : diffs.size() + " differences"));
            return diffs.isEmpty() ? 0 : 1;
        }
    }

    /** The machine's load averages over 1, 5 and 15 minutes, as /proc/loadavg gives them ("unknown" elsewhere). */
    static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public static void print(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "rebuild: %,d events in %.1f s = %.0f events/s (%s, %d execution(s); load average after: %s)%n", r.events(),
                r.seconds(), r.eventsPerSecond(), r.status(), r.executions(), loadAverage());
        if (r.slowestCeiling() > 0) {
            out.printf(Locale.ROOT, "ratio to the slowest raw ceiling (%.0f/s, each emulator at its best): %.2f (goal >= 0.80)%n", r.slowestCeiling(),
                    r.eventsPerSecond() / r.slowestCeiling());
        }
        out.println("per million events on AWS (from this run's counts):");
        out.printf(Locale.ROOT, "  state transitions         %,12.0f   (1 per %.0f events; goal: 1 per >= 500)%n",
                r.perMillion(r.transitions()), r.transitions() == 0 ? 0.0 : (double) r.events() / r.transitions());
        out.printf(Locale.ROOT, "  Lambda invocations        %,12.0f%n", r.perMillion(r.invocations()));
        out.printf(Locale.ROOT, "  Kinesis PUT payload units %,12.0f   (25 KB each)%n", r.perMillion(r.kinesisUnits()));
        out.printf(Locale.ROOT, "  DynamoDB read units       %,12.0f%n", r.perMillion(r.readUnits()));
        out.printf(Locale.ROOT, "  DynamoDB write units      %,12.0f%n", r.perMillion(r.writeUnits()));
        printPerMillion(out, r.counted(), r.events());
        out.printf(Locale.ROOT, "JVM peak heap: %,d MB (the whole local stack runs in this JVM)%n", r.peakHeapBytes() / (1024 * 1024));
    }

    /**
     * The AWS requests {@link Meter} counted per event of {@code events}: by operation, then by operation and table or
     * stream (logical names); what the emulators serve, so where a run's time goes whatever the machine's load.
     */
    static String requestsPer(LocalStack stack, long events) {
        StringBuilder ops = new StringBuilder("AWS requests per event:");
        new java.util.TreeMap<>(Meter.byOperation).forEach((op, count) ->
                ops.append(String.format(Locale.ROOT, " %s %.3f", op, count.sum() / (double) events)));
        Map<String, String> logical = logicalNames(stack);
        StringBuilder targets = new StringBuilder("AWS requests per event by table/stream:");
        new java.util.TreeMap<>(Meter.byTarget).forEach((key, count) -> {
            String[] parts = key.split(" ", 2);
            StringBuilder names = new StringBuilder();
            for (String t : parts[1].split(",")) {
                String[] named = t.split(" ", 2);
                names.append(names.length() == 0 ? "" : "+").append(logical.getOrDefault(named[0], named[0]))
                        .append(named.length > 1 ? " " + named[1] : "");
            }
            targets.append(String.format(Locale.ROOT, "%n  %-16s %-40s %.3f", parts[0], names, count.sum() / (double) events));
        });
        return ops + System.lineSeparator() + targets;
    }

    /** The planner's breakdown of {@code counted} per million of {@code events}, priced at the shipped price list. */
    public static void printPerMillion(PrintStream out, dev.playback.tools.plan.WorkCounts counted, long events) {
        if (events == 0) return;
        out.println("cost per million events on AWS (this run's counts; shard hours at this run's duration):");
        dev.playback.tools.plan.CostBreakdown.of(counted.times(1_000_000.0 / events), dev.playback.tools.plan.PriceList.standard())
                .print(out, "  ");
    }

    /** The template's tables and streams by physical name: their logical ids. */
    static Map<String, String> logicalNames(LocalStack stack) {
        Map<String, String> logical = new HashMap<>();
        for (String id : stack.template().tables().keySet()) logical.put(stack.physicalName(id), id);
        for (String id : stack.template().streams().keySet()) logical.put(stack.physicalName(id), id);
        return logical;
    }

    /** The shards of a stream of the stack (logical id). */
    static int shards(LocalStack stack, String logicalId) {
        return stack.kinesis().describeStreamSummary(d -> d.streamName(stack.physicalName(logicalId))).streamDescriptionSummary().openShardCount();
    }

    /** Resets the heap pools' peak usage; {@link #peakHeap()} then tells the highest use since. */
    static void resetPeakHeap() {
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) pool.resetPeakUsage();
        }
    }

    /** The sum of the heap pools' peak usage (bytes) since {@link #resetPeakHeap()}. */
    static long peakHeap() {
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        return peak;
    }

    /** Writes {@code events} ledger events over {@code accounts} accounts into the events table, in the pump's layout. */
    public static void load(LocalStack stack, int events, int accounts, Instant start) throws Exception {
        load(stack, events, accounts, start, "bench-");
    }

    /** The same, the accounts named {@code prefix} and their number. */
    static void load(LocalStack stack, int events, int accounts, Instant start, String prefix) throws Exception {
        DynamoEventLog log = new DynamoEventLog(stack.dynamoDb(), stack.physicalName("EventsTable"),
                stack.physicalName("EventIdsTable"), new DynamoIndexWriter(stack.dynamoDb(), stack.physicalName("EventIndexTable"),
                IndexKeys.DEFAULT_BUCKETS), null);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int part = t;
                work.add(pool.submit(() -> {
                    List<EventEnvelope> batch = new ArrayList<>();
                    // accounts are split between threads: each writes whole streams (versions 1..n) of its accounts
                    long[] versions = new long[accounts];
                    for (int i = 0; i < events; i++) {
                        int account = i % accounts;
                        if (account % threads != part) continue;
                        long v = ++versions[account];
                        batch.add(event(prefix + account, v, start.plusMillis(i)));
                        if (batch.size() == 500) {
                            log.write(batch);
                            batch.clear();
                        }
                    }
                    if (!batch.isEmpty()) log.write(batch);
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    /** One ledger event of the benchmark's load: version 1 opens the account, then deposits and (every 4th) withdrawals. */
    public static EventEnvelope event(String account, long version, Instant at) {
        ObjectNode payload = JSON.createObjectNode();
        String type;
        if (version == 1) {
            type = "AccountOpened";
            payload.put("owner", "Owner " + account).put("currency", "EUR");
        } else if (version % 4 == 0) {
            type = "MoneyWithdrawn";
            payload.put("amount", (1 + version % 50) + ".10");
        } else {
            type = "MoneyDeposited";
            payload.put("amount", (1 + version % 100) + ".25");
        }
        return new EventEnvelope(account + "-" + version + "-" + Long.toHexString(at.toEpochMilli()), account, type, 1, version,
                null, at, at, payload, null, null);
    }

    /** Runs one rebuild to its end and measures it ({@code slowestCeiling} 0: not measured, no ratio printed). */
    public static Result rebuild(LocalStack stack, String replayId, int segments, int batchSize, long events, double slowestCeiling,
                                 Duration timeout) throws Exception {
        Map<String, Long> before = invocations(stack);
        double gbBefore = gbSeconds(stack);
        resetPeakHeap();
        Meter.reset();
        Meter.enabled = true;
        String machine = stack.workflows().stateMachineArn("RebuildStateMachine");
        var sfn = stack.workflows().stepFunctions();
        long t0 = System.nanoTime();
        ExecutionDescription d;
        try {
            ObjectNode input = JSON.createObjectNode().put("replayId", replayId).put("segments", segments).put("batchSize", batchSize);
            sfn.startExecution(machine, replayId, input.toString());
            d = awaitReplay(stack, machine, replayId, timeout);
        } finally {
            Meter.enabled = false;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long transitions = 0, executions = 0;
        for (ExecutionDescription e : sfn.listExecutions(machine, null)) {
            if (!e.input().contains("\"" + replayId + "\"")) continue;
            executions++;
            for (HistoryEvent h : sfn.getExecutionHistory(e.executionArn())) {
                if (h.type().endsWith("StateEntered")) transitions++;
            }
        }
        // the Distributed Map's children (one per segment and map run): their transitions are charged as well
        for (ExecutionDescription e : sfn.listExecutions(machine + "/PublishSegments", null)) {
            if (e.input() == null || !e.input().contains("\"" + replayId + "\"")) continue;
            for (HistoryEvent h : sfn.getExecutionHistory(e.executionArn())) {
                if (h.type().endsWith("StateEntered")) transitions++;
            }
        }
        Map<String, Long> after = invocations(stack);
        long invocations = 0;
        for (var e : after.entrySet()) invocations += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        var counted = Meter.counted(logicalNames(stack), transitions, invocations, gbSeconds(stack) - gbBefore,
                shards(stack, "PlaybackStream") * seconds / 3600);
        return new Result(events, seconds, events / seconds, slowestCeiling, transitions, invocations, Meter.kinesisUnits.sum(),
                Meter.readUnits.sum(), Meter.writeUnits.sum(), executions, d.status().name(), counted, peakHeap());
    }

    /** Waits until the replay's last execution (following continue-as-new) has ended; returns it. */
    public static ExecutionDescription awaitReplay(LocalStack stack, String machine, String replayId, Duration timeout) throws InterruptedException {
        var sfn = stack.workflows().stepFunctions();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ExecutionDescription last = null;
            boolean running = false;
            for (ExecutionDescription e : sfn.listExecutions(machine, null)) {
                if (!e.input().contains("\"" + replayId + "\"")) continue;
                if (e.status() == ExecutionStatus.RUNNING) running = true;
                if (last == null || e.startDate().isAfter(last.startDate())) last = e;
            }
            if (!running && last != null) {
                // a continued execution is started before its parent ends: none running = the chain has ended
                Thread.sleep(200);
                boolean again = false;
                for (ExecutionDescription e : sfn.listExecutions(machine, ExecutionStatus.RUNNING)) {
                    if (e.input().contains("\"" + replayId + "\"")) again = true;
                }
                if (!again) {
                    ExecutionDescription lastNow = last;
                    for (ExecutionDescription e : sfn.listExecutions(machine, null)) {
                        if (e.input().contains("\"" + replayId + "\"") && e.startDate().isAfter(lastNow.startDate())) lastNow = e;
                    }
                    return lastNow;
                }
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("replay " + replayId + " still running after " + timeout);
            Thread.sleep(250);
        }
    }

    /** The GB-seconds of every function of the stack so far (local wall time of each invocation, times its MemorySize). */
    static double gbSeconds(LocalStack stack) {
        double sum = 0;
        for (LocalFunction f : stack.functions().all().values()) sum += f.gbSeconds();
        return sum;
    }

    static Map<String, Long> invocations(LocalStack stack) {
        Map<String, Long> m = new HashMap<>();
        for (Map.Entry<String, LocalFunction> f : stack.functions().all().entrySet()) m.put(f.getKey(), f.getValue().invocations());
        return m;
    }

    /** The active generation of a processor, as the data store's readers see it. */
    public static String activeGeneration(LocalStack stack, String processor) {
        return new dev.playback.lambdas.aws.dynamodb.DynamoStateStore(stack.dynamoDb(), stack.physicalName("DataTable"))
                .activeGeneration(processor, dev.playback.model.ingest.Ingest.DEFAULT_GENERATION);
    }

    /**
     * Meters DynamoDB and Kinesis calls of every SDK client in this JVM (registered as a global interceptor), while
     * {@link #enabled}: DynamoDB units by item size (reads 4 KB, eventually consistent at half; writes 1 KB), Kinesis
     * PUT payload units by record size (25 KB). Write units as AWS charges them: a conditional write that fails is
     * charged too, and each put also writes every global secondary index whose keys the item has (its projection, by
     * size), learned with {@link #learnIndexes}; by table in {@link #writeUnitsByTable} (indexes as
     * {@code "<table> index <name>"}).
     */
    public static final class Meter implements ExecutionInterceptor {
        static volatile boolean enabled;
        static final DoubleAdder readUnits = new DoubleAdder();
        static final DoubleAdder writeUnits = new DoubleAdder();
        static final DoubleAdder kinesisUnits = new DoubleAdder();
        static final AtomicLong calls = new AtomicLong();
        /** Read units by table (physical name), Kinesis records, S3 requests: with {@link #writeUnitsByTable}, the breakdown's counts. */
        static final java.util.concurrent.ConcurrentHashMap<String, DoubleAdder> readUnitsByTable = new java.util.concurrent.ConcurrentHashMap<>();
        static final java.util.concurrent.atomic.LongAdder kinesisRecords = new java.util.concurrent.atomic.LongAdder();
        static final java.util.concurrent.atomic.LongAdder s3Puts = new java.util.concurrent.atomic.LongAdder();
        static final java.util.concurrent.atomic.LongAdder s3Gets = new java.util.concurrent.atomic.LongAdder();
        static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> byOperation =
                new java.util.concurrent.ConcurrentHashMap<>();
        /** Calls by operation and table or stream ({@code "PutItem <table>"}). */
        static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> byTarget =
                new java.util.concurrent.ConcurrentHashMap<>();
        /** Write units by table, and by global secondary index ({@code "<table> index <name>"}). */
        static final java.util.concurrent.ConcurrentHashMap<String, DoubleAdder> writeUnitsByTable = new java.util.concurrent.ConcurrentHashMap<>();
        /** The global secondary indexes of the tables learned, by table name. */
        private static final java.util.concurrent.ConcurrentHashMap<String, List<SecondaryIndex>> INDEXES = new java.util.concurrent.ConcurrentHashMap<>();

        /** A global secondary index as its writes are charged: its name, key attributes and projection. */
        record SecondaryIndex(String name, List<String> keys, boolean all, List<String> included) {
        }

        /** Reads the global secondary indexes of {@code tables} (and their key schemas), so puts are charged for them too. */
        static void learnIndexes(software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo, java.util.Collection<String> tables) {
            for (String table : tables) {
                var d = dynamo.describeTable(b -> b.tableName(table)).table();
                List<String> tableKeys = d.keySchema().stream().map(k -> k.attributeName()).toList();
                List<SecondaryIndex> indexes = new ArrayList<>();
                if (d.hasGlobalSecondaryIndexes()) {
                    for (var i : d.globalSecondaryIndexes()) {
                        List<String> keys = i.keySchema().stream().map(k -> k.attributeName()).toList();
                        List<String> included = new ArrayList<>(tableKeys);
                        if (i.projection().hasNonKeyAttributes()) included.addAll(i.projection().nonKeyAttributes());
                        indexes.add(new SecondaryIndex(i.indexName(), keys,
                                i.projection().projectionType() == software.amazon.awssdk.services.dynamodb.model.ProjectionType.ALL, included));
                    }
                }
                INDEXES.put(table, indexes);
            }
        }

        /** Write units of one put of {@code item} into {@code table}: the item's, then each index's that holds it. */
        static void chargePut(String table, Map<String, AttributeValue> item) {
            charge(table, Math.ceil(size(item) / 1024.0));
            for (SecondaryIndex i : INDEXES.getOrDefault(table, List.of())) {
                if (!item.keySet().containsAll(i.keys())) continue;
                long bytes = 0;
                for (var e : item.entrySet()) {
                    if (i.all() || i.keys().contains(e.getKey()) || i.included().contains(e.getKey())) bytes += e.getKey().length() + size(e.getValue());
                }
                charge(table + " index " + i.name(), Math.max(1, Math.ceil(bytes / 1024.0)));
            }
        }

        private static void charge(String table, double units) {
            writeUnits.add(units);
            writeUnitsByTable.computeIfAbsent(table, k -> new DoubleAdder()).add(units);
        }

        /** A conditional write whose condition failed is charged one write unit (by the item's size for a put). */
        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            if (!enabled || !(context.exception() instanceof software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException)) return;
            SdkRequest rq = context.request();
            if (rq instanceof PutItemRequest p) charge(p.tableName(), Math.ceil(size(p.item()) / 1024.0));
            else if (rq instanceof UpdateItemRequest u) charge(u.tableName(), 1);
            else if (rq instanceof DeleteItemRequest d) charge(d.tableName(), 1);
        }

        static void reset() {
            byOperation.clear();
            byTarget.clear();
            writeUnitsByTable.clear();
            readUnits.reset();
            writeUnits.reset();
            kinesisUnits.reset();
            calls.set(0);
            readUnitsByTable.clear();
            kinesisRecords.reset();
            s3Puts.reset();
            s3Gets.reset();
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (!enabled) return;
            calls.incrementAndGet();
            SdkRequest rq = context.request();
            String operation = rq.getClass().getSimpleName().replace("Request", "");
            byOperation.computeIfAbsent(operation, k -> new java.util.concurrent.atomic.LongAdder()).increment();
            byTarget.computeIfAbsent(operation + " " + target(rq), k -> new java.util.concurrent.atomic.LongAdder()).increment();
            SdkResponse rs = context.response();
            if (rq instanceof PutRecordsRequest p) {
                for (PutRecordsRequestEntry e : p.records()) kinesisUnits.add(units(e.data(), e.partitionKey()));
                kinesisRecords.add(p.records().size());
            } else if (rq instanceof PutRecordRequest p) {
                kinesisUnits.add(units(p.data(), p.partitionKey()));
                kinesisRecords.increment();
            } else if (rq instanceof BatchWriteItemRequest b) {
                var unprocessed = rs instanceof software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse r && r.hasUnprocessedItems()
                        ? r.unprocessedItems() : Map.<String, List<WriteRequest>>of();
                for (var writes : b.requestItems().entrySet()) {
                    List<WriteRequest> notDone = unprocessed.getOrDefault(writes.getKey(), List.of());
                    for (WriteRequest w : writes.getValue()) {
                        if (notDone.contains(w)) continue;
                        if (w.putRequest() != null) chargePut(writes.getKey(), w.putRequest().item());
                        else charge(writes.getKey(), 1);
                    }
                }
            } else if (rq instanceof PutItemRequest p) {
                chargePut(p.tableName(), p.item());
            } else if (rq instanceof UpdateItemRequest u) {
                charge(u.tableName(), 1);
            } else if (rq instanceof DeleteItemRequest d) {
                charge(d.tableName(), 1);
            } else if (rq instanceof GetItemRequest g && rs instanceof GetItemResponse r) {
                read(g.tableName(), read(r.hasItem() ? size(r.item()) : 0, Boolean.TRUE.equals(g.consistentRead())));
            } else if (rq instanceof ScanRequest s && rs instanceof ScanResponse r) {
                long bytes = 0;
                for (var item : r.items()) bytes += size(item);
                read(s.tableName(), read(bytes, Boolean.TRUE.equals(s.consistentRead())));
            } else if (rq instanceof QueryRequest q && rs instanceof QueryResponse r) {
                long bytes = 0;
                for (var item : r.items()) bytes += size(item);
                read(q.tableName(), read(bytes, Boolean.TRUE.equals(q.consistentRead())));
            } else if (rs instanceof BatchGetItemResponse r && rq instanceof software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest b) {
                // as AWS charges it: each key read, found or not (a missing item costs what an empty one would); keys
                // returned unprocessed are not read
                for (var asked : b.requestItems().entrySet()) {
                    boolean consistent = Boolean.TRUE.equals(asked.getValue().consistentRead());
                    List<Map<String, AttributeValue>> found = r.responses().getOrDefault(asked.getKey(), List.of());
                    var unprocessed = r.unprocessedKeys().get(asked.getKey());
                    int missing = asked.getValue().keys().size() - found.size() - (unprocessed == null ? 0 : unprocessed.keys().size());
                    for (var item : found) read(asked.getKey(), read(size(item), consistent));
                    for (int i = 0; i < missing; i++) read(asked.getKey(), read(0, consistent));
                }
            } else if (rq.getClass().getName().startsWith("software.amazon.awssdk.services.s3.")) {
                if (operation.startsWith("Get") || operation.startsWith("Head")) s3Gets.increment();
                else if (operation.startsWith("Put") || operation.startsWith("Copy") || operation.startsWith("List")
                        || operation.contains("Multipart") || operation.equals("UploadPart")) s3Puts.increment();
            }
        }

        /** Calls by operation and table or stream since {@link #reset()}. */
        public static Map<String, Long> callsByTarget() {
            Map<String, Long> out = new java.util.TreeMap<>();
            byTarget.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }

        private static void read(String table, double units) {
            readUnits.add(units);
            readUnitsByTable.computeIfAbsent(table, k -> new DoubleAdder()).add(units);
        }

        /**
         * What was metered since {@link #reset()}, with {@code transitions} and Lambda {@code invocations} counted by the
         * caller, tables named by their logical ids ({@code logical}: physical name to logical id; tables of the local runtime
         * itself, such as the event source mappings' checkpoints, are left out: on AWS the service keeps those),
         * {@code shardHours} of the playback or event stream for the run's duration, and Lambda {@code gbSeconds} as the
         * local functions measured them (wall time here: AWS's services answer faster than the emulators, and a loaded
         * machine stretches it; NaN when not measured).
         */
        public static dev.playback.tools.plan.WorkCounts counted(Map<String, String> logical, double transitions, double invocations,
                                                                  double gbSeconds, double shardHours) {
            return new dev.playback.tools.plan.WorkCounts(transitions, 0, 0, invocations, gbSeconds, "x86_64", kinesisRecords.sum(),
                    kinesisUnits.sum(), shardHours, byLogicalName(readUnitsByTable, logical), byLogicalName(writeUnitsByTable, logical),
                    s3Puts.sum(), s3Gets.sum());
        }

        private static Map<String, Double> byLogicalName(Map<String, DoubleAdder> units, Map<String, String> logical) {
            Map<String, Double> out = new java.util.TreeMap<>();
            units.forEach((key, u) -> {
                // "<table>" or "<table> index <name>" (a global secondary index's writes)
                int index = key.indexOf(" index ");
                String table = index < 0 ? key : key.substring(0, index);
                if (logical.containsKey(table)) out.merge(logical.get(table) + (index < 0 ? "" : key.substring(index)), u.sum(), Double::sum);
            });
            return out;
        }

        /** The table(s) or stream a request is about. */
        private static String target(SdkRequest rq) {
            if (rq instanceof BatchWriteItemRequest b) return String.join(",", new java.util.TreeSet<>(b.requestItems().keySet()));
            if (rq instanceof software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest b) {
                return String.join(",", new java.util.TreeSet<>(b.requestItems().keySet()));
            }
            if (rq instanceof QueryRequest q && Boolean.FALSE.equals(q.scanIndexForward())) return q.tableName() + " (newest first)";
            return rq.getValueForField("TableName", String.class)
                    .or(() -> rq.getValueForField("StreamName", String.class))
                    .orElse("-");
        }

        private static double units(SdkBytes data, String key) {
            long bytes = (data == null ? 0 : data.asByteArray().length) + (key == null ? 0 : key.length());
            return Math.max(1, Math.ceil(bytes / 25_600.0));
        }

        private static double read(long bytes, boolean consistent) {
            double u = Math.max(1, Math.ceil(bytes / 4096.0));
            return consistent ? u : u / 2;
        }

        /** An item's size as DynamoDB bills it (attribute names and values). */
        public static long size(Map<String, AttributeValue> item) {
            return dev.playback.lambdas.aws.dynamodb.ItemSize.of(item);
        }

        static long size(AttributeValue v) {
            return dev.playback.lambdas.aws.dynamodb.ItemSize.of(v);
        }
    }
}

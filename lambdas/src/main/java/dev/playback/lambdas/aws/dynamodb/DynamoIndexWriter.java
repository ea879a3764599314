package dev.playback.lambdas.aws.dynamodb;

import dev.playback.lambdas.aws.dynamodb.IndexKeys.DaySpan;
import dev.playback.lambdas.config.Environment;
import dev.playback.model.batch.PerAggregate;
import dev.playback.model.event.EventEnvelope;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

import static dev.playback.lambdas.aws.dynamodb.EventItems.n;
import static dev.playback.lambdas.aws.dynamodb.EventItems.s;

/**
 * Writes the event index table's entries ({@link IndexKeys}) for events about to be written, before them: a crash
 * in between leaves at most an entry too many, never one missing. Each entry is written once per container: what
 * was written is remembered (only after the write succeeded; per DynamoDB client and index table, so for as long as the
 * container's client lives, and an emulator started anew with a table of the same name is not taken for the old one;
 * the oldest forgotten past {@link #REMEMBERED} entries), and a day entry is widened (its types added, its hours moved
 * out, with conditional updates) only when an event falls outside what was written. So for many events per aggregate
 * and day, index writes per event tend to 0.
 */
public final class DynamoIndexWriter {
    /** Entries remembered per index table in one container. */
    static final int REMEMBERED = 500_000;
    private static final int MAX_UNPROCESSED_ROUNDS = 50;
    private static final ExecutorService WRITERS = PerAggregate.workers("index-table-writer", 16);
    /** Per client, then per index table: entries written (key → its day span, or {@link #PLAIN}), and the bucket count recorded. */
    private static final Map<DynamoDbClient, Memory> MEMORY = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private record Memory(Map<String, Map<String, DaySpan>> written, Map<String, Integer> buckets) {
    }
    private static final DaySpan PLAIN = new DaySpan(new TreeSet<>(), "", "");

    private final DynamoDbClient dynamo;
    private final String table;
    private final int buckets;

    public DynamoIndexWriter(DynamoDbClient dynamo, String table, int buckets) {
        if (buckets < 1) throw new IllegalArgumentException("the index table " + table + " needs at least 1 bucket, not " + buckets);
        this.dynamo = dynamo;
        this.table = table;
        this.buckets = buckets;
    }

    /**
     * The writer a function's environment names: {@code EVENT_INDEX_TABLE}, and {@code EVENT_INDEX_BUCKETS} (default
     * {@value IndexKeys#DEFAULT_BUCKETS}).
     */
    public static DynamoIndexWriter from(Environment env, DynamoDbClient dynamo) {
        String table = env.optional("EVENT_INDEX_TABLE")
                .orElseThrow(() -> new IllegalStateException("missing environment variable EVENT_INDEX_TABLE (the event index table)"));
        int buckets = env.optional("EVENT_INDEX_BUCKETS").map(text -> {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("EVENT_INDEX_BUCKETS must be a whole number of at least 1; got '" + text + "'", e);
            }
        }).orElse(IndexKeys.DEFAULT_BUCKETS);
        return new DynamoIndexWriter(dynamo, table, buckets);
    }

    public String table() {
        return table;
    }

    /** Writes the entries that describe {@code events} and are not known to be written yet. */
    public void record(Collection<EventEnvelope> events) {
        recordDescribed(events.stream().map(IndexKeys.Described::of).toList());
    }

    void recordDescribed(Collection<IndexKeys.Described> events) {
        if (events.isEmpty()) return;
        recordBuckets();
        Map<String, DaySpan> written = written();
        List<String> plain = new ArrayList<>();
        Map<String, DaySpan> days = new LinkedHashMap<>();
        IndexKeys.entriesOf(events, buckets).forEach((key, span) -> {
            DaySpan known = written.get(key);
            if (span == null) {
                if (known == null) plain.add(key);
            } else if (known == null || !known.covers(span)) {
                days.put(key, known == null ? span : known.union(span));
            }
        });
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int i = 0; i < plain.size(); i += 25) {
            List<String> chunk = plain.subList(i, Math.min(plain.size(), i + 25));
            work.add(CompletableFuture.runAsync(() -> put(chunk, written), WRITERS));
        }
        days.forEach((key, span) -> work.add(CompletableFuture.runAsync(() -> widen(key, span, written), WRITERS)));
        try {
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private Memory memory() {
        return MEMORY.computeIfAbsent(dynamo, c -> new Memory(new ConcurrentHashMap<>(), new ConcurrentHashMap<>()));
    }

    private Map<String, DaySpan> written() {
        return memory().written().computeIfAbsent(table, t -> java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DaySpan> eldest) {
                return size() > REMEMBERED;
            }
        }));
    }

    /** Records the number of buckets once per container; refuses a table that records another number. */
    private void recordBuckets() {
        if (Integer.valueOf(buckets).equals(memory().buckets().get(table))) return;
        try {
            dynamo.putItem(p -> p.tableName(table).item(Map.of("p", s(IndexKeys.META), "k", s(IndexKeys.BUCKETS), "n", n(buckets)))
                    .conditionExpression("attribute_not_exists(p) OR n = :n").expressionAttributeValues(Map.of(":n", n(buckets))));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("the index table " + table + " was written with another number of buckets than "
                    + buckets + " (EVENT_INDEX_BUCKETS); keep its number, or write the index anew into an empty table", e);
        }
        memory().buckets().put(table, buckets);
    }

    private static Map<String, AttributeValue> item(String key) {
        int cut = key.indexOf('\n');
        return Map.of("p", s(key.substring(0, cut)), "k", s(key.substring(cut + 1)));
    }

    /** Puts up to 25 plain entries (they carry nothing but their key: putting one again changes nothing). */
    private void put(List<String> keys, Map<String, DaySpan> written) {
        List<WriteRequest> writes = new ArrayList<>();
        for (String key : keys) writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(key)).build()).build());
        Map<String, List<WriteRequest>> request = Map.of(table, writes);
        for (int round = 0; ; round++) {
            if (round > MAX_UNPROCESSED_ROUNDS) throw new IllegalStateException("BatchWriteItem on " + table + " kept returning unprocessed items");
            if (round > 0) DynamoEventLog.backoff(round);
            Map<String, List<WriteRequest>> send = request;
            BatchWriteItemResponse r = dynamo.batchWriteItem(b -> b.requestItems(send));
            if (!r.hasUnprocessedItems() || r.unprocessedItems().isEmpty()) break;
            request = r.unprocessedItems();
        }
        for (String key : keys) written.put(key, PLAIN);
    }

    /**
     * Adds the span's types and sets its hours where the entry has none; then moves the stored hours out where the
     * span's reach further, each only while the stored value is narrower (another writer may have widened it).
     */
    private void widen(String key, DaySpan span, Map<String, DaySpan> written) {
        Map<String, AttributeValue> item = item(key);
        UpdateItemResponse r = dynamo.updateItem(u -> u.tableName(table).key(item)
                .updateExpression("ADD #types :types SET #first = if_not_exists(#first, :first), #last = if_not_exists(#last, :last)")
                .expressionAttributeNames(Map.of("#types", "types", "#first", "firstHour", "#last", "lastHour"))
                .expressionAttributeValues(Map.of(":types", AttributeValue.builder().ss(span.types()).build(),
                        ":first", s(span.firstHour()), ":last", s(span.lastHour())))
                .returnValues(ReturnValue.ALL_NEW));
        String first = r.attributes().get("firstHour").s();
        String last = r.attributes().get("lastHour").s();
        if (first.compareTo(span.firstHour()) > 0) move(item, "firstHour", ">", span.firstHour());
        if (last.compareTo(span.lastHour()) < 0) move(item, "lastHour", "<", span.lastHour());
        written.put(key, new DaySpan(new TreeSet<>(r.attributes().get("types").ss()), DaySpan.min(first, span.firstHour()),
                DaySpan.max(last, span.lastHour())));
    }

    private void move(Map<String, AttributeValue> key, String attribute, String narrower, String value) {
        try {
            dynamo.updateItem(u -> u.tableName(table).key(key).updateExpression("SET #a = :v")
                    .conditionExpression("#a " + narrower + " :v").expressionAttributeNames(Map.of("#a", attribute))
                    .expressionAttributeValues(Map.of(":v", s(value))));
        } catch (ConditionalCheckFailedException widerAlready) {
            // another writer moved it at least as far: what this span says is written
        }
    }
}

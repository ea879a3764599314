package dev.playback.lambdas.aws.dynamodb;

import dev.playback.lambdas.config.Environment;
import dev.playback.model.batch.PerAggregate;
import dev.playback.model.event.EventEnvelope;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
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
import java.util.Set;
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
 * the oldest forgotten past {@link #REMEMBERED} entries). A day entry carries only its types, so it is written when
 * new and again only when an event of a type it lacks falls on that day ({@code ADD types}: one update, never a
 * second). An entry it does not know, or knows without some type, is read first (half a read unit) and written only
 * when missing or lacking a type the events need, so a new container, or one whose memory another container's writes
 * made stale, costs reads, not writes. So for many events per aggregate and day, index writes per event tend to 0,
 * whatever the hours the events fall in.
 */
public final class DynamoIndexWriter {
    /** Entries remembered per index table in one container. */
    static final int REMEMBERED = 500_000;
    private static final int MAX_UNPROCESSED_ROUNDS = 50;
    private static final ExecutorService WRITERS = PerAggregate.workers("index-table-writer", 16);
    /** Per client, then per index table: entries written (key → a day entry's types, or {@link #PLAIN}), and the bucket count recorded. */
    private static final Map<DynamoDbClient, Memory> MEMORY = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private record Memory(Map<String, Map<String, Set<String>>> written, Map<String, Integer> buckets) {
    }
    private static final Set<String> PLAIN = Set.of();

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
        Map<String, Set<String>> written = written();
        Map<String, TreeSet<String>> entries = IndexKeys.entriesOf(events, buckets);
        // What this container does not know, or knows without a type these events need: another container may have
        // written it or added the type since.
        learn(entries.entrySet().stream().filter(e -> !covered(written.get(e.getKey()), e.getValue())).map(Map.Entry::getKey).toList(),
                written);
        List<String> plain = new ArrayList<>();
        Map<String, TreeSet<String>> days = new LinkedHashMap<>();
        entries.forEach((key, types) -> {
            if (!covered(written.get(key), types)) {
                if (types == null) plain.add(key);
                else days.put(key, types);
            }
        });
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int i = 0; i < plain.size(); i += 25) {
            List<String> chunk = plain.subList(i, Math.min(plain.size(), i + 25));
            work.add(CompletableFuture.runAsync(() -> put(chunk, written), WRITERS));
        }
        days.forEach((key, types) -> work.add(CompletableFuture.runAsync(() -> addTypes(key, types, written), WRITERS)));
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

    private Map<String, Set<String>> written() {
        return memory().written().computeIfAbsent(table, t -> java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
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

    /** Whether an entry known to be written (null: not known) says all that is needed: a plain entry (null) or these types. */
    private static boolean covered(Set<String> known, Set<String> needed) {
        return known != null && (needed == null || known.containsAll(needed));
    }

    /**
     * Reads the entries this container does not know yet, or knows without a needed type (BatchGetItem, eventually
     * consistent: half a read unit per entry, where writing it again would cost a write unit), and remembers those that
     * exist. A stale read can only show an entry with fewer types than it has (types are never removed), which at worst
     * adds a type again.
     */
    private void learn(List<String> unknown, Map<String, Set<String>> written) {
        for (int i = 0; i < unknown.size(); i += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String key : unknown.subList(i, Math.min(unknown.size(), i + 100))) keys.add(item(key));
            Map<String, KeysAndAttributes> request = new java.util.HashMap<>(Map.of(table, KeysAndAttributes.builder().keys(keys).build()));
            for (int round = 0; ; round++) {
                if (round > MAX_UNPROCESSED_ROUNDS) throw new IllegalStateException("BatchGetItem on " + table + " kept returning unprocessed keys");
                if (round > 0) DynamoEventLog.backoff(round);
                BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(request));
                for (Map<String, AttributeValue> found : r.responses().getOrDefault(table, List.of())) {
                    String key = IndexKeys.key(found.get("p").s(), found.get("k").s());
                    if (!found.containsKey("types")) {
                        written.put(key, PLAIN);
                        continue;
                    }
                    // both what was read and what this container wrote are in the table (types are never removed)
                    written.merge(key, Set.copyOf(found.get("types").ss()), DynamoIndexWriter::union);
                }
                if (r.unprocessedKeys() == null || r.unprocessedKeys().isEmpty()) break;
                request.clear();
                request.putAll(r.unprocessedKeys());
            }
        }
    }

    private static Map<String, AttributeValue> item(String key) {
        int cut = key.indexOf('\n');
        return Map.of("p", s(key.substring(0, cut)), "k", s(key.substring(cut + 1)));
    }

    /** Puts up to 25 plain entries (they carry nothing but their key: putting one again changes nothing). */
    private void put(List<String> keys, Map<String, Set<String>> written) {
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
     * Adds the types to a day entry, creating it when missing: {@code ADD} to a string set, so two writers adding types
     * at once both keep theirs (a blind put could drop the other's).
     */
    private void addTypes(String key, Set<String> types, Map<String, Set<String>> written) {
        UpdateItemResponse r = dynamo.updateItem(u -> u.tableName(table).key(item(key))
                .updateExpression("ADD #types :types").expressionAttributeNames(Map.of("#types", "types"))
                .expressionAttributeValues(Map.of(":types", AttributeValue.builder().ss(types).build()))
                .returnValues(ReturnValue.UPDATED_NEW));
        written.merge(key, Set.copyOf(r.attributes().get("types").ss()), DynamoIndexWriter::union);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (a.containsAll(b)) return a;
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}

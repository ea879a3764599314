package dev.playback.lambdas.aws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.EventIndex;
import dev.playback.model.replay.EventPage;
import dev.playback.model.replay.EventPages;
import dev.playback.model.replay.TimeField;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import dev.playback.model.batch.PerAggregate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.playback.lambdas.aws.dynamodb.EventItems.n;
import static dev.playback.lambdas.aws.dynamodb.EventItems.s;
import static dev.playback.lambdas.aws.dynamodb.EventItems.text;

/**
 * Reading the events for replays: parallel Scan segments of the events table (consistent reads; payloads kept aside
 * stay references), and the aggregates by type, time window or in all from the event index table ({@link IndexKeys},
 * written by the pump before the events): one Query per bucket of each type or day.
 */
public final class DynamoEventIndex implements EventPages, EventIndex {
    /** A time window spans at most this many days (10 years). */
    public static final int MAX_DAYS = 3660;
    private static final ExecutorService READERS = PerAggregate.workers("index-table-reader", 8);
    /** Events read per page when reading an aggregate's events newest first, which usually stops within the first page. */
    private static final int NEWEST_FIRST_PAGE = 100;

    private final DynamoDbClient dynamo;
    private final String eventsTable;
    private final String indexTable;

    public DynamoEventIndex(DynamoDbClient dynamo, String eventsTable, String indexTable) {
        this.dynamo = dynamo;
        this.eventsTable = eventsTable;
        this.indexTable = indexTable;
    }

    @Override
    public EventPage page(int segment, int totalSegments, String lastKey, int limit) {
        Map<String, AttributeValue> start = lastKey == null ? null : key(lastKey);
        var r = dynamo.scan(q -> q.tableName(eventsTable).segment(segment).totalSegments(totalSegments)
                .consistentRead(true).limit(limit).exclusiveStartKey(start));
        List<EventEnvelope> events = new ArrayList<>(r.items().size());
        for (Map<String, AttributeValue> item : r.items()) events.add(EventItems.fromItem(item));
        String next = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? keyJson(r.lastEvaluatedKey()) : null;
        return new EventPage(events, next);
    }

    static String keyJson(Map<String, AttributeValue> key) {
        ObjectNode n = EventCodec.JSON.createObjectNode();
        n.put("aggregateId", text(key, "aggregateId"));
        n.put("version", Long.parseLong(key.get("version").n()));
        return n.toString();
    }

    static Map<String, AttributeValue> key(String json) {
        try {
            JsonNode n = EventCodec.JSON.readTree(json);
            if (!n.hasNonNull("aggregateId") || !n.hasNonNull("version")) throw new IllegalArgumentException("scan key needs aggregateId and version: " + json);
            return Map.of("aggregateId", s(n.get("aggregateId").asText()), "version", n(n.get("version").asLong()));
        } catch (IOException e) {
            throw new UncheckedIOException("scan key is not JSON: " + json, e);
        }
    }

    @Override
    public Set<String> withTypes(Collection<String> types) {
        int buckets = buckets();
        List<QueryRequest> queries = new ArrayList<>();
        for (String type : new TreeSet<>(types)) {
            for (int b = 0; b < buckets; b++) queries.add(entries(IndexKeys.type(type, b)).projectionExpression("k").build());
        }
        Set<String> out = new TreeSet<>();
        for (List<Map<String, AttributeValue>> items : queryAll(queries)) {
            for (Map<String, AttributeValue> item : items) out.add(text(item, "k"));
        }
        return out;
    }

    /**
     * The day entries of every bucket of every day the window touches. An entry with one of the types on a day wholly
     * inside [since, until) names an aggregate in scope; one on a day only partly inside (the first day when
     * {@code since} is not midnight UTC, the last when {@code until} is not) is verified against the aggregate's events
     * (a Query of its partition), unless a day wholly inside named it already, so no aggregate outside the scope is
     * returned.
     */
    @Override
    public Set<String> inWindow(TimeField field, Instant since, Instant until, Collection<String> types) {
        if (!since.isBefore(until)) return Set.of();
        LocalDate first = LocalDate.ofInstant(since, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(until.minusNanos(1), ZoneOffset.UTC);
        if (ChronoUnit.DAYS.between(first, last) > MAX_DAYS) {
            throw new IllegalArgumentException("time window " + since + " .. " + until + " spans more than " + MAX_DAYS + " days");
        }
        int buckets = buckets();
        List<QueryRequest> queries = new ArrayList<>();
        List<Boolean> whole = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            boolean inside = !start.isBefore(since) && !start.plus(1, ChronoUnit.DAYS).isAfter(until);
            for (int b = 0; b < buckets; b++) {
                queries.add(entries(IndexKeys.day(field, day.toString(), b)).projectionExpression("k, #types")
                        .expressionAttributeNames(Map.of("#types", "types")).build());
                whole.add(inside);
            }
        }
        Set<String> out = new TreeSet<>();
        Set<String> uncertain = new TreeSet<>();
        List<List<Map<String, AttributeValue>>> found = queryAll(queries);
        for (int q = 0; q < found.size(); q++) {
            for (Map<String, AttributeValue> item : found.get(q)) {
                List<String> entryTypes = item.containsKey("types") ? item.get("types").ss() : List.of();
                if (!types.isEmpty() && entryTypes.stream().noneMatch(types::contains)) continue;
                (whole.get(q) ? out : uncertain).add(text(item, "k"));
            }
        }
        uncertain.removeAll(out);
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        List<String> checked = new ArrayList<>(uncertain);
        for (String aggregate : checked) {
            checks.add(CompletableFuture.supplyAsync(() -> hasEventIn(aggregate, field, since, until, types), READERS));
        }
        for (int a = 0; a < checked.size(); a++) {
            if (join(checks.get(a))) out.add(checked.get(a));
        }
        return out;
    }

    /**
     * Whether the aggregate has an event whose {@code field} lies in [since, until), of one of {@code types} unless
     * empty; it stops at the first such event. For the recorded time it reads the events newest first, in small pages,
     * where a recent window finds its event soonest. It reads on past an event recorded before {@code since}: the
     * version order is the order of arrival on the stream, not of {@code recordedAt} (set when the API received the
     * event), and the events table holds whatever times were written, so an older version may still lie in the window.
     */
    private boolean hasEventIn(String aggregate, TimeField field, Instant since, Instant until, Collection<String> types) {
        boolean newestFirst = field == TimeField.RECORDED_AT;
        String attribute = newestFirst ? "recordedAt" : "occurredAt";
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse r = dynamo.query(q -> q.tableName(eventsTable).keyConditionExpression("aggregateId = :a")
                    .expressionAttributeValues(Map.of(":a", s(aggregate))).expressionAttributeNames(Map.of("#t", "type", "#at", attribute))
                    .projectionExpression("#t, #at").consistentRead(true).scanIndexForward(!newestFirst)
                    .limit(newestFirst ? NEWEST_FIRST_PAGE : null).exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> item : r.items()) {
                String at = text(item, attribute);
                if (at == null) continue;
                Instant t = Instant.parse(at);
                if (!types.isEmpty() && !types.contains(text(item, "type"))) continue;
                if (!t.isBefore(since) && t.isBefore(until)) return true;
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return false;
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** Counts the {@code a#<bucket>} entries of every bucket (Select COUNT): the index table only, never the events table. */
    @Override
    public long aggregateCount() {
        int buckets = buckets();
        long count = 0;
        for (int b = 0; b < buckets; b++) {
            QueryRequest request = entries(IndexKeys.aggregate(b)).select(Select.COUNT).build();
            Map<String, AttributeValue> start = null;
            do {
                QueryResponse r = dynamo.query(request.toBuilder().exclusiveStartKey(start).build());
                count += r.count();
                start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            } while (start != null);
        }
        return count;
    }

    /** Every aggregate with at least one event, from the {@code a#<bucket>} entries: the index table only, never the events table. */
    public Set<String> allAggregates() {
        int buckets = buckets();
        List<QueryRequest> queries = new ArrayList<>();
        for (int b = 0; b < buckets; b++) queries.add(entries(IndexKeys.aggregate(b)).projectionExpression("k").build());
        Set<String> out = new TreeSet<>();
        for (List<Map<String, AttributeValue>> items : queryAll(queries)) {
            for (Map<String, AttributeValue> item : items) out.add(text(item, "k"));
        }
        return out;
    }

    /**
     * The number of buckets the index table records; 0 while it records none (nothing was indexed yet, so every
     * query finds nothing).
     */
    private int buckets() {
        var r = dynamo.getItem(g -> g.tableName(indexTable).consistentRead(true)
                .key(Map.of("p", s(IndexKeys.META), "k", s(IndexKeys.BUCKETS))));
        return r.hasItem() && r.item().containsKey("n") ? Integer.parseInt(r.item().get("n").n()) : 0;
    }

    private QueryRequest.Builder entries(String partition) {
        return QueryRequest.builder().tableName(indexTable).keyConditionExpression("p = :p")
                .expressionAttributeValues(Map.of(":p", s(partition)));
    }

    /** Runs the queries, a few at a time, each through all its pages; their items in the order of the queries. */
    private List<List<Map<String, AttributeValue>>> queryAll(List<QueryRequest> queries) {
        List<CompletableFuture<List<Map<String, AttributeValue>>>> pages = new ArrayList<>();
        for (QueryRequest q : queries) pages.add(CompletableFuture.supplyAsync(() -> query(q), READERS));
        join(CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new)));
        return pages.stream().map(CompletableFuture::join).toList();
    }

    private List<Map<String, AttributeValue>> query(QueryRequest request) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse r = dynamo.query(request.toBuilder().exclusiveStartKey(start).build());
            out.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }
}

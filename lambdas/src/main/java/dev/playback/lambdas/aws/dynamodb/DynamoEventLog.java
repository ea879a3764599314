package dev.playback.lambdas.aws.dynamodb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.batch.PerAggregate;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.PayloadStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.playback.lambdas.aws.dynamodb.EventItems.n;
import static dev.playback.lambdas.aws.dynamodb.EventItems.s;
import static dev.playback.lambdas.aws.dynamodb.EventItems.text;

/**
 * The events table and the event-id table on DynamoDB. The event-id table holds one item per event id:
 * its claim (aggregate, version, content hash) or its rejection, and the conflicts recorded for it (a string set).
 * Statuses of new ids are put one by one with {@code attribute_not_exists(eventId)}; events are put one by one with
 * {@code attribute_not_exists(version)}, in version order per aggregate, so no version is written twice.
 */
public final class DynamoEventLog implements EventLog, EventStore {
    private static final int MAX_UNPROCESSED_ROUNDS = 50;
    private static final java.util.concurrent.ExecutorService WRITERS = PerAggregate.workers("events-table-writer", 32);

    private final DynamoDbClient dynamo;
    private final String eventsTable;
    private final String eventIdsTable;
    private final PayloadStore payloads;
    /** Writes the index entries of events before them; null in a log that only reads. */
    private final DynamoIndexWriter index;
    /**
     * Latest versions this container saw, per events table and aggregate: hints, checked before use
     * ({@link #latestVersions}), shared by the handler instances of a JVM (the local runtime hosts several).
     */
    private static final Map<String, Map<String, Long>> LATEST_SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    /** A log that reads (events, statuses, versions) and records statuses, but refuses to {@link #write} events. */
    public DynamoEventLog(DynamoDbClient dynamo, String eventsTable, String eventIdsTable, PayloadStore payloads) {
        this(dynamo, eventsTable, eventIdsTable, null, payloads);
    }

    /** The pump's log: {@code index} writes the index entries of events before the events. */
    public DynamoEventLog(DynamoDbClient dynamo, String eventsTable, String eventIdsTable, DynamoIndexWriter index, PayloadStore payloads) {
        this.dynamo = dynamo;
        this.eventsTable = eventsTable;
        this.eventIdsTable = eventIdsTable;
        this.index = index;
        this.payloads = payloads;
    }

    @Override
    public Map<String, EventStatus> statuses(Collection<String> eventIds) {
        Map<String, EventStatus> out = new HashMap<>();
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(eventIds));
        for (int i = 0; i < ids.size(); i += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : ids.subList(i, Math.min(ids.size(), i + 100))) keys.add(Map.of("eventId", s(id)));
            Map<String, KeysAndAttributes> request = new HashMap<>(Map.of(eventIdsTable,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build()));
            for (int round = 0; ; round++) {
                if (round > MAX_UNPROCESSED_ROUNDS) throw new IllegalStateException("BatchGetItem on " + eventIdsTable + " kept returning unprocessed keys");
                if (round > 0) backoff(round);
                BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(request));
                for (Map<String, AttributeValue> item : r.responses().getOrDefault(eventIdsTable, List.of())) {
                    EventStatus st = toStatus(item);
                    out.put(st.eventId(), st);
                }
                Map<String, KeysAndAttributes> unprocessed = r.unprocessedKeys();
                if (unprocessed == null || unprocessed.isEmpty()) break;
                request.clear();
                request.putAll(unprocessed);
            }
        }
        return out;
    }

    private static EventStatus toStatus(Map<String, AttributeValue> item) {
        String id = text(item, "eventId");
        String aggregateId = text(item, "aggregateId");
        Instant at = Instant.parse(text(item, "at"));
        String hash = text(item, "hash");
        List<String> conflicts = item.containsKey("conflicts") && item.get("conflicts").hasSs()
                ? item.get("conflicts").ss().stream().sorted().toList() : List.of();
        if ("rejected".equals(text(item, "status"))) return new EventStatus.Rejected(id, aggregateId, text(item, "reason"), at, hash, conflicts);
        return new EventStatus.Claimed(id, aggregateId, Long.parseLong(item.get("version").n()), at, hash, conflicts);
    }

    /**
     * Latest versions, from the versions this container saw ({@link #LATEST_SEEN}) checked in bulk: versions are
     * contiguous from 1, so when the event at the remembered version exists and none at the next one, the
     * remembered version is the latest. Checking both (not only the next) keeps a remembered version that is
     * too high (a table that was deleted and created again) from being taken. Others are queried.
     */
    @Override
    public Map<String, Long> latestVersions(Collection<String> aggregateIds) {
        Map<String, Long> known = LATEST_SEEN.computeIfAbsent(eventsTable, t -> new java.util.concurrent.ConcurrentHashMap<>());
        Map<String, Long> out = new HashMap<>();
        List<String> check = new ArrayList<>();
        Map<String, Long> hints = new HashMap<>();
        for (String id : aggregateIds) {
            Long hint = known.get(id);
            if (hint != null) {
                check.add(id);
                hints.put(id, hint);
            }
        }
        Set<String> found = new java.util.HashSet<>(); // "aggregateId#version" of the events that exist
        for (int i = 0; i < check.size(); i += 50) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : check.subList(i, Math.min(check.size(), i + 50))) {
                long hint = hints.get(id);
                if (hint > 0) keys.add(Map.of("aggregateId", s(id), "version", n(hint)));
                keys.add(Map.of("aggregateId", s(id), "version", n(hint + 1)));
            }
            Map<String, KeysAndAttributes> request = new HashMap<>(Map.of(eventsTable,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).projectionExpression("aggregateId, version").build()));
            for (int round = 0; ; round++) {
                if (round > MAX_UNPROCESSED_ROUNDS) throw new IllegalStateException("BatchGetItem on " + eventsTable + " kept returning unprocessed keys");
                if (round > 0) backoff(round);
                BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(request));
                for (Map<String, AttributeValue> item : r.responses().getOrDefault(eventsTable, List.of())) {
                    found.add(item.get("aggregateId").s() + "#" + item.get("version").n());
                }
                if (r.unprocessedKeys() == null || r.unprocessedKeys().isEmpty()) break;
                request.clear();
                request.putAll(r.unprocessedKeys());
            }
        }
        for (String id : aggregateIds) {
            Long hint = hints.get(id);
            boolean confirmed = hint != null && (hint == 0 || found.contains(id + "#" + hint)) && !found.contains(id + "#" + (hint + 1));
            out.put(id, confirmed ? hint : latestVersion(id));
        }
        return out;
    }

    @Override
    public long latestVersion(String aggregateId) {
        QueryResponse r = dynamo.query(q -> q.tableName(eventsTable).keyConditionExpression("aggregateId = :a")
                .expressionAttributeValues(Map.of(":a", s(aggregateId))).scanIndexForward(false).limit(1)
                .projectionExpression("version").consistentRead(true));
        long latest = r.items().isEmpty() ? 0 : Long.parseLong(r.items().get(0).get("version").n());
        LATEST_SEEN.computeIfAbsent(eventsTable, t -> new java.util.concurrent.ConcurrentHashMap<>()).put(aggregateId, latest);
        return latest;
    }

    @Override
    public boolean record(EventStatus status) {
        Map<String, AttributeValue> item = statusItem(status);
        try {
            dynamo.putItem(p -> p.tableName(eventIdsTable).item(item).conditionExpression("attribute_not_exists(eventId)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> statusItem(EventStatus status) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("eventId", s(status.eventId()));
        item.put("aggregateId", s(status.aggregateId()));
        if (status instanceof EventStatus.Claimed c) {
            item.put("status", s("claimed"));
            item.put("version", n(c.version()));
            item.put("at", s(c.at().toString()));
        } else if (status instanceof EventStatus.Rejected r) {
            item.put("status", s("rejected"));
            item.put("reason", s(r.reason()));
            item.put("at", s(r.at().toString()));
        }
        if (status.hash() != null) item.put("hash", s(status.hash()));
        if (!status.conflicts().isEmpty()) item.put("conflicts", AttributeValue.builder().ss(status.conflicts()).build());
        return item;
    }

    /**
     * One conditional PutItem per status ({@code attribute_not_exists(eventId)}), sent in parallel: BatchWriteItem
     * takes no condition, and two pumps may claim one event id for two aggregates at once.
     */
    @Override
    public Set<String> recordAll(List<EventStatus> statuses) {
        List<java.util.concurrent.CompletableFuture<String>> puts = new ArrayList<>();
        for (EventStatus st : statuses) {
            puts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> record(st) ? null : st.eventId(), WRITERS));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(puts.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        Set<String> taken = new java.util.HashSet<>();
        for (var put : puts) {
            String id = put.join();
            if (id != null) taken.add(id);
        }
        return taken;
    }

    @Override
    public boolean moveClaim(EventStatus.Claimed claim, long toVersion) {
        try {
            dynamo.updateItem(u -> u.tableName(eventIdsTable).key(Map.of("eventId", s(claim.eventId())))
                    .updateExpression("SET version = :to").conditionExpression("version = :from")
                    .expressionAttributeValues(Map.of(":to", n(toVersion), ":from", n(claim.version()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean rejectClaim(EventStatus.Claimed claim, String reason, Instant at) {
        try {
            dynamo.updateItem(u -> u.tableName(eventIdsTable).key(Map.of("eventId", s(claim.eventId())))
                    .updateExpression("SET #status = :rejected, reason = :reason, #at = :at REMOVE version")
                    .conditionExpression("#status = :claimed AND version = :from")
                    .expressionAttributeNames(Map.of("#status", "status", "#at", "at"))
                    .expressionAttributeValues(Map.of(":rejected", s("rejected"), ":claimed", s("claimed"),
                            ":reason", s(reason), ":at", s(at.toString()), ":from", n(claim.version()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void recordConflict(String eventId, String conflict) {
        try {
            dynamo.updateItem(u -> u.tableName(eventIdsTable).key(Map.of("eventId", s(eventId)))
                    .updateExpression("ADD conflicts :c").conditionExpression("attribute_exists(eventId)")
                    .expressionAttributeValues(Map.of(":c", AttributeValue.builder().ss(conflict).build())));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("no status recorded for event " + eventId + " to add the conflict to: " + conflict, e);
        }
    }

    /** An event whose item cannot be built (for example a time outside what the index keys can hold). */
    @Override
    public Optional<String> unstorable(EventEnvelope event) {
        try {
            EventItems.toItem(event.withVersion(1));
            IndexKeys.entries(List.of(event), 1);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("event " + event.eventId() + " cannot be stored: " + e.getMessage());
        }
    }

    @Override
    public Optional<EventEnvelope> eventAt(String aggregateId, long version) {
        var r = dynamo.getItem(g -> g.tableName(eventsTable).consistentRead(true)
                .key(Map.of("aggregateId", s(aggregateId), "version", n(version))));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(resolve(EventItems.fromItem(r.item()))) : Optional.empty();
    }

    /**
     * The index entries of the events first ({@link DynamoIndexWriter}: a crash after them leaves an entry too many,
     * never one missing); then one conditional PutItem per event ({@code attribute_not_exists(version)}), aggregates in
     * parallel, the events of one aggregate one after the other in version order, so no write lands above a hole.
     */
    @Override
    public List<EventEnvelope> write(List<EventEnvelope> events) {
        if (index == null) {
            throw new IllegalStateException("this log of " + eventsTable + " was built without its index table and only reads; "
                    + "it cannot write events");
        }
        index.record(events);
        Map<String, List<EventEnvelope>> byAggregate = PerAggregate.group(events, EventEnvelope::aggregateId);
        List<java.util.concurrent.CompletableFuture<List<EventEnvelope>>> writes = new ArrayList<>();
        for (List<EventEnvelope> stream : byAggregate.values()) {
            stream.sort(java.util.Comparator.comparing(EventEnvelope::version));
            writes.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> writeInOrder(stream), WRITERS));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(writes.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        List<EventEnvelope> notWritten = new ArrayList<>();
        writes.forEach(w -> notWritten.addAll(w.join()));
        return notWritten;
    }

    private List<EventEnvelope> writeInOrder(List<EventEnvelope> stream) {
        Map<String, Long> known = LATEST_SEEN.computeIfAbsent(eventsTable, t -> new java.util.concurrent.ConcurrentHashMap<>());
        for (int i = 0; i < stream.size(); i++) {
            EventEnvelope e = stream.get(i);
            Map<String, AttributeValue> item = EventItems.toItem(e);
            try {
                dynamo.putItem(p -> p.tableName(eventsTable).item(item).conditionExpression("attribute_not_exists(version)"));
            } catch (ConditionalCheckFailedException taken) {
                known.remove(e.aggregateId());
                return List.copyOf(stream.subList(i, stream.size()));
            }
            known.merge(e.aggregateId(), e.version(), Math::max);
        }
        return List.of();
    }

    @Override
    public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
        List<EventEnvelope> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            int remaining = limit - out.size();
            QueryResponse r = dynamo.query(q -> q.tableName(eventsTable).consistentRead(true)
                    .keyConditionExpression("aggregateId = :a AND version >= :v")
                    .expressionAttributeValues(Map.of(":a", s(aggregateId), ":v", n(fromVersion)))
                    .limit(remaining).exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> item : r.items()) out.add(resolve(EventItems.fromItem(item)));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null && out.size() < limit);
        return out;
    }

    /**
     * The event an events-table item holds, its claim-checked payload read back: for items read another way than
     * through this log (e.g. from DynamoDB's export of the table to S3).
     */
    public EventEnvelope fromItem(Map<String, AttributeValue> item) {
        return resolve(EventItems.fromItem(item));
    }

    /** Reads the claim-checked payload back, so every reader sees the event whole. */
    private EventEnvelope resolve(EventEnvelope e) {
        if (e.payload() != null || e.payloadRef() == null) return e;
        try {
            return e.withPayload((ObjectNode) EventCodec.JSON.readTree(payloads.get(e.payloadRef())));
        } catch (IOException ex) {
            throw new UncheckedIOException("payload " + e.payloadRef() + " of event " + e.eventId() + " is not JSON", ex);
        }
    }

    static void backoff(int round) {
        try {
            Thread.sleep(Math.min(1000, 20L << Math.min(round, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}

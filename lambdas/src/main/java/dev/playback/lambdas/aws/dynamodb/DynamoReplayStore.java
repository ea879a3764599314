package dev.playback.lambdas.aws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayKind;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.SegmentCheckpoint;
import dev.playback.model.replay.SequenceNumbers;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.playback.lambdas.aws.dynamodb.EventItems.n;
import static dev.playback.lambdas.aws.dynamodb.EventItems.s;
import static dev.playback.lambdas.aws.dynamodb.EventItems.text;

/**
 * Replays in the data table: {@code replay#<id>} (the record), {@code replay#<id>#segment#<n>} (a Scan
 * segment's checkpoint), {@code replay#<id>#applied#<processor>#<shardId>} (the highest playback sequence number
 * the processor processed in that shard, zero-padded so a conditional write compares it like a number) and
 * {@code replay#<id>#applied#<processor>} (the processor's applied counter), and
 * {@code replay-generation#<generation>} (which replay builds a generation), {@code replay#<id>#execution} (the
 * execution that runs the replay now) and {@code replay-execution#<executionArn>} (which replay an execution ran).
 */
public final class DynamoReplayStore implements ReplayStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoReplayStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String replayKey(String replayId) {
        return "replay#" + replayId;
    }

    private Map<String, AttributeValue> get(String pk) {
        var r = dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(Map.of("pk", s(pk))));
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    @Override
    public Optional<Replay> find(String replayId) {
        Map<String, AttributeValue> item = get(replayKey(replayId));
        if (item == null) return Optional.empty();
        return Optional.of(new Replay(replayId, ReplayKind.parse(text(item, "kind")), text(item, "generation"),
                item.containsKey("processors") ? item.get("processors").l().stream().map(AttributeValue::s).toList() : List.of(),
                (int) number(item, "segments"), (int) number(item, "batchSize"),
                item.containsKey("reportOnly") && Boolean.TRUE.equals(item.get("reportOnly").bool()),
                ReplayStatus.valueOf(text(item, "status")),
                text(item, "startedAt") == null ? null : Instant.parse(text(item, "startedAt")),
                text(item, "detail"), json(text(item, "scope")), number(item, "aggregatesRead"),
                number(item, "rebuilt"), number(item, "events"), json(text(item, "result")),
                text(item, "gatewayMode"), text(item, "missingRecords"), json(text(item, "requestedBy"))));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static JsonNode json(String text) {
        if (text == null) return null;
        try {
            return EventCodec.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON is not readable: " + e.getMessage(), e);
        }
    }

    private static Map<String, AttributeValue> item(Replay r, boolean withCounters) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(replayKey(r.replayId())));
        item.put("replayId", s(r.replayId()));
        item.put("kind", s(r.kind().wireName()));
        if (r.generation() != null) item.put("generation", s(r.generation()));
        item.put("processors", AttributeValue.builder().l(r.processors().stream().map(EventItems::s).toList()).build());
        item.put("segments", n(r.segments()));
        item.put("batchSize", n(r.batchSize()));
        item.put("reportOnly", AttributeValue.builder().bool(r.reportOnly()).build());
        item.put("status", s(r.status().name()));
        if (r.startedAt() != null) item.put("startedAt", s(r.startedAt().toString()));
        if (r.detail() != null) item.put("detail", s(r.detail()));
        if (r.scope() != null) item.put("scope", s(r.scope().toString()));
        item.put("aggregatesRead", n(r.aggregatesRead()));
        if (r.result() != null) item.put("result", s(r.result().toString()));
        item.put("gatewayMode", s(r.gatewayMode()));
        item.put("missingRecords", s(r.missingRecords()));
        if (r.requestedBy() != null) item.put("requestedBy", s(r.requestedBy().toString()));
        if (withCounters) {
            item.put("rebuilt", n(r.rebuilt()));
            item.put("events", n(r.events()));
        }
        return item;
    }

    @Override
    public boolean create(Replay replay) {
        // The generation's pointer first: a replay that exists is always findable by its generation.
        if (replay.generation() != null) {
            try {
                dynamo.putItem(p -> p.tableName(table).item(Map.of("pk", s(generationKey(replay.generation())), "replayId", s(replay.replayId())))
                        .conditionExpression("attribute_not_exists(pk) OR replayId = :r").expressionAttributeValues(Map.of(":r", s(replay.replayId()))));
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> other = get(generationKey(replay.generation()));
                throw new IllegalStateException("generation " + replay.generation() + " belongs to replay '"
                        + (other == null ? "?" : text(other, "replayId")) + "'; start replay '" + replay.replayId() + "' again for a new one");
            }
        }
        try {
            dynamo.putItem(p -> p.tableName(table).item(item(replay, true)).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    static String generationKey(String generation) {
        return "replay-generation#" + generation;
    }

    @Override
    public Optional<Replay> building(String generation) {
        Map<String, AttributeValue> pointer = get(generationKey(generation));
        if (pointer == null || text(pointer, "replayId") == null) return Optional.empty();
        return find(text(pointer, "replayId"));
    }

    @Override
    public void update(Replay replay) {
        // Everything but the counters, which concurrent chunks ADD to.
        Map<String, AttributeValue> item = item(replay, false);
        item.remove("pk");
        StringBuilder set = new StringBuilder();
        StringBuilder remove = new StringBuilder();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        int i = 0;
        for (var e : item.entrySet()) {
            set.append(set.length() == 0 ? "SET " : ", ").append("#a").append(i).append(" = :v").append(i);
            names.put("#a" + i, e.getKey());
            values.put(":v" + i, e.getValue());
            i++;
        }
        for (String optional : List.of("detail", "result", "scope", "generation", "requestedBy")) {
            if (item.containsKey(optional)) continue;
            remove.append(remove.length() == 0 ? " REMOVE " : ", ").append("#a").append(i);
            names.put("#a" + i, optional);
            i++;
        }
        String expression = set.toString() + remove;
        dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", s(replayKey(replay.replayId()))))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values));
    }

    @Override
    public void addCounts(String replayId, long rebuilt, long events) {
        dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", s(replayKey(replayId))))
                .updateExpression("ADD rebuilt :r, #e :e").conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#e", "events"))
                .expressionAttributeValues(Map.of(":r", n(rebuilt), ":e", n(events))));
    }

    static String segmentKey(String replayId, int segment) {
        return replayKey(replayId) + "#segment#" + segment;
    }

    @Override
    public Optional<SegmentCheckpoint> checkpoint(String replayId, int segment) {
        Map<String, AttributeValue> item = get(segmentKey(replayId, segment));
        if (item == null) return Optional.empty();
        Map<String, String> shards = new TreeMap<>();
        if (item.containsKey("shards") && item.get("shards").hasM()) {
            item.get("shards").m().forEach((k, v) -> shards.put(k, v.s()));
        }
        return Optional.of(new SegmentCheckpoint(replayId, segment, text(item, "lastKey"), number(item, "published"),
                number(item, "batches"), Boolean.TRUE.equals(item.get("done").bool()), shards, text(item, "owner")));
    }

    @Override
    public void saveCheckpoint(SegmentCheckpoint c) {
        Map<String, AttributeValue> item = checkpointItem(c);
        dynamo.putItem(p -> p.tableName(table).item(item));
    }

    /** One conditional write: the stored checkpoint must still count {@code previous}'s batches and have its owner. */
    @Override
    public boolean advanceCheckpoint(SegmentCheckpoint previous, SegmentCheckpoint next) {
        Map<String, AttributeValue> item = checkpointItem(next);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":b", n(previous.batches()));
        String owner = previous.owner() == null ? "attribute_not_exists(#owner)" : "#owner = :o";
        if (previous.owner() != null) values.put(":o", s(previous.owner()));
        String condition = "(batches = :b AND " + owner + ")";
        if (previous.batches() == 0 && previous.owner() == null) condition = "attribute_not_exists(pk) OR " + condition;
        String expression = condition;
        try {
            dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression(expression)
                    .expressionAttributeNames(Map.of("#owner", "owner")).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> checkpointItem(SegmentCheckpoint c) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(segmentKey(c.replayId(), c.segment())));
        if (c.lastKey() != null) item.put("lastKey", s(c.lastKey()));
        if (c.owner() != null) item.put("owner", s(c.owner()));
        item.put("published", n(c.published()));
        item.put("batches", n(c.batches()));
        item.put("done", AttributeValue.builder().bool(c.done()).build());
        Map<String, AttributeValue> shards = new HashMap<>();
        c.shards().forEach((k, v) -> shards.put(k, s(v)));
        item.put("shards", AttributeValue.builder().m(shards).build());
        return item;
    }

    static String appliedKey(String replayId, String processor) {
        return replayKey(replayId) + "#applied#" + processor;
    }

    static String appliedKey(String replayId, String processor, String shardId) {
        return appliedKey(replayId, processor) + "#" + shardId;
    }

    @Override
    public void markApplied(String replayId, String processor, String shardId, String sequenceNumber, long events) {
        try {
            dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", s(appliedKey(replayId, processor, shardId))))
                    .updateExpression("SET seq = :s, sequenceNumber = :raw")
                    .conditionExpression("attribute_not_exists(seq) OR seq < :s")
                    .expressionAttributeValues(Map.of(":s", s(SequenceNumbers.padded(sequenceNumber)), ":raw", s(sequenceNumber))));
        } catch (ConditionalCheckFailedException e) {
            // a higher sequence number is recorded already (a redelivered batch)
        }
        if (events > 0) {
            dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", s(appliedKey(replayId, processor))))
                    .updateExpression("ADD #c :n").expressionAttributeNames(Map.of("#c", "count"))
                    .expressionAttributeValues(Map.of(":n", n(events))));
        }
    }

    /**
     * Read, then one conditional put on the shard's item (its {@code rev} unchanged): {@code seq}/{@code sequenceNumber}
     * (the mark), {@code events} (counted once each), {@code failed} (sequence number -> what failed and why).
     */
    @Override
    public AppliedShard recordApplied(String replayId, String processor, String shardId, String upTo, List<ProcessedRecord> records) {
        String pk = appliedKey(replayId, processor, shardId);
        long all = 0;
        for (ProcessedRecord r : records) {
            if (r.failure() == null && upTo != null && SequenceNumbers.compare(r.sequenceNumber(), upTo) <= 0) all += r.events();
        }
        AppliedShard result;
        for (int attempt = 0; ; attempt++) {
            Map<String, AttributeValue> item = get(pk);
            long rev = item == null ? 0 : number(item, "rev");
            AppliedShard stored = item == null ? AppliedShard.NONE : appliedShard(item);
            String mark = stored.sequenceNumber();
            AppliedShard after = stored.after(upTo, records);
            boolean failures = records.stream().anyMatch(r -> r.failure() != null);
            result = after;
            if (java.util.Objects.equals(after.sequenceNumber(), mark) && after.failed().equals(stored.failed()) && !failures && item != null) break; // a redelivered batch
            Map<String, AttributeValue> put = new HashMap<>();
            put.put("pk", s(pk));
            if (after.sequenceNumber() != null) {
                put.put("seq", s(SequenceNumbers.padded(after.sequenceNumber())));
                put.put("sequenceNumber", s(after.sequenceNumber()));
            }
            put.put("events", n(after.events()));
            put.put("rev", n(rev + 1));
            Map<String, AttributeValue> failedItem = new HashMap<>();
            after.failed().forEach((k, v) -> failedItem.put(k, s(v)));
            put.put("failed", AttributeValue.builder().m(failedItem).build());
            Map<String, AttributeValue> attemptsItem = new HashMap<>();
            after.attempts().forEach((k, v) -> attemptsItem.put(k, n(v)));
            put.put("attempts", AttributeValue.builder().m(attemptsItem).build());
            String condition = item == null ? "attribute_not_exists(pk)" : rev == 0 ? "attribute_not_exists(rev)" : "rev = :rev";
            try {
                dynamo.putItem(p -> {
                    p.tableName(table).item(put).conditionExpression(condition);
                    if (condition.contains(":rev")) p.expressionAttributeValues(Map.of(":rev", n(rev)));
                });
                break;
            } catch (ConditionalCheckFailedException e) {
                if (attempt >= 20) throw new IllegalStateException("the applied mark of " + processor + " in " + shardId + " for replay "
                        + replayId + " kept changing; not recorded up to " + upTo, e);
            }
        }
        if (all > 0) {
            long count = all;
            dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", s(appliedKey(replayId, processor))))
                    .updateExpression("ADD #c :n").expressionAttributeNames(Map.of("#c", "count"))
                    .expressionAttributeValues(Map.of(":n", n(count))));
        }
        return result;
    }

    /** A shard's applied item as {@link AppliedShard}: its mark, events counted, failed records and their attempts. */
    private static AppliedShard appliedShard(Map<String, AttributeValue> item) {
        Map<String, String> failed = new TreeMap<>();
        if (item.containsKey("failed") && item.get("failed").hasM()) item.get("failed").m().forEach((k, v) -> failed.put(k, v.s()));
        Map<String, Integer> attempts = new TreeMap<>();
        if (item.containsKey("attempts") && item.get("attempts").hasM()) {
            item.get("attempts").m().forEach((k, v) -> attempts.put(k, Integer.parseInt(v.n())));
        }
        return new AppliedShard(text(item, "sequenceNumber"), number(item, "events"), failed, attempts);
    }

    @Override
    public Map<String, AppliedShard> appliedShards(String replayId, String processor, Collection<String> shardIds) {
        Map<String, AppliedShard> out = new TreeMap<>();
        for (String shard : shardIds) {
            Map<String, AttributeValue> item = get(appliedKey(replayId, processor, shard));
            if (item != null) out.put(shard, appliedShard(item));
        }
        return out;
    }

    @Override
    public Map<String, String> applied(String replayId, String processor, Collection<String> shardIds) {
        Map<String, String> out = new TreeMap<>();
        for (String shard : shardIds) {
            Map<String, AttributeValue> item = get(appliedKey(replayId, processor, shard));
            if (item != null && text(item, "sequenceNumber") != null) out.put(shard, text(item, "sequenceNumber"));
        }
        return out;
    }

    @Override
    public long appliedEvents(String replayId, String processor) {
        Map<String, AttributeValue> item = get(appliedKey(replayId, processor));
        return item == null ? 0 : number(item, "count");
    }

    static String executionKey(String replayId) {
        return replayKey(replayId) + "#execution";
    }

    static String executionPointer(String executionArn) {
        return "replay-execution#" + executionArn;
    }

    @Override
    public void runBy(String replayId, String executionArn) {
        // The pointer first: an execution that runs a replay is always findable.
        dynamo.putItem(p -> p.tableName(table).item(Map.of("pk", s(executionPointer(executionArn)), "replayId", s(replayId))));
        dynamo.putItem(p -> p.tableName(table).item(Map.of("pk", s(executionKey(replayId)), "execution", s(executionArn))));
    }

    @Override
    public Optional<String> execution(String replayId) {
        Map<String, AttributeValue> item = get(executionKey(replayId));
        return item == null ? Optional.empty() : Optional.ofNullable(text(item, "execution"));
    }

    @Override
    public Optional<String> replayOfExecution(String executionArn) {
        Map<String, AttributeValue> item = get(executionPointer(executionArn));
        return item == null ? Optional.empty() : Optional.ofNullable(text(item, "replayId"));
    }
}

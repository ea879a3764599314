package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.event.EventCodec;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import dev.playback.model.store.Generations;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Optional;

import static dev.playback.lambdas.aws.dynamodb.EventItems.n;
import static dev.playback.lambdas.aws.dynamodb.EventItems.s;
import static dev.playback.lambdas.aws.dynamodb.EventItems.text;

/**
 * The data store on DynamoDB. One item per (processor, generation, aggregate), key
 * {@code pk = processor#generation#aggregateId}; the generations of a processor are the control item
 * {@code pk = processor#control} {active, previous, building (string set)}, switched by one conditional
 * update (no transactions: dynalite has none). Saves are conditional on the stored version (optimistic) and,
 * when the caller knows it, on the token of the write it read ({@value #TOKEN}, new with every save).
 */
public final class DynamoStateStore implements StateStore {
    /** The attribute holding the token of the write that stored a state ({@link Revision}). */
    static final String TOKEN = "writeToken";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoStateStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String key(String processor, String generation, String aggregateId) {
        return processor + "#" + generation + "#" + aggregateId;
    }

    @Override
    public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
        return loadRevision(processor, generation, aggregateId).map(Revision::state);
    }

    @Override
    public Optional<Revision> loadRevision(String processor, String generation, String aggregateId) {
        var r = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(key(processor, generation, aggregateId)))));
        if (!r.hasItem() || r.item().isEmpty()) return Optional.empty();
        return Optional.of(revision(processor, generation, aggregateId, r.item()));
    }

    private static Revision revision(String processor, String generation, String aggregateId, Map<String, AttributeValue> item) {
        try {
            return new Revision(new ProcessorState(processor, generation, aggregateId,
                    Long.parseLong(item.get("version").n()), EventCodec.JSON.readTree(text(item, "state"))), text(item, TOKEN));
        } catch (IOException e) {
            throw new UncheckedIOException("state of " + key(processor, generation, aggregateId) + " is not JSON", e);
        }
    }

    @Override
    public Map<String, ProcessorState> loadAll(String processor, String generation, java.util.Collection<String> aggregateIds) {
        Map<String, ProcessorState> out = new HashMap<>();
        loadAllRevisions(processor, generation, aggregateIds).forEach((id, r) -> out.put(id, r.state()));
        return out;
    }

    /** One BatchGetItem (consistent) per 100 aggregates. */
    @Override
    public Map<String, Revision> loadAllRevisions(String processor, String generation, java.util.Collection<String> aggregateIds) {
        Map<String, Revision> out = new HashMap<>();
        List<String> ids = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(aggregateIds));
        for (int i = 0; i < ids.size(); i += 100) {
            List<Map<String, AttributeValue>> keys = new java.util.ArrayList<>();
            for (String id : ids.subList(i, Math.min(ids.size(), i + 100))) keys.add(Map.of("pk", s(key(processor, generation, id))));
            Map<String, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes> request = new HashMap<>(Map.of(table,
                    software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(keys).consistentRead(true).build()));
            for (int round = 0; ; round++) {
                if (round > 50) throw new IllegalStateException("BatchGetItem on " + table + " kept returning unprocessed keys");
                if (round > 0) DynamoEventLog.backoff(round);
                var r = dynamo.batchGetItem(b -> b.requestItems(request));
                for (Map<String, AttributeValue> item : r.responses().getOrDefault(table, List.of())) {
                    String id = text(item, "aggregateId");
                    out.put(id, revision(processor, generation, id, item));
                }
                if (r.unprocessedKeys() == null || r.unprocessedKeys().isEmpty()) break;
                request.clear();
                request.putAll(r.unprocessedKeys());
            }
        }
        return out;
    }

    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        return saveRevision(state, expectedVersion, null).isPresent();
    }

    /** The item a save of {@code state} writes, with the write's {@code token}. */
    private static Map<String, AttributeValue> item(ProcessorState state, String token) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(key(state.processor(), state.generation(), state.aggregateId())));
        item.put("processor", s(state.processor()));
        item.put("generation", s(state.generation()));
        item.put("aggregateId", s(state.aggregateId()));
        item.put("version", n(state.version()));
        item.put("state", s(state.state().toString()));
        item.put(TOKEN, s(token));
        return item;
    }

    /** The size of the item a save of {@code state} writes ({@link ItemSize}; every token is a UUID of 36 characters). */
    @Override
    public long itemBytes(ProcessorState state) {
        return ItemSize.of(item(state, TOKEN_OF_ITS_LENGTH));
    }

    private static final String TOKEN_OF_ITS_LENGTH = new java.util.UUID(0, 0).toString();

    /** Every save stores a new token ({@value #TOKEN}); the condition checks the version and, if given, the token. */
    @Override
    public Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
        String token = java.util.UUID.randomUUID().toString();
        Map<String, AttributeValue> item = item(state, token);
        try {
            if (expectedVersion == 0) {
                dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            } else if (expectedToken == null) {
                dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression("version = :v")
                        .expressionAttributeValues(Map.of(":v", n(expectedVersion))));
            } else {
                dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression("version = :v AND #t = :t")
                        .expressionAttributeNames(Map.of("#t", TOKEN))
                        .expressionAttributeValues(Map.of(":v", n(expectedVersion), ":t", s(expectedToken))));
            }
            return Optional.of(new Revision(state, token));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    @Override
    public String activeGeneration(String processor, String defaultGeneration) {
        Map<String, AttributeValue> item = control(processor);
        return item == null || text(item, "active") == null ? defaultGeneration : text(item, "active");
    }

    private Map<String, AttributeValue> control(String processor) {
        var r = dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(Map.of("pk", s(controlKey(processor)))));
        return r.hasItem() && !r.item().isEmpty() ? r.item() : null;
    }

    static String controlKey(String processor) {
        return processor + "#control";
    }

    @Override
    public Generations generations(String processor) {
        Map<String, AttributeValue> item = control(processor);
        if (item == null) return Generations.initial();
        AttributeValue building = item.get("building");
        return new Generations(text(item, "active"), text(item, "previous"),
                building == null || !building.hasSs() ? Set.of() : Set.copyOf(building.ss()));
    }

    @Override
    public void startBuilding(String processor, String generation) {
        dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", s(controlKey(processor))))
                .updateExpression("ADD building :g")
                .expressionAttributeValues(Map.of(":g", AttributeValue.builder().ss(generation).build())));
    }

    @Override
    public void stopBuilding(String processor, String generation) {
        try {
            dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", s(controlKey(processor))))
                    .updateExpression("DELETE building :g").conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":g", AttributeValue.builder().ss(generation).build())));
        } catch (ConditionalCheckFailedException e) {
            // no control record: nothing is building
        }
    }

    @Override
    public boolean activate(String processor, String expectedActive, String generation) {
        String condition = Generations.DEFAULT.equals(expectedActive)
                ? "attribute_not_exists(active) OR active = :expected" : "active = :expected";
        try {
            dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", s(controlKey(processor))))
                    .updateExpression("SET active = :g, previous = :expected DELETE building :gs")
                    .conditionExpression(condition)
                    .expressionAttributeValues(Map.of(":g", s(generation), ":expected", s(expectedActive),
                            ":gs", AttributeValue.builder().ss(generation).build())));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void discard(String processor, String generation) {
        List<String> keys = new ArrayList<>();
        scan(processor, generation, "pk", item -> keys.add(text(item, "pk")));
        for (int i = 0; i < keys.size(); i += 25) {
            List<WriteRequest> deletes = new ArrayList<>();
            for (String k : keys.subList(i, Math.min(keys.size(), i + 25))) {
                deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(Map.of("pk", s(k))).build()).build());
            }
            Map<String, List<WriteRequest>> request = new HashMap<>(Map.of(table, deletes));
            for (int round = 0; ; round++) {
                if (round > 50) throw new IllegalStateException("BatchWriteItem on " + table + " kept returning unprocessed items");
                if (round > 0) DynamoEventLog.backoff(round);
                var r = dynamo.batchWriteItem(b -> b.requestItems(request));
                if (r.unprocessedItems() == null || r.unprocessedItems().isEmpty()) break;
                request.clear();
                request.putAll(r.unprocessedItems());
            }
        }
    }

    @Override
    public void forEach(String processor, String generation, Consumer<ProcessorState> action) {
        scan(processor, generation, null, item -> action.accept(toState(item)));
    }

    /** The data table has no index by generation: a filtered Scan (the data table, never the events table). */
    private void scan(String processor, String generation, String projection, Consumer<Map<String, AttributeValue>> action) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            var r = dynamo.scan(q -> q.tableName(table).consistentRead(true).exclusiveStartKey(exclusiveStart)
                    .filterExpression("#p = :p AND #g = :g")
                    .projectionExpression(projection)
                    .expressionAttributeNames(Map.of("#p", "processor", "#g", "generation"))
                    .expressionAttributeValues(Map.of(":p", s(processor), ":g", s(generation))));
            r.items().forEach(action);
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private static ProcessorState toState(Map<String, AttributeValue> item) {
        try {
            return new ProcessorState(text(item, "processor"), text(item, "generation"), text(item, "aggregateId"),
                    Long.parseLong(item.get("version").n()), EventCodec.JSON.readTree(text(item, "state")));
        } catch (IOException e) {
            throw new UncheckedIOException("state of " + text(item, "pk") + " is not JSON", e);
        }
    }
}

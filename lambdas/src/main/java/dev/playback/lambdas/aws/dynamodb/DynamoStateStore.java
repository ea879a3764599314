package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.event.EventCodec;
import dev.playback.model.processor.ProcessorState;
import dev.playback.model.store.StateStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static dev.playback.lambdas.aws.dynamodb.EventItems.n;
import static dev.playback.lambdas.aws.dynamodb.EventItems.s;
import static dev.playback.lambdas.aws.dynamodb.EventItems.text;

/**
 * The data store on DynamoDB. One item per (processor, generation, aggregate), key
 * {@code pk = processor#generation#aggregateId}; the active generation of a processor is the item
 * {@code pk = processor#active}. Saves are conditional on the stored version (optimistic).
 */
public final class DynamoStateStore implements StateStore {
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
        var r = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(key(processor, generation, aggregateId)))));
        if (!r.hasItem() || r.item().isEmpty()) return Optional.empty();
        Map<String, AttributeValue> item = r.item();
        try {
            return Optional.of(new ProcessorState(processor, generation, aggregateId,
                    Long.parseLong(item.get("version").n()), EventCodec.JSON.readTree(text(item, "state"))));
        } catch (IOException e) {
            throw new UncheckedIOException("state of " + key(processor, generation, aggregateId) + " is not JSON", e);
        }
    }

    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(key(state.processor(), state.generation(), state.aggregateId())));
        item.put("processor", s(state.processor()));
        item.put("generation", s(state.generation()));
        item.put("aggregateId", s(state.aggregateId()));
        item.put("version", n(state.version()));
        item.put("state", s(state.state().toString()));
        try {
            if (expectedVersion == 0) {
                dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            } else {
                dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression("version = :v")
                        .expressionAttributeValues(Map.of(":v", n(expectedVersion))));
            }
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public String activeGeneration(String processor, String defaultGeneration) {
        var r = dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(Map.of("pk", s(processor + "#active"))));
        if (!r.hasItem() || r.item().isEmpty() || text(r.item(), "generation") == null) return defaultGeneration;
        return text(r.item(), "generation");
    }
}

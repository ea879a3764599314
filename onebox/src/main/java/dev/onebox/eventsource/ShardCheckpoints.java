package dev.onebox.eventsource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Durable per-shard checkpoints of the event source mappings, in a small DynamoDB table of the emulator
 * ({@value #TABLE}: hash key {@code mapping}, range key {@code shardId}). A checkpoint is the sequence number of the
 * last record that is done with (processed, or sent to the on-failure destination); a restart resumes after it. A
 * shard read to its end is marked ended, so its children may start.
 */
public final class ShardCheckpoints {
    public static final String TABLE = "playback-local-esm-checkpoints";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public ShardCheckpoints(DynamoDbClient dynamoDb) {
        this(dynamoDb, TABLE);
    }

    public ShardCheckpoints(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * A shard's checkpoint: the last sequence number done with (empty before the first), whether the shard ended, and
     * for a LATEST mapping that has processed nothing yet, the time it started reading at.
     */
    public record Checkpoint(Optional<String> sequenceNumber, boolean shardEnded, Optional<Instant> positionedAt) {
    }

    /** Creates the table if it is missing and waits until it is ACTIVE. */
    public void ensureTable(Duration timeout) {
        try {
            dynamoDb.describeTable(b -> b.tableName(table));
        } catch (ResourceNotFoundException missing) {
            try {
                dynamoDb.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(
                                a -> a.attributeName("mapping").attributeType(ScalarAttributeType.S),
                                a -> a.attributeName("shardId").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("mapping").keyType(KeyType.HASH),
                                k -> k.attributeName("shardId").keyType(KeyType.RANGE)));
            } catch (ResourceInUseException createdMeanwhile) {
                // another mapping created it first
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (dynamoDb.describeTable(b -> b.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Checkpoint table " + table + " is not ACTIVE after " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for table " + table, e);
            }
        }
    }

    public Checkpoint get(String mapping, String shardId) {
        GetItemResponse response = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true).key(key(mapping, shardId)));
        if (!response.hasItem() || response.item().isEmpty()) {
            return new Checkpoint(Optional.empty(), false, Optional.empty());
        }
        Map<String, AttributeValue> item = response.item();
        AttributeValue sequence = item.get("sequenceNumber");
        AttributeValue ended = item.get("shardEnded");
        AttributeValue positioned = item.get("positionedAt");
        return new Checkpoint(Optional.ofNullable(sequence).map(AttributeValue::s),
                ended != null && Boolean.TRUE.equals(ended.bool()),
                Optional.ofNullable(positioned).map(p -> Instant.parse(p.s())));
    }

    /** Records that everything up to and including {@code sequenceNumber} is done with. */
    public void put(String mapping, String shardId, String sequenceNumber) {
        write(mapping, shardId, Optional.of(sequenceNumber), false);
    }

    /**
     * Records where a LATEST mapping started reading a shard before it processed anything, so a restart reads from
     * that time rather than from the new LATEST (nothing written meanwhile is skipped).
     */
    public void putPosition(String mapping, String shardId, Instant positionedAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(mapping, shardId));
        item.put("positionedAt", AttributeValue.fromS(positionedAt.toString()));
        item.put("shardEnded", AttributeValue.fromBool(false));
        item.put("updatedAt", AttributeValue.fromS(Instant.now().toString()));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    /** Records that the shard was read to its end (after a reshard); {@code lastSequenceNumber} may be empty. */
    public void markEnded(String mapping, String shardId, Optional<String> lastSequenceNumber) {
        write(mapping, shardId, lastSequenceNumber, true);
    }

    private void write(String mapping, String shardId, Optional<String> sequenceNumber, boolean ended) {
        Map<String, AttributeValue> item = new HashMap<>(key(mapping, shardId));
        sequenceNumber.ifPresent(s -> item.put("sequenceNumber", AttributeValue.fromS(s)));
        item.put("shardEnded", AttributeValue.fromBool(ended));
        item.put("updatedAt", AttributeValue.fromS(Instant.now().toString()));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    private static Map<String, AttributeValue> key(String mapping, String shardId) {
        return Map.of("mapping", AttributeValue.fromS(mapping), "shardId", AttributeValue.fromS(shardId));
    }
}

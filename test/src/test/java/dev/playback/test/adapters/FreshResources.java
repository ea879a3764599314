package dev.playback.test.adapters;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import java.time.Duration;

/**
 * Fresh, uniquely named tables and buckets on the emulators, shaped as template.yaml declares them, so
 * every contract test starts empty without restarting an emulator.
 */
final class FreshResources {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    private FreshResources() {
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + RUN + "-" + COUNTER.incrementAndGet();
    }

    /** The events table: hash {@code aggregateId} (S), range {@code version} (N). */
    static String eventsTable(DynamoDbClient dynamo) {
        return table(dynamo, uniqueName("events"), List.of(key("aggregateId", ScalarAttributeType.S, KeyType.HASH),
                key("version", ScalarAttributeType.N, KeyType.RANGE)));
    }

    /** The event-id table: hash {@code eventId} (S). */
    static String eventIdsTable(DynamoDbClient dynamo) {
        return table(dynamo, uniqueName("event-ids"), List.of(key("eventId", ScalarAttributeType.S, KeyType.HASH)));
    }

    /** The data store: hash {@code pk} (S). */
    static String dataTable(DynamoDbClient dynamo) {
        return table(dynamo, uniqueName("data"), List.of(key("pk", ScalarAttributeType.S, KeyType.HASH)));
    }

    /** The snapshot table: hash {@code pk} (S), range {@code sk} (N). */
    static String snapshotTable(DynamoDbClient dynamo) {
        return table(dynamo, uniqueName("snapshots"), List.of(key("pk", ScalarAttributeType.S, KeyType.HASH),
                key("sk", ScalarAttributeType.N, KeyType.RANGE)));
    }

    /** The parked aggregates: hash {@code processor} (S), range {@code aggregateId} (S). */
    static String parkedTable(DynamoDbClient dynamo) {
        return table(dynamo, uniqueName("parked"), List.of(key("processor", ScalarAttributeType.S, KeyType.HASH),
                key("aggregateId", ScalarAttributeType.S, KeyType.RANGE)));
    }

    static String subjectKeyTable(DynamoDbClient dynamo) {
        return table(dynamo, uniqueName("subject-keys"), List.of(key("subject", ScalarAttributeType.S, KeyType.HASH)));
    }

    static String bucket(S3Client s3) {
        String name = uniqueName("payloads").toLowerCase();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    private record Key(String name, ScalarAttributeType type, KeyType keyType) {
    }

    private static Key key(String name, ScalarAttributeType type, KeyType keyType) {
        return new Key(name, type, keyType);
    }

    private static String table(DynamoDbClient dynamo, String name, List<Key> keys) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        List<KeySchemaElement> schema = new ArrayList<>();
        for (Key k : keys) {
            attributes.add(AttributeDefinition.builder().attributeName(k.name()).attributeType(k.type()).build());
            schema.add(KeySchemaElement.builder().attributeName(k.name()).keyType(k.keyType()).build());
        }
        dynamo.createTable(c -> c.tableName(name).attributeDefinitions(attributes).keySchema(schema)
                .billingMode(BillingMode.PAY_PER_REQUEST));
        Awaitility.await("table " + name + " ACTIVE").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> dynamo.describeTable(d -> d.tableName(name)).table().tableStatus() == TableStatus.ACTIVE);
        return name;
    }
}

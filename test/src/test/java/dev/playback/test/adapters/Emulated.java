package dev.playback.test.adapters;

import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.waiters.KinesisWaiter;

import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Emulator endpoints for the adapters' {@code *IT} tests, from emulators this class starts once per
 * test JVM. The
 * tools module's test suite runs the whole stack; these check single adapters against dynalite and
 * kinesalite. Tables are created with the layout of template.yaml under fresh names.
 */
public final class Emulated {
    private Emulated() {
    }

    private static Emulators emulators;

    /** One set of emulators for the test JVM, started on first use and stopped by its shutdown hook. */
    private static synchronized Emulators emulators() {
        if (emulators == null) emulators = Emulators.start(EmulatorOptions.inMemory());
        return emulators;
    }

    private static String endpoint(String variable) {
        return variable.equals("PLAYBACK_IT_DYNAMODB") ? emulators().dynamoDbEndpoint().toString()
                : emulators().kinesisEndpoint().toString();
    }

    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().endpointOverride(URI.create(endpoint("PLAYBACK_IT_DYNAMODB"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(ApacheHttpClient.builder().build()).build();
    }

    public static KinesisClient kinesis() {
        System.setProperty("aws.cborEnabled", "false");
        return KinesisClient.builder().endpointOverride(URI.create(endpoint("PLAYBACK_IT_KINESIS"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(ApacheHttpClient.builder().build()).build();
    }

    public static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String dataTable(DynamoDbClient dynamo) {
        String name = name("data");
        dynamo.createTable(c -> c.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
        waitFor(dynamo, name);
        return name;
    }

    public static String eventIdsTable(DynamoDbClient dynamo) {
        String name = name("eventids");
        dynamo.createTable(c -> c.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("eventId").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("eventId").keyType(KeyType.HASH).build()));
        waitFor(dynamo, name);
        return name;
    }

    public static String eventsTable(DynamoDbClient dynamo) {
        String name = name("events");
        dynamo.createTable(c -> c.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("aggregateId", ScalarAttributeType.S), attribute("version", ScalarAttributeType.N))
                .keySchema(key("aggregateId", KeyType.HASH), key("version", KeyType.RANGE)));
        waitFor(dynamo, name);
        return name;
    }

    /** The event index table of template.yaml ({@code EventIndexTable}): hash {@code p} (S), range {@code k} (S). */
    public static String eventIndexTable(DynamoDbClient dynamo) {
        String name = name("eventindex");
        dynamo.createTable(c -> c.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("p", ScalarAttributeType.S), attribute("k", ScalarAttributeType.S))
                .keySchema(key("p", KeyType.HASH), key("k", KeyType.RANGE)));
        waitFor(dynamo, name);
        return name;
    }

    /** The pump's index writer on a fresh event index table (with the default number of buckets). */
    public static DynamoIndexWriter eventIndex(DynamoDbClient dynamo) {
        return new DynamoIndexWriter(dynamo, eventIndexTable(dynamo), IndexKeys.DEFAULT_BUCKETS);
    }

    /** A fresh stream of {@code shards} shards, once it is ACTIVE. */
    public static String stream(KinesisClient kinesis, int shards) {
        String name = name("stream");
        kinesis.createStream(c -> c.streamName(name).shardCount(shards));
        try (KinesisWaiter waiter = KinesisWaiter.builder().client(kinesis)
                .overrideConfiguration(c -> c.backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(50))).maxAttempts(200)).build()) {
            waiter.waitUntilStreamExists(w -> w.streamName(name));
        }
        return name;
    }

    /** One record as it sits on a stream. */
    public record StreamRecord(String shardId, String sequenceNumber, String partitionKey, byte[] data) {
    }

    /** Everything on {@code stream}, shard after shard, each shard in stream order. */
    public static List<StreamRecord> records(KinesisClient kinesis, String stream) {
        List<StreamRecord> out = new ArrayList<>();
        for (Shard shard : kinesis.listShards(l -> l.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(g -> g.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String from = iterator;
                GetRecordsResponse page = kinesis.getRecords(g -> g.shardIterator(from).limit(10_000));
                for (Record r : page.records()) {
                    out.add(new StreamRecord(shard.shardId(), r.sequenceNumber(), r.partitionKey(), r.data().asByteArray()));
                }
                boolean caughtUp = page.records().isEmpty() && (page.millisBehindLatest() == null || page.millisBehindLatest() == 0);
                iterator = caughtUp ? null : page.nextShardIterator();
            }
        }
        return out;
    }

    private static void waitFor(DynamoDbClient dynamo, String table) {
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(dynamo)
                .overrideConfiguration(c -> c.backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(50))).maxAttempts(200)).build()) {
            waiter.waitUntilTableExists(w -> w.tableName(table));
        }
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

}

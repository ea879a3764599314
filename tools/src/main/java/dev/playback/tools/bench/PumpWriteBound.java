package dev.playback.tools.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import dev.playback.tools.LocalStack;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.store.EventStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An upper bound for the live path on this stack: events/s of the pump's writes alone (the claim in the event-id
 * table, the index entries not written yet, then the event in the events table), written with the pump's own code
 * ({@link DynamoEventLog#recordAll}, {@link DynamoEventLog#write}) in batches of 500 events (two for each of 250
 * aggregates) from two threads (one per event-stream shard), into copies of the template's three tables. Nothing else
 * runs meanwhile: no reads, no Kinesis, no projection.
 */
final class PumpWriteBound {
    private static final int BATCH = 500;
    private static final int THREADS = 2;
    /** Aggregates per thread: each batch has two events of each, as the bench's traffic has several per aggregate. */
    private static final int AGGREGATES = 250;

    private PumpWriteBound() {
    }

    static double measure(LocalStack stack, Duration duration) throws Exception {
        DynamoDbClient dynamo = stack.dynamoDb();
        String events = copy(dynamo, stack.physicalName("EventsTable"));
        String ids = copy(dynamo, stack.physicalName("EventIdsTable"));
        String index = copy(dynamo, stack.physicalName("EventIndexTable"));
        try {
            DynamoEventLog log = new DynamoEventLog(dynamo, events, ids, new DynamoIndexWriter(dynamo, index, IndexKeys.DEFAULT_BUCKETS), null);
            AtomicLong threads = new AtomicLong();
            ThreadLocal<long[]> versions = ThreadLocal.withInitial(() -> new long[AGGREGATES]);
            ThreadLocal<Long> thread = ThreadLocal.withInitial(threads::incrementAndGet);
            Runnable batch = () -> {
                List<EventStatus> claims = new ArrayList<>(BATCH);
                List<EventEnvelope> written = new ArrayList<>(BATCH);
                Instant now = Instant.now();
                long[] latest = versions.get();
                for (int i = 0; i < BATCH; i++) {
                    String aggregate = "bound-" + thread.get() + "-" + (i % AGGREGATES);
                    long version = ++latest[i % AGGREGATES];
                    EventEnvelope e = new EventEnvelope(UUID.randomUUID().toString(), aggregate, "MoneyDeposited", 2, version, null,
                            now, now, JsonNodeFactory.instance.objectNode().put("amount", (1 + i % 100) + ".25"), null, EventMetadata.NONE);
                    claims.add(new EventStatus.Claimed(e.eventId(), aggregate, version, now));
                    written.add(e);
                }
                log.recordAll(claims);
                log.write(written);
            };
            run(batch, Duration.ofSeconds(1));
            return run(batch, duration);
        } finally {
            dynamo.deleteTable(b -> b.tableName(events));
            dynamo.deleteTable(b -> b.tableName(ids));
            dynamo.deleteTable(b -> b.tableName(index));
        }
    }

    private static double run(Runnable batch, Duration duration) throws Exception {
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime(), end = start + duration.toNanos();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                work.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        batch.run();
                        done.addAndGet(BATCH);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
        } finally {
            pool.shutdownNow();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    /** A new, empty table with the key schema and indexes of {@code table}. */
    private static String copy(DynamoDbClient dynamo, String table) {
        TableDescription d = dynamo.describeTable(b -> b.tableName(table)).table();
        String name = "bound-" + UUID.randomUUID();
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        if (d.hasGlobalSecondaryIndexes()) {
            d.globalSecondaryIndexes().forEach(i -> indexes.add(GlobalSecondaryIndex.builder().indexName(i.indexName())
                    .keySchema(i.keySchema()).projection(i.projection()).build()));
        }
        dynamo.createTable(b -> {
            b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(d.attributeDefinitions())
                    .keySchema(d.keySchema());
            if (!indexes.isEmpty()) b.globalSecondaryIndexes(indexes);
        });
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }
}

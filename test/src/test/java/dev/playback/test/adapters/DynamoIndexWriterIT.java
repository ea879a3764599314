package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.replay.TimeField;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link DynamoIndexWriter} on dynalite: each entry written once per container (one DynamoDB client), a day entry
 * written again only for a new type that day (never for a new hour), and a new container reads what is there instead
 * of writing it again.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoIndexWriterIT {
    /** Counts the calls of one client by operation, and the items its writes put or update. */
    private static final class Calls implements ExecutionInterceptor {
        final Map<String, Integer> byOperation = new TreeMap<>();
        int itemsWritten;

        @Override
        public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            String operation = context.request().getClass().getSimpleName().replace("Request", "");
            byOperation.merge(operation, 1, Integer::sum);
            if (context.request() instanceof BatchWriteItemRequest batch) {
                batch.requestItems().values().forEach(writes -> itemsWritten += writes.size());
            } else if (operation.startsWith("Put") || operation.startsWith("Update")) {
                itemsWritten++;
            }
        }

        /** The items written since the last call: each a write unit, as every index item is under 1 KB. */
        synchronized int takeItemsWritten() {
            int n = itemsWritten;
            itemsWritten = 0;
            return n;
        }

        synchronized Map<String, Integer> takeWrites() {
            Map<String, Integer> writes = new TreeMap<>();
            byOperation.forEach((op, n) -> {
                if (op.startsWith("Put") || op.startsWith("Update") || op.startsWith("BatchWrite")) writes.put(op, n);
            });
            byOperation.clear();
            return writes;
        }
    }

    private static EventEnvelope event(String aggregateId, long version, String type, String at) {
        return new EventEnvelope(aggregateId + "-" + version, aggregateId, type, 1, version, null, Instant.parse(at), Instant.parse(at),
                json("{}"), null, EventMetadata.NONE);
    }

    @Test
    void writesEachEntryOnceInAContainer_andADayAgainOnlyForANewType() {
        Calls calls = new Calls();
        DynamoDbClient dynamo = Emulated.dynamoDb(List.of(calls));
        DynamoIndexWriter writer = new DynamoIndexWriter(dynamo, Emulated.eventIndexTable(Emulated.dynamoDb()), IndexKeys.DEFAULT_BUCKETS);

        writer.record(List.of(event("w-1", 1, "Opened", "2026-07-01T10:00:00Z"), event("w-1", 2, "Opened", "2026-07-01T10:20:00Z")));
        assertEquals(Map.of("PutItem", 1, "BatchWriteItem", 1, "UpdateItem", 2), calls.takeWrites(),
                "the bucket count, the aggregate and type entries in one batch, the recorded and occurred days");

        writer.record(List.of(event("w-1", 3, "Opened", "2026-07-01T10:40:00Z"), event("w-1", 4, "Opened", "2026-07-01T10:59:59Z")));
        assertEquals(Map.of(), calls.takeWrites(), "the same type in the same hour: nothing to write");

        writer.record(List.of(event("w-1", 5, "Closed", "2026-07-01T10:45:00Z")));
        assertEquals(Map.of("BatchWriteItem", 1, "UpdateItem", 2), calls.takeWrites(), "a new type: its entry, and both days widened");

        writer.record(List.of(event("w-1", 6, "Closed", "2026-07-01T12:05:00Z"), event("w-1", 7, "Opened", "2026-07-01T00:01:00Z")));
        assertEquals(Map.of(), calls.takeWrites(), "an earlier and a later hour of the same day and types: nothing to write");

        writer.record(List.of(event("w-1", 8, "Closed", "2026-07-02T09:00:00Z")));
        assertEquals(Map.of("UpdateItem", 2), calls.takeWrites(), "a new day: its recorded and occurred entries");
    }

    @Test
    void costsOnlyTheFirstBatchsEntriesFor100EventsOfOneAggregateRecordedOverTheWholeDayIn24Batches() {
        Calls calls = new Calls();
        DynamoIndexWriter writer = new DynamoIndexWriter(Emulated.dynamoDb(List.of(calls)), Emulated.eventIndexTable(Emulated.dynamoDb()),
                IndexKeys.DEFAULT_BUCKETS);
        // event i of 100 in hour i * 24 / 100 of 2026-07-05: 4 or 5 events in each of the 24 hours, one batch per hour
        List<List<EventEnvelope>> batches = new ArrayList<>();
        for (int hour = 0; hour < 24; hour++) batches.add(new ArrayList<>());
        for (int i = 0; i < 100; i++) {
            int hour = i * 24 / 100;
            batches.get(hour).add(event("d-1", i + 1, "Deposited", String.format("2026-07-05T%02d:%02d:00Z", hour, i % 60)));
        }

        writer.record(batches.get(0));
        Map<String, Integer> firstWrites = calls.takeWrites();
        int firstItems = calls.takeItemsWritten();
        Map<String, Integer> laterWrites = new TreeMap<>();
        for (List<EventEnvelope> batch : batches.subList(1, 24)) {
            writer.record(batch);
            calls.takeWrites().forEach((operation, n) -> laterWrites.merge(operation, n, Integer::sum));
        }
        int laterItems = calls.takeItemsWritten();
        System.out.printf("100 events of one aggregate over 24 hours of one day in 24 batches: first batch %s (%d items written), "
                + "the 23 later batches %s (%d items written): %.2f index write units per event%n",
                firstWrites, firstItems, laterWrites, laterItems, (firstItems + laterItems) / 100.0);

        assertEquals(Map.of("PutItem", 1, "BatchWriteItem", 1, "UpdateItem", 2), firstWrites,
                "the bucket count, the aggregate and type entries in one batch, the recorded and occurred days");
        assertEquals(5, firstItems, "the bucket count, the aggregate, the type, the recorded day and the occurred day");
        assertEquals(Map.of(), laterWrites, "later hours of the same day and type");
        assertEquals(0, laterItems);
    }

    @Test
    void aNewContainerReadsTheEntriesThatAreThereInsteadOfWritingThemAgain() {
        String table = Emulated.eventIndexTable(Emulated.dynamoDb());
        List<EventEnvelope> events = List.of(event("n-1", 1, "Opened", "2026-07-02T09:00:00Z"), event("n-2", 1, "Opened", "2026-07-02T09:30:00Z"));
        new DynamoIndexWriter(Emulated.dynamoDb(), table, IndexKeys.DEFAULT_BUCKETS).record(events);
        Calls calls = new Calls();

        new DynamoIndexWriter(Emulated.dynamoDb(List.of(calls)), table, IndexKeys.DEFAULT_BUCKETS).record(events);

        assertEquals(Map.of("PutItem", 1), calls.takeWrites(), "only the bucket count, checked once per container");
    }

    @Test
    void aContainerWhoseMemoryAnotherContainerMadeStaleReadsTheEntryInsteadOfWideningItAgain() {
        String table = Emulated.eventIndexTable(Emulated.dynamoDb());
        Calls calls = new Calls();
        DynamoIndexWriter first = new DynamoIndexWriter(Emulated.dynamoDb(List.of(calls)), table, IndexKeys.DEFAULT_BUCKETS);
        DynamoIndexWriter second = new DynamoIndexWriter(Emulated.dynamoDb(), table, IndexKeys.DEFAULT_BUCKETS);
        first.record(List.of(event("s-1", 1, "Opened", "2026-07-04T09:00:00Z")));
        second.record(List.of(event("s-1", 2, "Deposited", "2026-07-04T09:10:00Z")));
        calls.takeWrites();

        first.record(List.of(event("s-1", 3, "Deposited", "2026-07-04T09:20:00Z")));

        assertEquals(Map.of(), calls.takeWrites(), "the second container added the type to both days and wrote its type entry already");
    }

    @Test
    void keepsInADayEntryEveryTypeAnyWriterAdded_andNothingOfTheHours() {
        DynamoDbClient dynamo = Emulated.dynamoDb();
        String table = Emulated.eventIndexTable(dynamo);
        DynamoIndexWriter late = new DynamoIndexWriter(Emulated.dynamoDb(), table, IndexKeys.DEFAULT_BUCKETS);
        DynamoIndexWriter early = new DynamoIndexWriter(Emulated.dynamoDb(), table, IndexKeys.DEFAULT_BUCKETS);
        late.record(List.of(event("x-1", 2, "Deposited", "2026-07-03T15:00:00Z")));
        early.record(List.of(event("x-1", 1, "Opened", "2026-07-03T08:00:00Z")));
        late.record(List.of(event("x-1", 3, "Deposited", "2026-07-03T15:30:00Z")));

        var item = dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(Map.of(
                "p", software.amazon.awssdk.services.dynamodb.model.AttributeValue.builder().s("o#2026-07-03#" + IndexKeys.bucket("x-1", 32)).build(),
                "k", software.amazon.awssdk.services.dynamodb.model.AttributeValue.builder().s("x-1").build()))).item();
        assertEquals(Set.of("Deposited", "Opened"), Set.copyOf(item.get("types").ss()));
        assertEquals(Set.of("p", "k", "types"), item.keySet());
        assertEquals(Set.of("x-1"), new DynamoEventIndex(dynamo, Emulated.eventsTable(dynamo), table).inWindow(TimeField.OCCURRED_AT,
                Instant.parse("2026-07-03T00:00:00Z"), Instant.parse("2026-07-04T00:00:00Z"), List.of("Opened")),
                "a whole day: the entry alone names the aggregate (no event was written to check it against)");
        assertEquals(Set.of(), new DynamoEventIndex(dynamo, Emulated.eventsTable(dynamo), table).inWindow(TimeField.OCCURRED_AT,
                Instant.parse("2026-07-03T08:00:00Z"), Instant.parse("2026-07-03T16:00:00Z"), List.of("Opened")),
                "part of a day: the entry is checked against the aggregate's events, and none was written");
    }
}

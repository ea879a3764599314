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

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link DynamoIndexWriter} on dynalite: each entry written once per container (one DynamoDB client), widened only for
 * an event outside it, and a new container reads what is there instead of writing it again.
 */
class DynamoIndexWriterIT {
    /** Counts the calls of one client by operation. */
    private static final class Calls implements ExecutionInterceptor {
        final Map<String, Integer> byOperation = new TreeMap<>();

        @Override
        public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            byOperation.merge(context.request().getClass().getSimpleName().replace("Request", ""), 1, Integer::sum);
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
    void writesEachEntryOnceInAContainer_andWidensADayOnlyForANewTypeOrHour() {
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

        writer.record(List.of(event("w-1", 6, "Closed", "2026-07-01T12:05:00Z")));
        assertEquals(Map.of("UpdateItem", 4), calls.takeWrites(), "a later hour: both days widened, each by a conditional move");
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

        assertEquals(Map.of(), calls.takeWrites(), "the second container widened both days and wrote the type already");
    }

    @Test
    void leavesAnEntryAsWideAsTheWidestWriterMadeIt() {
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
        assertEquals("2026-07-03T08:00:00.000000000Z", item.get("firstHour").s());
        assertEquals("2026-07-03T15:00:00.000000000Z", item.get("lastHour").s());
        assertEquals(Set.of("x-1"), new DynamoEventIndex(dynamo, Emulated.eventsTable(dynamo), table).inWindow(TimeField.OCCURRED_AT,
                Instant.parse("2026-07-03T08:00:00Z"), Instant.parse("2026-07-03T16:00:00Z"), List.of("Opened")));
    }
}

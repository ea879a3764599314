package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.dynamodb.DynamoReindex;
import dev.playback.lambdas.aws.dynamodb.IndexKeys;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.replay.TimeField;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DynamoReindex} on dynalite: an empty index table, filled from the events table alone, answers every query. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoReindexIT {
    private static final DynamoDbClient DYNAMO = Emulated.dynamoDb();

    private static EventEnvelope event(String aggregateId, long version, String type, String at) {
        return new EventEnvelope(aggregateId + "-" + version, aggregateId, type, 1, version, null, Instant.parse(at), Instant.parse(at),
                json("{\"amount\":\"1.00\"}"), null, EventMetadata.NONE);
    }

    @Test
    void writesTheEntriesOfEveryEventOfTheEventsTable_soThatQueriesFindWhatTheyFindOnAnIndexWrittenByThePump() {
        String events = Emulated.eventsTable(DYNAMO);
        DynamoEventLog log = new DynamoEventLog(DYNAMO, events, Emulated.eventIdsTable(DYNAMO), Emulated.eventIndex(DYNAMO),
                new InMemoryPayloadStore());
        List<EventEnvelope> written = new ArrayList<>();
        for (int a = 0; a < 40; a++) {
            written.add(event("re-" + a, 1, "CounterCreated", "2026-03-01T10:00:00Z"));
            if (a % 4 == 0) written.add(event("re-" + a, 2, "CounterReset", "2026-03-02T10:30:00Z"));
        }
        assertEquals(List.of(), log.write(written));
        String empty = Emulated.eventIndexTable(DYNAMO);

        DynamoReindex.Result r = new DynamoReindex(DYNAMO, events, new DynamoIndexWriter(DYNAMO, empty, IndexKeys.DEFAULT_BUCKETS)).run(3);

        assertEquals(50, r.events());
        DynamoEventIndex index = new DynamoEventIndex(DYNAMO, events, empty);
        Set<String> reset = Set.of("re-0", "re-4", "re-8", "re-12", "re-16", "re-20", "re-24", "re-28", "re-32", "re-36");
        assertEquals(40, index.aggregateCount());
        assertEquals(reset, index.withTypes(List.of("CounterReset")));
        assertEquals(40, index.withTypes(List.of("CounterCreated")).size());
        assertEquals(reset, index.inWindow(TimeField.OCCURRED_AT, Instant.parse("2026-03-02T10:15:00Z"), Instant.parse("2026-03-02T10:45:00Z"),
                List.of()));
        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT, Instant.parse("2026-03-01T10:00:01Z"), Instant.parse("2026-03-02T10:30:00Z"),
                List.of()));
    }

    @Test
    void writesNothingIntoAnIndexTableThatWasWrittenWithAnotherNumberOfBuckets_andSaysSo() {
        String events = Emulated.eventsTable(DYNAMO);
        DynamoIndexWriter pump = Emulated.eventIndex(DYNAMO);
        DynamoEventLog log = new DynamoEventLog(DYNAMO, events, Emulated.eventIdsTable(DYNAMO), pump, new InMemoryPayloadStore());
        assertEquals(List.of(), log.write(List.of(event("nb-1", 1, "CounterCreated", "2026-03-01T10:00:00Z"))));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DynamoReindex(DYNAMO, events, new DynamoIndexWriter(DYNAMO, pump.table(), 7)).run(1));

        assertTrue(e.getMessage().contains(pump.table()) && e.getMessage().contains("EVENT_INDEX_BUCKETS"),
                e.getMessage());
    }
}

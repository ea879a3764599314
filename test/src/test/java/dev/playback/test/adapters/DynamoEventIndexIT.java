package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.model.replay.EventIndexContract;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * {@link DynamoEventIndex} keeps the event-index contract on dynalite: a fresh events table and event index table per
 * test, as template.yaml has them, written by {@link DynamoEventLog} with its {@link DynamoIndexWriter}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoEventIndexIT extends EventIndexContract<DynamoEventIndex> {
    private static final DynamoDbClient DYNAMO = Emulated.dynamoDb();

    @Override
    protected EventsTable<DynamoEventIndex> newEventsTable() {
        String events = Emulated.eventsTable(DYNAMO);
        DynamoIndexWriter index = Emulated.eventIndex(DYNAMO);
        DynamoEventLog log = new DynamoEventLog(DYNAMO, events, Emulated.eventIdsTable(DYNAMO), index, new InMemoryPayloadStore());
        return new EventsTable<>(log, new DynamoEventIndex(DYNAMO, events, index.table()));
    }
}

package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.model.replay.EventIndexContract;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@link DynamoEventIndex} keeps the event-index contract on dynalite: a fresh events table per test, with the
 * indexes of template.yaml, written by {@link DynamoEventLog}.
 */
class DynamoEventIndexIT extends EventIndexContract<DynamoEventIndex> {
    private static final DynamoDbClient DYNAMO = Emulated.dynamoDb();

    @Override
    protected EventsTable<DynamoEventIndex> newEventsTable() {
        String events = Emulated.eventsTable(DYNAMO);
        DynamoEventLog log = new DynamoEventLog(DYNAMO, events, Emulated.eventIdsTable(DYNAMO), new InMemoryPayloadStore());
        return new EventsTable<>(log, new DynamoEventIndex(DYNAMO, events));
    }
}

package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.ReplayStoreContract;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@link DynamoReplayStore} keeps the replay-store contract on dynalite: a fresh data table per test. */
class DynamoReplayStoreIT extends ReplayStoreContract {
    private static final DynamoDbClient DYNAMO = Emulated.dynamoDb();

    @Override
    protected ReplayStore newReplayStore() {
        return new DynamoReplayStore(DYNAMO, Emulated.dataTable(DYNAMO));
    }
}

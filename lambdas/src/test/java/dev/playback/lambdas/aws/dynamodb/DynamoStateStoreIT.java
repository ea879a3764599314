package dev.playback.lambdas.aws.dynamodb;

import dev.playback.lambdas.aws.Emulated;
import dev.playback.model.store.StateStore;
import dev.playback.model.store.StateStoreContract;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@link StateStoreContract} against dynalite (skipped unless {@code PLAYBACK_IT_DYNAMODB} is set). */
class DynamoStateStoreIT extends StateStoreContract {
    private static DynamoDbClient dynamo;

    @Override
    protected StateStore newStateStore() {
        if (dynamo == null) dynamo = Emulated.dynamoDb();
        return new DynamoStateStore(dynamo, Emulated.dataTable(dynamo));
    }
}

package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.model.store.StateStore;
import dev.playback.model.store.StateStoreContract;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** {@link DynamoStateStore} keeps the data-store contract on dynalite: a fresh table per test. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoStateStoreIT extends StateStoreContract {
    /** The test JVM's shared dynalite ({@link Emulated}). */
    private static final DynamoDbClient dynamo = Emulated.dynamoDb();

    @Override
    protected StateStore newStateStore() {
        return new DynamoStateStore(dynamo, FreshResources.dataTable(dynamo));
    }
}

package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.playback.model.store.StateStore;
import dev.playback.model.store.StateStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@link DynamoStateStore} keeps the data-store contract on dynalite: a fresh table per test. */
class DynamoStateStoreIT extends StateStoreContract {
    private static Emulators emulators;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void startEmulators() {
        emulators = Emulators.start(EmulatorOptions.inMemory());
        dynamo = emulators.dynamoDbClient();
    }

    @AfterAll
    static void stopEmulators() {
        if (dynamo != null) dynamo.close();
        if (emulators != null) emulators.close();
    }

    @Override
    protected StateStore newStateStore() {
        return new DynamoStateStore(dynamo, FreshResources.dataTable(dynamo));
    }
}

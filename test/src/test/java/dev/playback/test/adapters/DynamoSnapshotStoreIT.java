package dev.playback.test.adapters;

import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.playback.lambdas.aws.dynamodb.DynamoSnapshotStore;
import dev.playback.model.snapshot.SnapshotStore;
import dev.playback.model.snapshot.SnapshotStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@link DynamoSnapshotStore} keeps the snapshot-store contract on dynalite: a fresh table per test. */
class DynamoSnapshotStoreIT extends SnapshotStoreContract {
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
    protected SnapshotStore newStore() {
        return new DynamoSnapshotStore(dynamo, FreshResources.snapshotTable(dynamo));
    }
}

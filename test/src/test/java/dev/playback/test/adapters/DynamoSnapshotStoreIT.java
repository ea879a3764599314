package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoSnapshotStore;
import dev.playback.model.snapshot.SnapshotStore;
import dev.playback.model.snapshot.SnapshotStoreContract;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** {@link DynamoSnapshotStore} keeps the snapshot-store contract on dynalite: a fresh table per test. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoSnapshotStoreIT extends SnapshotStoreContract {
    /** The test JVM's shared dynalite ({@link Emulated}). */
    private static final DynamoDbClient dynamo = Emulated.dynamoDb();

    @Override
    protected SnapshotStore newStore() {
        return new DynamoSnapshotStore(dynamo, FreshResources.snapshotTable(dynamo));
    }
}

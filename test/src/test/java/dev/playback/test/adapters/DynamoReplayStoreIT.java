package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.ReplayStoreContract;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** {@link DynamoReplayStore} keeps the replay-store contract on dynalite: a fresh data table per test. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoReplayStoreIT extends ReplayStoreContract {
    private static final DynamoDbClient DYNAMO = Emulated.dynamoDb();

    @Override
    protected ReplayStore newReplayStore() {
        return new DynamoReplayStore(DYNAMO, Emulated.dataTable(DYNAMO));
    }
}

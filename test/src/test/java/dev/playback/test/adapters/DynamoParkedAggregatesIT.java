package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoParkedAggregates;
import dev.playback.model.parking.ParkedAggregates;
import dev.playback.model.parking.ParkedAggregatesContract;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** {@link DynamoParkedAggregates} keeps the parked-aggregates contract on dynalite: a fresh table per test. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoParkedAggregatesIT extends ParkedAggregatesContract {
    /** The test JVM's shared dynalite ({@link Emulated}). */
    private static final DynamoDbClient dynamo = Emulated.dynamoDb();

    @Override
    protected ParkedAggregates newParkedAggregates() {
        return new DynamoParkedAggregates(dynamo, FreshResources.parkedTable(dynamo));
    }
}

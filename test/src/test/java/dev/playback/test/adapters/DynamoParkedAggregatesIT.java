package dev.playback.test.adapters;

import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.playback.lambdas.aws.dynamodb.DynamoParkedAggregates;
import dev.playback.model.parking.ParkedAggregates;
import dev.playback.model.parking.ParkedAggregatesContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@link DynamoParkedAggregates} keeps the parked-aggregates contract on dynalite: a fresh table per test. */
class DynamoParkedAggregatesIT extends ParkedAggregatesContract {
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
    protected ParkedAggregates newParkedAggregates() {
        return new DynamoParkedAggregates(dynamo, FreshResources.parkedTable(dynamo));
    }
}

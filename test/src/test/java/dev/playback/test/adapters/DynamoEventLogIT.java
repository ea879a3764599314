package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.playback.model.store.EventLogContract;
import dev.playback.model.store.PayloadStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * {@link DynamoEventLog} keeps the events-table contract on dynalite, with claim-checked payloads in S3 (s3mock):
 * fresh tables and a fresh bucket per test, one set of emulators for the class.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoEventLogIT extends EventLogContract<DynamoEventLog> {
    private static Emulators emulators;
    private static DynamoDbClient dynamo;
    private static S3Client s3;

    @BeforeAll
    static void startEmulators() {
        emulators = Emulators.start(EmulatorOptions.inMemory());
        dynamo = emulators.dynamoDbClient();
        s3 = emulators.s3Client();
    }

    @AfterAll
    static void stopEmulators() {
        if (dynamo != null) dynamo.close();
        if (s3 != null) s3.close();
        if (emulators != null) emulators.close();
    }

    @Override
    protected PayloadStore newPayloadStore() {
        return new S3PayloadStore(s3, FreshResources.bucket(s3));
    }

    @Override
    protected DynamoEventLog newEventLog(PayloadStore payloads) {
        return new DynamoEventLog(dynamo, FreshResources.eventsTable(dynamo), FreshResources.eventIdsTable(dynamo),
                Emulated.eventIndex(dynamo), payloads);
    }
}

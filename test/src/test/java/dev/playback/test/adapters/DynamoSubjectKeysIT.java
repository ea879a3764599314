package dev.playback.test.adapters;

import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.playback.lambdas.aws.dynamodb.DynamoSubjectKeys;
import dev.playback.lambdas.aws.dynamodb.KeyWrapping;
import dev.playback.model.privacy.SubjectKeys;
import dev.playback.model.privacy.SubjectKeysContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@link DynamoSubjectKeys} (raw keys, as on the local stack) keeps the subject-keys contract on dynalite: a fresh table per test. */
class DynamoSubjectKeysIT extends SubjectKeysContract {
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
    protected SubjectKeys keys() {
        return new DynamoSubjectKeys(dynamo, FreshResources.subjectKeyTable(dynamo), KeyWrapping.NONE);
    }
}

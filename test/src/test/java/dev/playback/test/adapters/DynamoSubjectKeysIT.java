package dev.playback.test.adapters;

import dev.playback.lambdas.aws.dynamodb.DynamoSubjectKeys;
import dev.playback.lambdas.aws.dynamodb.KeyWrapping;
import dev.playback.model.privacy.SubjectKeys;
import dev.playback.model.privacy.SubjectKeysContract;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** {@link DynamoSubjectKeys} (raw keys, as on the local stack) keeps the subject-keys contract on dynalite: a fresh table per test. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoSubjectKeysIT extends SubjectKeysContract {
    /** The test JVM's shared dynalite ({@link Emulated}). */
    private static final DynamoDbClient dynamo = Emulated.dynamoDb();

    @Override
    protected SubjectKeys keys() {
        return new DynamoSubjectKeys(dynamo, FreshResources.subjectKeyTable(dynamo), KeyWrapping.NONE);
    }
}

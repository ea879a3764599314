package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.privacy.SubjectKeys;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.util.Map;
import java.util.Optional;

/**
 * {@link SubjectKeys} in the stack's {@code SubjectKeyTable}: one item per subject, {@code {subject, key, wrapping}},
 * {@code key} as {@link KeyWrapping} stored it (raw locally, KMS-encrypted on AWS). A key is created with a conditional
 * put ({@code attribute_not_exists}); the caller that loses the race reads the winner's key (consistent read), so two
 * ingest containers agree on one key. {@link #forget} deletes the item.
 */
public final class DynamoSubjectKeys implements SubjectKeys {
    private final DynamoDbClient dynamo;
    private final String table;
    private final KeyWrapping wrapping;

    public DynamoSubjectKeys(DynamoDbClient dynamo, String table, KeyWrapping wrapping) {
        this.dynamo = dynamo;
        this.table = table;
        this.wrapping = wrapping;
    }

    @Override
    public byte[] keyFor(String subject) {
        Optional<byte[]> existing = find(subject);
        if (existing.isPresent()) return existing.get();
        KeyWrapping.NewKey created = wrapping.create(subject);
        try {
            dynamo.putItem(b -> b.tableName(table).item(Map.of(
                            "subject", AttributeValue.fromS(subject),
                            "key", AttributeValue.fromB(SdkBytes.fromByteArray(created.stored())),
                            "wrapping", AttributeValue.fromS(wrapping.name())))
                    .conditionExpression("attribute_not_exists(subject)"));
            return created.plain();
        } catch (ConditionalCheckFailedException lost) {
            return find(subject).orElseThrow(() -> new IllegalStateException("the key of subject " + subject + " in " + table
                    + " was created by another caller and deleted (forgotten) before it could be read; send the event again"));
        }
    }

    @Override
    public Optional<byte[]> find(String subject) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("subject", AttributeValue.fromS(subject)))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        String written = item.get("wrapping") == null ? "(none recorded)" : item.get("wrapping").s();
        if (!wrapping.name().equals(written)) {
            throw new IllegalStateException("the key of subject " + subject + " in " + table + " is wrapped '" + written
                    + "', this function reads keys wrapped '" + wrapping.name() + "'");
        }
        return Optional.of(wrapping.unwrap(subject, item.get("key").b().asByteArray()));
    }

    @Override
    public boolean forget(String subject) {
        Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(table)
                .key(Map.of("subject", AttributeValue.fromS(subject))).returnValues(ReturnValue.ALL_OLD)).attributes();
        return old != null && !old.isEmpty();
    }
}

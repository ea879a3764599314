package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.event.EventCodec;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.snapshot.SnapshotStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.playback.lambdas.aws.dynamodb.EventItems.n;
import static dev.playback.lambdas.aws.dynamodb.EventItems.s;
import static dev.playback.lambdas.aws.dynamodb.EventItems.text;

/**
 * The snapshots on DynamoDB, in their own table ({@code SnapshotTable}): key {@code pk = processor#logicVersion#aggregateId}
 * (S), {@code sk = version} (N); the state as JSON text and the latest occurred and recorded times of the events it
 * holds. The newest at or below a version are one Query, read backwards.
 */
public final class DynamoSnapshotStore implements SnapshotStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoSnapshotStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String key(String processor, String logicVersion, String aggregateId) {
        return processor + "#" + logicVersion + "#" + aggregateId;
    }

    @Override
    public void put(Snapshot snapshot) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(key(snapshot.processor(), snapshot.logicVersion(), snapshot.aggregateId())));
        item.put("sk", n(snapshot.version()));
        item.put("state", s(snapshot.state().toString()));
        item.put("latestOccurredAt", s(snapshot.latestOccurredAt().toString()));
        if (snapshot.latestRecordedAt() != null) item.put("latestRecordedAt", s(snapshot.latestRecordedAt().toString()));
        dynamo.putItem(p -> p.tableName(table).item(item));
    }

    @Override
    public List<Snapshot> latest(String processor, String logicVersion, String aggregateId, long atMost, int limit) {
        String pk = key(processor, logicVersion, aggregateId);
        var r = dynamo.query(q -> q.tableName(table).consistentRead(true).scanIndexForward(false).limit(limit)
                .keyConditionExpression("pk = :pk AND sk <= :v")
                .expressionAttributeValues(Map.of(":pk", s(pk), ":v", n(atMost))));
        return r.items().stream().map(item -> snapshot(processor, logicVersion, aggregateId, item)).toList();
    }

    private static Snapshot snapshot(String processor, String logicVersion, String aggregateId, Map<String, AttributeValue> item) {
        long version = Long.parseLong(item.get("sk").n());
        try {
            String recorded = text(item, "latestRecordedAt");
            return new Snapshot(processor, logicVersion, aggregateId, version, EventCodec.JSON.readTree(text(item, "state")),
                    Instant.parse(text(item, "latestOccurredAt")), recorded == null ? null : Instant.parse(recorded));
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot " + key(processor, logicVersion, aggregateId) + " at " + version + " is not JSON", e);
        }
    }

    @Override
    public void delete(String processor, String logicVersion, String aggregateId, long version) {
        dynamo.deleteItem(d -> d.tableName(table).key(Map.of("pk", s(key(processor, logicVersion, aggregateId)), "sk", n(version))));
    }
}

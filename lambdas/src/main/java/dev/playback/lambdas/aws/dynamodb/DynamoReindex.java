package dev.playback.lambdas.aws.dynamodb;

import dev.playback.lambdas.aws.dynamodb.IndexKeys.Described;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static dev.playback.lambdas.aws.dynamodb.EventItems.text;

/**
 * Writes the index entries of every event already in the events table (a table written before the index table existed,
 * or an index table emptied): parallel Scan segments of the events table (only the attributes the entries need), each
 * page's entries through {@link DynamoIndexWriter}, which skips what it wrote already. Running it again writes nothing
 * new; running it while the pump appends is safe (both only add entries and add types to day entries).
 */
public final class DynamoReindex {
    /** What a reindex read and wrote. */
    public record Result(long events, long pages) {
    }

    private final DynamoDbClient dynamo;
    private final String eventsTable;
    private final DynamoIndexWriter index;

    public DynamoReindex(DynamoDbClient dynamo, String eventsTable, DynamoIndexWriter index) {
        this.dynamo = dynamo;
        this.eventsTable = eventsTable;
        this.index = index;
    }

    /** Scans the events table in {@code segments} parallel segments and writes the entries of every event. */
    public Result run(int segments) {
        if (segments < 1) throw new IllegalArgumentException("a reindex needs at least 1 segment, not " + segments);
        AtomicLong events = new AtomicLong(), pages = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(segments, 16));
        try {
            List<CompletableFuture<Void>> work = new ArrayList<>();
            for (int s = 0; s < segments; s++) {
                int segment = s;
                work.add(CompletableFuture.runAsync(() -> segment(segment, segments, events, pages), pool));
            }
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        } finally {
            pool.shutdownNow();
        }
        return new Result(events.get(), pages.get());
    }

    private void segment(int segment, int segments, AtomicLong events, AtomicLong pages) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            ScanResponse r = dynamo.scan(q -> q.tableName(eventsTable).segment(segment).totalSegments(segments).consistentRead(true)
                    .projectionExpression("aggregateId, #type, occurredAt, recordedAt").expressionAttributeNames(Map.of("#type", "type"))
                    .exclusiveStartKey(exclusiveStart));
            List<Described> described = new ArrayList<>(r.items().size());
            for (Map<String, AttributeValue> item : r.items()) {
                String recorded = text(item, "recordedAt");
                described.add(new Described(text(item, "aggregateId"), text(item, "type"), Instant.parse(text(item, "occurredAt")),
                        recorded == null ? null : Instant.parse(recorded)));
            }
            index.recordDescribed(described);
            events.addAndGet(described.size());
            pages.incrementAndGet();
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
    }
}

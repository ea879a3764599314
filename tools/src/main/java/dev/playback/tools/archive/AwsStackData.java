package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.gateway.DynamoCommandLog;
import dev.playback.lambdas.aws.gateway.S3QueryRecords;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.QueryRecords;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.replay.EventIndex;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.PayloadStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stack's data in DynamoDB and S3 (a local stack's emulators or a deployed stack), through the lambdas' adapters:
 * the events table and its event-id table ({@link DynamoEventLog}, which writes the index entries before the events),
 * the event index table, the payload bucket, the record bucket ({@link S3QueryRecords}) and the command logs in the
 * data table ({@link DynamoCommandLog}).
 */
public final class AwsStackData implements StackData {
    /** The physical names of the tables and buckets an archive reads or writes. */
    public record Names(String eventsTable, String eventIdsTable, String indexTable, String dataTable, String payloadBucket,
                        String recordBucket) {
    }

    /** How {@link #allAggregates} finds every aggregate. */
    public enum WholeTable {
        /** Parallel keys-only Scan segments of the events table (a local stack: nothing else reads it). */
        SCAN,
        /** The event index table's aggregate entries, never a read of the events table (a deployed stack). */
        INDEX
    }

    private static final int SCAN_SEGMENTS = 8;
    private static final String QUERIES = "queries/";

    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final Names names;
    private final String where;
    private final WholeTable wholeTable;
    private final List<String> processors;
    private final DynamoEventLog log;
    private final DynamoEventIndex index;
    private final S3PayloadStore payloads;
    private final S3QueryRecords queries;
    private final DynamoCommandLog commands;
    private final List<AutoCloseable> owned;
    private volatile Map<String, List<String>> queryKeys;

    public AwsStackData(DynamoDbClient dynamo, S3Client s3, Names names, int indexBuckets, List<String> processors,
                        WholeTable wholeTable, String where, List<AutoCloseable> owned) {
        this.dynamo = dynamo;
        this.s3 = s3;
        this.names = names;
        this.where = where;
        this.wholeTable = wholeTable;
        this.processors = List.copyOf(processors);
        this.owned = List.copyOf(owned);
        this.payloads = new S3PayloadStore(s3, names.payloadBucket());
        this.log = new DynamoEventLog(dynamo, names.eventsTable(), names.eventIdsTable(),
                new DynamoIndexWriter(dynamo, names.indexTable(), indexBuckets), payloads);
        this.index = new DynamoEventIndex(dynamo, names.eventsTable(), names.indexTable());
        this.queries = new S3QueryRecords(s3, names.recordBucket());
        this.commands = new DynamoCommandLog(dynamo, names.dataTable());
    }

    public Names names() {
        return names;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public S3Client s3() {
        return s3;
    }

    /** The event an events-table item read another way (e.g. from the table's export to S3) holds, its payload read back. */
    public dev.playback.model.event.EventEnvelope eventOf(Map<String, AttributeValue> item) {
        return log.fromItem(item);
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public EventStore events() {
        return log;
    }

    @Override
    public EventLog log() {
        return log;
    }

    @Override
    public EventIndex index() {
        return index;
    }

    @Override
    public PayloadStore payloads() {
        return payloads;
    }

    @Override
    public QueryRecords queries() {
        return queries;
    }

    @Override
    public CommandLog commands() {
        return commands;
    }

    @Override
    public List<String> commandProcessors() {
        return processors;
    }

    /** Many events' entries per BatchGetItem ({@link DynamoCommandLog#forEvents}), not one request per event. */
    @Override
    public Map<String, List<dev.playback.model.gateway.LoggedCommand>> commandsOf(String processor, List<String> eventIds) {
        return commands.forEvents(processor, eventIds);
    }

    @Override
    public List<String> allAggregates() {
        if (wholeTable == WholeTable.INDEX) return List.copyOf(index.allAggregates());
        List<CompletableFuture<Set<String>>> segments = new ArrayList<>();
        for (int s = 0; s < SCAN_SEGMENTS; s++) {
            int segment = s;
            segments.add(CompletableFuture.supplyAsync(() -> scanKeys(segment)));
        }
        Set<String> all = new TreeSet<>();
        segments.forEach(f -> all.addAll(f.join()));
        return List.copyOf(all);
    }

    private Set<String> scanKeys(int segment) {
        Set<String> ids = new TreeSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse r = dynamo.scan(q -> q.tableName(names.eventsTable()).segment(segment).totalSegments(SCAN_SEGMENTS)
                    .projectionExpression("aggregateId").exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) ids.add(item.get("aggregateId").s());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return ids;
    }

    /**
     * The answers recorded for {@code eventId}: the record bucket's keys under {@code queries/} are listed once (one
     * List call per 1,000 answers, not one per event), then each of the event's answers is read.
     */
    @Override
    public List<RecordedQuery> queriesOf(String eventId) {
        List<RecordedQuery> out = new ArrayList<>();
        for (String key : queryKeys().getOrDefault(eventId, List.of())) {
            byte[] bytes = s3.getObjectAsBytes(g -> g.bucket(names.recordBucket()).key(key)).asByteArray();
            JsonNode n;
            try {
                n = ArchiveFormat.JSON.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("recorded query s3://" + names.recordBucket() + "/" + key + " is not JSON", e);
            }
            QueryKey k = new QueryKey(n.path("processor").asText(), n.path("eventId").asText(), CallSite.parse(n.path("callSite").asText()),
                    n.path("requestHash").asText());
            if (!k.path().equals(key)) {
                throw new IllegalStateException("recorded query s3://" + names.recordBucket() + "/" + key + " names another key: " + k.path());
            }
            out.add(new RecordedQuery(k, n.get("request"), n.get("response"), n.path("recordedBy").asText()));
        }
        return out;
    }

    private Map<String, List<String>> queryKeys() {
        Map<String, List<String>> keys = queryKeys;
        if (keys != null) return keys;
        synchronized (this) {
            if (queryKeys != null) return queryKeys;
            Map<String, List<String>> byEvent = new ConcurrentHashMap<>();
            s3.listObjectsV2Paginator(l -> l.bucket(names.recordBucket()).prefix(QUERIES)).contents().forEach(o -> {
                // queries/<processor>/<eventId>/<gateway.name>/<requestHash>.json; an event id may hold '/'
                String rest = o.key().substring(QUERIES.length());
                int first = rest.indexOf('/');
                int last = rest.lastIndexOf('/');
                int site = last < 0 ? -1 : rest.lastIndexOf('/', last - 1);
                if (first < 0 || site <= first) return;
                byEvent.computeIfAbsent(rest.substring(first + 1, site), e -> new ArrayList<>()).add(o.key());
            });
            queryKeys = new HashMap<>(byEvent);
            return queryKeys;
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + c, e);
            }
        }
    }
}

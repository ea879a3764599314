package dev.playback.lambdas.aws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.EventIndex;
import dev.playback.model.replay.EventPage;
import dev.playback.model.replay.EventPages;
import dev.playback.model.replay.TimeField;
import dev.playback.model.replay.TimeKeys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.playback.lambdas.aws.dynamodb.EventItems.n;
import static dev.playback.lambdas.aws.dynamodb.EventItems.s;
import static dev.playback.lambdas.aws.dynamodb.EventItems.text;

/**
 * Reading the events table for replays: parallel Scan segments (consistent reads; payloads kept aside
 * stay references) and the indexes {@code byType}, {@code byRecordedDay}, {@code byOccurredDay}.
 */
public final class DynamoEventIndex implements EventPages, EventIndex {
    /** A time window spans at most this many day partitions (10 years). */
    public static final int MAX_DAYS = 3660;

    private final DynamoDbClient dynamo;
    private final String eventsTable;

    public DynamoEventIndex(DynamoDbClient dynamo, String eventsTable) {
        this.dynamo = dynamo;
        this.eventsTable = eventsTable;
    }

    @Override
    public EventPage page(int segment, int totalSegments, String lastKey, int limit) {
        Map<String, AttributeValue> start = lastKey == null ? null : key(lastKey);
        var r = dynamo.scan(q -> q.tableName(eventsTable).segment(segment).totalSegments(totalSegments)
                .consistentRead(true).limit(limit).exclusiveStartKey(start));
        List<EventEnvelope> events = new ArrayList<>(r.items().size());
        for (Map<String, AttributeValue> item : r.items()) events.add(EventItems.fromItem(item));
        String next = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? keyJson(r.lastEvaluatedKey()) : null;
        return new EventPage(events, next);
    }

    static String keyJson(Map<String, AttributeValue> key) {
        ObjectNode n = EventCodec.JSON.createObjectNode();
        n.put("aggregateId", text(key, "aggregateId"));
        n.put("version", Long.parseLong(key.get("version").n()));
        return n.toString();
    }

    static Map<String, AttributeValue> key(String json) {
        try {
            JsonNode n = EventCodec.JSON.readTree(json);
            if (!n.hasNonNull("aggregateId") || !n.hasNonNull("version")) throw new IllegalArgumentException("scan key needs aggregateId and version: " + json);
            return Map.of("aggregateId", s(n.get("aggregateId").asText()), "version", n(n.get("version").asLong()));
        } catch (IOException e) {
            throw new UncheckedIOException("scan key is not JSON: " + json, e);
        }
    }

    @Override
    public Set<String> withTypes(Collection<String> types) {
        Set<String> out = new TreeSet<>();
        for (String type : types) {
            query(QueryRequest.builder().tableName(eventsTable).indexName("byType")
                    .keyConditionExpression("#t = :t").expressionAttributeNames(Map.of("#t", "type"))
                    .expressionAttributeValues(Map.of(":t", s(type))).projectionExpression("aggregateId").build(), out);
        }
        return out;
    }

    @Override
    public Set<String> inWindow(TimeField field, Instant since, Instant until, Collection<String> types) {
        if (!since.isBefore(until)) return Set.of();
        boolean recorded = field == TimeField.RECORDED_AT;
        String index = recorded ? "byRecordedDay" : "byOccurredDay";
        String dayAttribute = recorded ? "recordedDay" : "occurredDay";
        String keyAttribute = recorded ? "recordedKey" : "occurredKey";
        LocalDate first = LocalDate.ofInstant(since, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(until, ZoneOffset.UTC);
        if (ChronoUnit.DAYS.between(first, last) > MAX_DAYS) {
            throw new IllegalArgumentException("time window " + since + " .. " + until + " spans more than " + MAX_DAYS + " days");
        }
        Set<String> out = new TreeSet<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            Map<String, String> names = new HashMap<>(Map.of("#d", dayAttribute, "#k", keyAttribute));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":d", s(day.toString()),
                    ":from", s(TimeKeys.time(since)), ":to", s(TimeKeys.time(until))));
            QueryRequest.Builder q = QueryRequest.builder().tableName(eventsTable).indexName(index)
                    .keyConditionExpression("#d = :d AND #k BETWEEN :from AND :to").projectionExpression("aggregateId");
            if (!types.isEmpty()) {
                List<String> placeholders = new ArrayList<>();
                int i = 0;
                for (String type : types) {
                    placeholders.add(":t" + i);
                    values.put(":t" + i, s(type));
                    i++;
                }
                names.put("#t", "type");
                q.filterExpression("#t IN (" + String.join(", ", placeholders) + ")");
            }
            query(q.expressionAttributeNames(names).expressionAttributeValues(values).build(), out);
        }
        return out;
    }

    /** Runs the query through all its pages, collecting aggregate ids. {@code :to} is the exclusive end: keys are {@code <time>#...}. */
    private void query(QueryRequest request, Set<String> out) {
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse r = dynamo.query(request.toBuilder().exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : r.items()) out.add(text(item, "aggregateId"));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
    }
}

package dev.playback.test.live;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the live-path tests read back from the tables and the API, one way for all of them. */
final class LiveChecks {
    private LiveChecks() {
    }

    /** The number of items in {@code table} (a counting Scan over every page). */
    static long count(DynamoDbClient dynamo, String table) {
        return dynamo.scanPaginator(s -> s.tableName(table).select(Select.COUNT)).stream().mapToLong(ScanResponse::count).sum();
    }

    /** Every item of {@code table}, read consistently. */
    static List<Map<String, AttributeValue>> items(DynamoDbClient dynamo, String table) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        dynamo.scanPaginator(s -> s.tableName(table).consistentRead(true)).items().forEach(out::add);
        return out;
    }

    /** An aggregate's history ({@code GET /aggregates/{id}/events}) as {@code eventId@version}, in order. */
    static List<String> idsAndVersions(JsonNode history) {
        List<String> out = new ArrayList<>();
        history.path("events").forEach(e -> out.add(e.path("eventId").asText() + "@" + e.path("version").asLong()));
        return out;
    }
}

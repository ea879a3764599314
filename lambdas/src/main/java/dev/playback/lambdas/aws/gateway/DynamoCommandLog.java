package dev.playback.lambdas.aws.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.LoggedCommand;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command log in the data table: one item per (processor, event), {@code pk = cmd#<processor>#<eventId>},
 * holding its entries as a JSON array and a version. Appends are read-modify-write with a condition on the
 * version (no transactions), and skip an entry whose id is already there, so retries append nothing twice.
 */
public final class DynamoCommandLog implements CommandLog {
    private static final int MAX_ATTEMPTS = 20;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoCommandLog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String key(String processor, String eventId) {
        return "cmd#" + processor + "#" + eventId;
    }

    private record Stored(long version, List<LoggedCommand> entries) {
    }

    @Override
    public List<LoggedCommand> forEvent(String processor, String eventId) {
        return load(processor, eventId).entries();
    }

    private Stored load(String processor, String eventId) {
        var r = dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(Map.of("pk", AttributeValue.fromS(key(processor, eventId)))));
        if (!r.hasItem() || r.item().isEmpty()) return new Stored(0, List.of());
        Map<String, AttributeValue> item = r.item();
        List<LoggedCommand> entries = new ArrayList<>();
        try {
            for (JsonNode e : EventCodec.JSON.readTree(item.get("entries").s())) {
                entries.add(new LoggedCommand(processor, eventId, CallSite.parse(e.path("callSite").asText()), e.path("ordinal").asInt(),
                        Disposition.valueOf(e.path("disposition").asText()), e.get("command"), e.path("idempotencyKey").asText(),
                        e.path("replayId").textValue()));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("command log item " + key(processor, eventId) + " is not JSON", ex);
        }
        return new Stored(Long.parseLong(item.get("version").n()), entries);
    }

    @Override
    public void append(LoggedCommand entry) {
        String pk = key(entry.processor(), entry.eventId());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Stored stored = load(entry.processor(), entry.eventId());
            if (stored.entries().stream().anyMatch(e -> e.entryId().equals(entry.entryId()))) return;
            ArrayNode array = EventCodec.JSON.createArrayNode();
            List<LoggedCommand> all = new ArrayList<>(stored.entries());
            all.add(entry);
            for (LoggedCommand c : all) {
                ObjectNode o = array.addObject();
                o.put("callSite", c.site().id()).put("ordinal", c.ordinal()).put("disposition", c.disposition().name())
                        .put("idempotencyKey", c.idempotencyKey());
                if (c.replayId() != null) o.put("replayId", c.replayId());
                o.set("command", c.command());
            }
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(pk));
            item.put("processor", AttributeValue.fromS(entry.processor()));
            item.put("eventId", AttributeValue.fromS(entry.eventId()));
            item.put("version", AttributeValue.fromN(Long.toString(stored.version() + 1)));
            item.put("entries", AttributeValue.fromS(array.toString()));
            try {
                if (stored.version() == 0) {
                    dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
                } else {
                    dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression("version = :v")
                            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(stored.version())))));
                }
                return;
            } catch (ConditionalCheckFailedException e) {
                // another writer appended first: read again
            }
        }
        throw new IllegalStateException("command log item " + pk + " kept changing under concurrent writers; gave up after "
                + MAX_ATTEMPTS + " attempts");
    }
}

package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.parking.Parked;
import dev.playback.model.parking.ParkedAggregates;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parked aggregates in their own table ({@code ParkedTable}): partition key {@code processor}, sort key
 * {@code aggregateId}, then {@code generation}, {@code eventId}, {@code version}, {@code errorClass},
 * {@code errorMessage} and {@code parkedAt} (ISO-8601). A processor reads its partition with one consistent Query per
 * batch (usually empty); the table stays as small as the number of parked aggregates.
 */
public final class DynamoParkedAggregates implements ParkedAggregates {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoParkedAggregates(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void park(Parked p) {
        Map<String, AttributeValue> item = new HashMap<>(key(p.processor(), p.aggregateId()));
        if (p.generation() != null) item.put("generation", AttributeValue.fromS(p.generation()));
        item.put("eventId", AttributeValue.fromS(p.eventId()));
        item.put("version", AttributeValue.fromN(Long.toString(p.version())));
        item.put("errorClass", AttributeValue.fromS(p.errorClass()));
        if (!p.errorMessage().isEmpty()) item.put("errorMessage", AttributeValue.fromS(p.errorMessage()));
        item.put("parkedAt", AttributeValue.fromS(p.parkedAt().toString()));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Set<String> aggregates(String processor) {
        Set<String> ids = new LinkedHashSet<>();
        dynamo.queryPaginator(q -> q.tableName(table).consistentRead(true).keyConditionExpression("#p = :p")
                        .expressionAttributeNames(Map.of("#p", "processor")).expressionAttributeValues(Map.of(":p", AttributeValue.fromS(processor)))
                        .projectionExpression("aggregateId"))
                .items().forEach(i -> ids.add(i.get("aggregateId").s()));
        return ids;
    }

    @Override
    public Optional<Parked> find(String processor, String aggregateId) {
        var r = dynamo.getItem(g -> g.tableName(table).key(key(processor, aggregateId)).consistentRead(true));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(parked(r.item())) : Optional.empty();
    }

    @Override
    public List<Parked> all() {
        return dynamo.scanPaginator(s -> s.tableName(table).consistentRead(true)).items().stream().map(DynamoParkedAggregates::parked)
                .sorted(Comparator.comparing(Parked::processor).thenComparing(Parked::aggregateId)).toList();
    }

    @Override
    public boolean remove(String processor, String aggregateId) {
        var r = dynamo.deleteItem(d -> d.tableName(table).key(key(processor, aggregateId)).returnValues(ReturnValue.ALL_OLD));
        return r.hasAttributes() && !r.attributes().isEmpty();
    }

    private static Map<String, AttributeValue> key(String processor, String aggregateId) {
        return Map.of("processor", AttributeValue.fromS(processor), "aggregateId", AttributeValue.fromS(aggregateId));
    }

    private static Parked parked(Map<String, AttributeValue> i) {
        String message = i.containsKey("errorMessage") ? i.get("errorMessage").s() : "";
        return new Parked(i.get("processor").s(), i.get("aggregateId").s(), i.containsKey("generation") ? i.get("generation").s() : null,
                i.get("eventId").s(), Long.parseLong(i.get("version").n()), i.get("errorClass").s(), message,
                Instant.parse(i.get("parkedAt").s()));
    }
}

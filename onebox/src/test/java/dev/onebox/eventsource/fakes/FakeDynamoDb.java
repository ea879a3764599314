package dev.onebox.eventsource.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** An in-memory DynamoDB with describe/create table and get/put item. */
public final class FakeDynamoDb implements DynamoDbClient {
    public final Map<String, CreateTableRequest> created = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Map<String, AttributeValue>>> items = new ConcurrentHashMap<>();

    @Override
    public DescribeTableResponse describeTable(DescribeTableRequest request) {
        CreateTableRequest table = created.get(request.tableName());
        if (table == null) {
            throw ResourceNotFoundException.builder().message("Table not found: " + request.tableName()).build();
        }
        return DescribeTableResponse.builder().table(t -> t.tableName(request.tableName())
                .tableStatus(TableStatus.ACTIVE).keySchema(table.keySchema())).build();
    }

    @Override
    public CreateTableResponse createTable(CreateTableRequest request) {
        if (created.putIfAbsent(request.tableName(), request) != null) {
            throw ResourceInUseException.builder().message("Table exists: " + request.tableName()).build();
        }
        items.put(request.tableName(), new ConcurrentHashMap<>());
        return CreateTableResponse.builder().build();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        Map<String, AttributeValue> item = table(request.tableName()).get(key(request.tableName(), request.key()));
        return GetItemResponse.builder().item(item).build();
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        table(request.tableName()).put(key(request.tableName(), request.item()), Map.copyOf(request.item()));
        return PutItemResponse.builder().build();
    }

    public List<Map<String, AttributeValue>> items(String table) {
        return new ArrayList<>(table(table).values());
    }

    private Map<String, Map<String, AttributeValue>> table(String name) {
        Map<String, Map<String, AttributeValue>> table = items.get(name);
        if (table == null) {
            throw ResourceNotFoundException.builder().message("Table not found: " + name).build();
        }
        return table;
    }

    private String key(String table, Map<String, AttributeValue> item) {
        Map<String, String> key = new TreeMap<>();
        for (KeySchemaElement element : created.get(table).keySchema()) {
            AttributeValue value = item.get(element.attributeName());
            if (value == null) {
                throw new IllegalArgumentException("Missing key attribute " + element.attributeName());
            }
            key.put(element.attributeName(), value.toString());
        }
        return key.toString();
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {
    }
}

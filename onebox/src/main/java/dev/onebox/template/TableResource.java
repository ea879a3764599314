package dev.onebox.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code AWS::DynamoDB::Table}. {@code attributeDefinitions} maps attribute name to its type (S, N, B);
 * {@code pointInTimeRecovery} is {@code PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled}.
 */
public record TableResource(String logicalId, String tableName, String arn, List<KeyElement> keySchema,
                            Map<String, String> attributeDefinitions, List<SecondaryIndex> globalSecondaryIndexes,
                            List<SecondaryIndex> localSecondaryIndexes, String billingMode,
                            Optional<Throughput> provisionedThroughput, Optional<String> streamViewType,
                            Optional<String> timeToLiveAttribute, boolean pointInTimeRecovery) implements TemplateResource {
    public TableResource {
        keySchema = List.copyOf(keySchema);
        attributeDefinitions = Map.copyOf(attributeDefinitions);
        globalSecondaryIndexes = List.copyOf(globalSecondaryIndexes);
        localSecondaryIndexes = List.copyOf(localSecondaryIndexes);
    }

    /** One element of a key schema: an attribute and its role, {@code HASH} or {@code RANGE}. */
    public record KeyElement(String attributeName, String keyType) {
    }

    /** A global or local secondary index. */
    public record SecondaryIndex(String indexName, List<KeyElement> keySchema, String projectionType,
                                 List<String> nonKeyAttributes, Optional<Throughput> provisionedThroughput) {
        public SecondaryIndex {
            keySchema = List.copyOf(keySchema);
            nonKeyAttributes = List.copyOf(nonKeyAttributes);
        }
    }

    /** Provisioned read and write capacity units. */
    public record Throughput(long readCapacityUnits, long writeCapacityUnits) {
    }
}

package dev.onebox.provision;

import dev.onebox.template.BucketResource;
import dev.onebox.template.StreamResource;
import dev.onebox.template.TableResource;
import dev.onebox.template.Template;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates every table, stream and bucket of a {@link Template} in the local emulators. Idempotent: what exists is kept
 * as it is (so a restart on persisted data keeps the data), what is missing is created, and it returns once every
 * table and stream is ACTIVE.
 *
 * <p>Kinesis calls pass the stream name, never only its ARN (kinesalite cannot look streams up by ARN); the
 * {@code KinesisClient} for kinesalite must be built with {@code aws.cborEnabled=false}.
 */
public final class Provisioner {
    private final DynamoDbClient dynamoDb;
    private final KinesisClient kinesis;
    private final S3Client s3;
    private final Duration timeout;
    private final Duration pollInterval;

    public Provisioner(DynamoDbClient dynamoDb, KinesisClient kinesis, S3Client s3) {
        this(dynamoDb, kinesis, s3, Duration.ofSeconds(60), Duration.ofMillis(50));
    }

    /** {@code timeout} bounds the wait for one table or stream to become ACTIVE. */
    public Provisioner(DynamoDbClient dynamoDb, KinesisClient kinesis, S3Client s3, Duration timeout,
                       Duration pollInterval) {
        this.dynamoDb = dynamoDb;
        this.kinesis = kinesis;
        this.s3 = s3;
        this.timeout = timeout;
        this.pollInterval = pollInterval;
    }

    /** What a run did for each resource. */
    public enum Outcome { CREATED, EXISTED }

    /** One provisioned resource: its kind ("table", "stream", "bucket"), physical name and outcome. */
    public record Provisioned(String kind, String name, Outcome outcome) {
    }

    /** Creates what is missing and waits until it is usable. */
    public List<Provisioned> provision(Template template) {
        List<Provisioned> result = new ArrayList<>();
        for (TableResource table : template.tables().values()) {
            result.add(new Provisioned("table", table.tableName(), createTable(table)));
        }
        for (StreamResource stream : template.streams().values()) {
            result.add(new Provisioned("stream", stream.streamName(), createStream(stream)));
        }
        for (BucketResource bucket : template.buckets().values()) {
            result.add(new Provisioned("bucket", bucket.bucketName(), createBucket(bucket.bucketName())));
        }
        for (TableResource table : template.tables().values()) {
            awaitTableActive(table.tableName());
            if (table.pointInTimeRecovery()) {
                // kept in the emulator's memory only: turned on again at every start, for an existing table too
                dynamoDb.updateContinuousBackups(b -> b.tableName(table.tableName())
                        .pointInTimeRecoverySpecification(s -> s.pointInTimeRecoveryEnabled(true)));
            }
        }
        for (StreamResource stream : template.streams().values()) {
            awaitStreamActive(stream.streamName());
        }
        return result;
    }

    Outcome createTable(TableResource table) {
        try {
            dynamoDb.describeTable(b -> b.tableName(table.tableName()));
            return Outcome.EXISTED;
        } catch (ResourceNotFoundException missing) {
            // created below
        }
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(table.tableName())
                .keySchema(keys(table.keySchema()))
                .attributeDefinitions(table.attributeDefinitions().entrySet().stream()
                        .map(a -> AttributeDefinition.builder().attributeName(a.getKey()).attributeType(a.getValue())
                                .build()).toList());
        boolean onDemand = table.billingMode().equals("PAY_PER_REQUEST");
        if (onDemand) {
            request.billingMode(BillingMode.PAY_PER_REQUEST);
        } else {
            request.billingMode(BillingMode.PROVISIONED).provisionedThroughput(throughput(table.provisionedThroughput()));
        }
        if (!table.globalSecondaryIndexes().isEmpty()) {
            request.globalSecondaryIndexes(table.globalSecondaryIndexes().stream().map(i -> {
                GlobalSecondaryIndex.Builder index = GlobalSecondaryIndex.builder().indexName(i.indexName())
                        .keySchema(keys(i.keySchema())).projection(projection(i));
                if (!onDemand) {
                    index.provisionedThroughput(throughput(i.provisionedThroughput()));
                }
                return index.build();
            }).toList());
        }
        if (!table.localSecondaryIndexes().isEmpty()) {
            request.localSecondaryIndexes(table.localSecondaryIndexes().stream().map(i -> LocalSecondaryIndex.builder()
                    .indexName(i.indexName()).keySchema(keys(i.keySchema())).projection(projection(i)).build()).toList());
        }
        table.streamViewType().ifPresent(view -> request.streamSpecification(StreamSpecification.builder()
                .streamEnabled(true).streamViewType(view).build()));
        try {
            dynamoDb.createTable(request.build());
            return Outcome.CREATED;
        } catch (ResourceInUseException createdMeanwhile) {
            return Outcome.EXISTED;
        }
    }

    Outcome createStream(StreamResource stream) {
        try {
            kinesis.describeStreamSummary(b -> b.streamName(stream.streamName()));
            return Outcome.EXISTED;
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException missing) {
            // created below
        }
        try {
            kinesis.createStream(b -> b.streamName(stream.streamName()).shardCount(stream.shardCount()));
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException createdMeanwhile) {
            return Outcome.EXISTED;
        }
        if (stream.retentionPeriodHours() > 24) {
            awaitStreamActive(stream.streamName());
            kinesis.increaseStreamRetentionPeriod(b -> b.streamName(stream.streamName())
                    .retentionPeriodHours(stream.retentionPeriodHours()));
        }
        return Outcome.CREATED;
    }

    Outcome createBucket(String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return Outcome.EXISTED;
        } catch (NoSuchBucketException missing) {
            // created below
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        try {
            s3.createBucket(b -> b.bucket(bucket));
            return Outcome.CREATED;
        } catch (BucketAlreadyOwnedByYouException createdMeanwhile) {
            return Outcome.EXISTED;
        }
    }

    /** Waits until the table is ACTIVE (bounded by the timeout). */
    public void awaitTableActive(String table) {
        await("table " + table, () -> dynamoDb.describeTable(b -> b.tableName(table)).table().tableStatus()
                == TableStatus.ACTIVE);
    }

    /** Waits until the stream is ACTIVE (bounded by the timeout). */
    public void awaitStreamActive(String stream) {
        await("stream " + stream, () -> kinesis.describeStreamSummary(b -> b.streamName(stream))
                .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    private void await(String what, java.util.function.BooleanSupplier active) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!active.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " is not ACTIVE after " + timeout);
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what + " to become ACTIVE", e);
            }
        }
    }

    private static List<KeySchemaElement> keys(List<TableResource.KeyElement> schema) {
        return schema.stream().map(k -> KeySchemaElement.builder().attributeName(k.attributeName())
                .keyType(k.keyType()).build()).toList();
    }

    private static Projection projection(TableResource.SecondaryIndex index) {
        Projection.Builder projection = Projection.builder().projectionType(index.projectionType());
        if (!index.nonKeyAttributes().isEmpty()) {
            projection.nonKeyAttributes(index.nonKeyAttributes());
        }
        return projection.build();
    }

    private static ProvisionedThroughput throughput(Optional<TableResource.Throughput> throughput) {
        TableResource.Throughput t = throughput.orElse(new TableResource.Throughput(5, 5));
        return ProvisionedThroughput.builder().readCapacityUnits(t.readCapacityUnits())
                .writeCapacityUnits(t.writeCapacityUnits()).build();
    }
}

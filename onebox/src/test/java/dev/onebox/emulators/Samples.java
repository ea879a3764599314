package dev.onebox.emulators;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;

/** Writes and reads a little data through each emulator, for the ITs and the child JVM. */
final class Samples {

  private Samples() {}

  static void createTable(DynamoDbClient dynamo, String table) {
    dynamo.createTable(b -> b.tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
    dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
  }

  static void putItem(DynamoDbClient dynamo, String table, String pk, String value) {
    dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk), "value", AttributeValue.fromS(value))));
  }

  static String getItem(DynamoDbClient dynamo, String table, String pk) {
    var item = dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))).consistentRead(true)).item();
    return item.isEmpty() ? null : item.get("value").s();
  }

  static void createStream(KinesisClient kinesis, String stream, int shards) {
    kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("stream " + stream + " not ACTIVE after 10 s");
      }
      Thread.onSpinWait();
    }
  }

  static PutRecordsResponse putRecords(KinesisClient kinesis, String stream, List<String> payloads) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      entries.add(PutRecordsRequestEntry.builder()
          .partitionKey("aggregate-" + i)
          .data(SdkBytes.fromUtf8String(payloads.get(i)))
          .build());
    }
    return kinesis.putRecords(b -> b.streamName(stream).records(entries));
  }

  /** Every record of every shard, from the trim horizon. */
  static List<String> readAll(KinesisClient kinesis, String stream) {
    List<String> payloads = new ArrayList<>();
    List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
    for (Shard shard : shards) {
      String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
        for (Record record : response.records()) {
          payloads.add(record.data().asUtf8String());
        }
        if (response.records().isEmpty() && Long.valueOf(0).equals(response.millisBehindLatest())) {
          break;
        }
        iterator = response.nextShardIterator();
      }
    }
    return payloads;
  }

  static void putObject(S3Client s3, String bucket, String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  static byte[] getObject(S3Client s3, String bucket, String key) {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }
}

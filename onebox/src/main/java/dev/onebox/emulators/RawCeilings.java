package dev.onebox.emulators;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Raw write ceilings of the local emulators on this machine, to compare the ingest path with.
 *
 * @param kinesisPutRecordsPerSecond kinesalite PutRecords, batches of {@value #KINESIS_BATCH}
 *     records of about 1 KB, {@code onebox.ceilings.kinesisThreads} threads (default 2), {@value #KINESIS_SHARDS} shards
 * @param dynamoDbBatchWriteItemsPerSecond dynalite BatchWriteItem, batches of {@value #DYNAMO_BATCH}
 *     items of about 1 KB, {@code onebox.ceilings.dynamoThreads} threads (default 4)
 * @param durationEach how long each of the two was measured
 */
public record RawCeilings(double kinesisPutRecordsPerSecond, double dynamoDbBatchWriteItemsPerSecond, Duration durationEach) {

  static final int KINESIS_BATCH = 500;
  static final int KINESIS_THREADS = Integer.getInteger("onebox.ceilings.kinesisThreads", 2);
  static final int KINESIS_SHARDS = 4;
  static final int DYNAMO_BATCH = 25;
  static final int DYNAMO_THREADS = Integer.getInteger("onebox.ceilings.dynamoThreads", 4);
  static final int PAYLOAD_BYTES = 1000;

  /** Measures both ceilings, one after the other, each for {@code durationEach} after an untimed warm-up. */
  public static RawCeilings measure(Emulators emulators, Duration durationEach) {
    double kinesis = measureKinesis(emulators, durationEach);
    double dynamo = measureDynamoDb(emulators, durationEach);
    return new RawCeilings(kinesis, dynamo, durationEach);
  }

  public String describe() {
    return String.format("kinesalite PutRecords: %,.0f records/s (batches of %d, ~1 KB, %d threads)%n"
            + "dynalite BatchWriteItem: %,.0f items/s (batches of %d, ~1 KB, %d threads)%n"
            + "(each measured for %d s on %d cores)",
        kinesisPutRecordsPerSecond, KINESIS_BATCH, KINESIS_THREADS,
        dynamoDbBatchWriteItemsPerSecond, DYNAMO_BATCH, DYNAMO_THREADS,
        durationEach.toSeconds(), Runtime.getRuntime().availableProcessors());
  }

  static double measureKinesis(Emulators emulators, Duration duration) {
    String stream = "raw-ceiling-" + UUID.randomUUID();
    try (KinesisClient kinesis = emulators.kinesisClient()) {
      kinesis.createStream(b -> b.streamName(stream).shardCount(KINESIS_SHARDS));
      waitUntilActive(kinesis, stream);
      byte[] payload = payload();
      List<PutRecordsRequestEntry> batch = new ArrayList<>(KINESIS_BATCH);
      for (int i = 0; i < KINESIS_BATCH; i++) {
        batch.add(PutRecordsRequestEntry.builder()
            .partitionKey("aggregate-" + i)
            .data(SdkBytes.fromByteArray(payload))
            .build());
      }
      Runnable putOnce = () -> {
        PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(batch));
        if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
          throw new IllegalStateException(response.failedRecordCount() + " records failed in PutRecords to " + stream);
        }
      };
      run(KINESIS_THREADS, warmUp(duration), KINESIS_BATCH, putOnce);
      double perSecond = run(KINESIS_THREADS, duration, KINESIS_BATCH, putOnce);
      kinesis.deleteStream(b -> b.streamName(stream));
      return perSecond;
    }
  }

  static double measureDynamoDb(Emulators emulators, Duration duration) {
    String table = "raw-ceiling-" + UUID.randomUUID();
    try (DynamoDbClient dynamo = emulators.dynamoDbClient()) {
      dynamo.createTable(b -> b.tableName(table)
          .billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
          .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
      dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
      String body = new String(payloadChars());
      Runnable writeOnce = () -> {
        List<WriteRequest> requests = new ArrayList<>(DYNAMO_BATCH);
        for (int i = 0; i < DYNAMO_BATCH; i++) {
          Map<String, AttributeValue> item = new HashMap<>();
          item.put("pk", AttributeValue.fromS(UUID.randomUUID().toString()));
          item.put("body", AttributeValue.fromS(body));
          requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        Map<String, List<WriteRequest>> pending = Map.of(table, requests);
        while (!pending.isEmpty()) {
          Map<String, List<WriteRequest>> current = pending;
          BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(current));
          pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
        }
      };
      run(DYNAMO_THREADS, warmUp(duration), DYNAMO_BATCH, writeOnce);
      double perSecond = run(DYNAMO_THREADS, duration, DYNAMO_BATCH, writeOnce);
      dynamo.deleteTable(b -> b.tableName(table));
      return perSecond;
    }
  }

  /** Untimed warm-up before each measurement (JIT of the client, V8 of the emulator): a third of it, at most 2 s. */
  private static Duration warmUp(Duration duration) {
    Duration third = duration.dividedBy(3);
    return third.compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : third;
  }

  private static void waitUntilActive(KinesisClient kinesis, String stream) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Stream " + stream + " is not ACTIVE after 30 s");
      }
      sleep(20);
    }
  }

  /** Calls {@code operation} from {@code threads} threads for {@code duration}; returns items per second. */
  private static double run(int threads, Duration duration, int itemsPerCall, Runnable operation) {
    AtomicLong calls = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          while (System.nanoTime() < end) {
            operation.run();
            calls.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while measuring", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Measurement failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return calls.get() * itemsPerCall / seconds;
  }

  private static byte[] payload() {
    byte[] bytes = new byte[PAYLOAD_BYTES];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  private static char[] payloadChars() {
    char[] chars = new char[PAYLOAD_BYTES];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) ('a' + ThreadLocalRandom.current().nextInt(26));
    }
    return chars;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}

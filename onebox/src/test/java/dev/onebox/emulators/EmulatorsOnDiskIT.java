package dev.onebox.emulators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EmulatorsOnDiskIT {

  @Test
  void restartWithTheSameDataDirectoryFindsEverythingWrittenBefore(@TempDir Path data) {
    Emulators.disableCbor();
    try (Emulators emulators = Emulators.start(EmulatorOptions.onDisk(data))) {
      System.out.println("on-disk emulators started in " + emulators.startupTime().toMillis() + " ms");
      try (DynamoDbClient dynamo = emulators.dynamoDbClient();
           KinesisClient kinesis = emulators.kinesisClient();
           S3Client s3 = emulators.s3Client()) {
        Samples.createTable(dynamo, "events");
        Samples.putItem(dynamo, "events", "order-1", "placed");
        Samples.createStream(kinesis, "event-stream", 1);
        Samples.putRecords(kinesis, "event-stream", List.of("e1", "e2", "e3"));
        s3.createBucket(b -> b.bucket("records"));
        Samples.putObject(s3, "records", "a/b.json", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
      }
    }
    try (Emulators emulators = Emulators.start(EmulatorOptions.onDisk(data))) {
      System.out.println("on-disk emulators restarted in " + emulators.startupTime().toMillis() + " ms");
      try (DynamoDbClient dynamo = emulators.dynamoDbClient();
           KinesisClient kinesis = emulators.kinesisClient();
           S3Client s3 = emulators.s3Client()) {
        assertEquals("placed", Samples.getItem(dynamo, "events", "order-1"));
        assertEquals(List.of("e1", "e2", "e3"), Samples.readAll(kinesis, "event-stream"));
        assertArrayEquals("{\"ok\":true}".getBytes(StandardCharsets.UTF_8), Samples.getObject(s3, "records", "a/b.json"));
      }
    }
  }

  /**
   * Every Query and Scan reads through a LevelDB iterator; one left open pins the files compaction replaced and the
   * process's memory for as long as the emulator runs. The supervisor logs how many are open when it stops.
   */
  @Test
  void queriesAndScansLeaveNoLevelDbIteratorOpen(@TempDir Path data) throws IOException {
    Emulators.disableCbor();
    Path log;
    try (Emulators emulators = Emulators.start(EmulatorOptions.onDisk(data))) {
      log = emulators.logDirectory().resolve("emulators.log");
      try (DynamoDbClient dynamo = emulators.dynamoDbClient()) {
        Samples.createTable(dynamo, "events");
        for (int i = 0; i < 20; i++) {
          Samples.putItem(dynamo, "events", "order-" + i, "placed");
        }
        for (int i = 0; i < 100; i++) {
          String key = "order-" + (i % 20);
          int found = dynamo.query(b -> b.tableName("events").keyConditionExpression("pk = :pk")
              .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(key))).consistentRead(true)).count();
          assertEquals(1, found);
        }
        for (int i = 0; i < 10; i++) {
          assertEquals(5, dynamo.scan(b -> b.tableName("events").limit(5)).count());
          assertEquals(20, dynamo.scan(b -> b.tableName("events")).count());
        }
      }
    }
    Matcher stopping = Pattern.compile("stopping: (\\d+) LevelDB iterators of the DynamoDB emulator open").matcher(Files.readString(log));
    assertTrue(stopping.find(), "the supervisor's log has no line on open iterators: " + log);
    assertEquals(0, Integer.parseInt(stopping.group(1)), "LevelDB iterators left open after 120 Queries and Scans");
  }
}

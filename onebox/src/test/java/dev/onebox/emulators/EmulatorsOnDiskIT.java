package dev.onebox.emulators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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
}

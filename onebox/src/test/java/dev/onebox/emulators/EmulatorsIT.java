package dev.onebox.emulators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EmulatorsIT {

  private Emulators emulators;

  @BeforeAll
  void start() {
    Emulators.disableCbor();
    emulators = Emulators.start(EmulatorOptions.inMemory());
    System.out.println("in-memory emulators started in " + emulators.startupTime().toMillis() + " ms: " + emulators);
  }

  @AfterAll
  void stop() {
    if (emulators != null) {
      emulators.close();
    }
  }

  @Test
  void endpointsAreOnLoopbackAndOnlyLoopbackSocketsAreOpen() throws Exception {
    for (var endpoint : List.of(emulators.dynamoDbEndpoint(), emulators.kinesisEndpoint(), emulators.s3Endpoint())) {
      assertEquals("127.0.0.1", endpoint.getHost(), endpoint.toString());
      assertTrue(endpoint.getPort() > 0, endpoint.toString());
    }
    if (ListeningSockets.supported()) {
      for (ProcessHandle process : emulators.processes()) {
        List<ListeningSockets.Socket> sockets = ListeningSockets.of(process);
        assertFalse(sockets.isEmpty(), "pid " + process.pid() + " listens on nothing");
        for (ListeningSockets.Socket socket : sockets) {
          assertTrue(socket.isLoopback(), "pid " + process.pid() + " listens on " + socket);
        }
      }
    }
  }

  @Test
  void dynamoDbTableTakesAndReturnsAnItem() {
    try (DynamoDbClient dynamo = emulators.dynamoDbClient()) {
      Samples.createTable(dynamo, "events");
      Samples.putItem(dynamo, "events", "order-1", "placed");
      assertEquals("placed", Samples.getItem(dynamo, "events", "order-1"));
      assertEquals(null, Samples.getItem(dynamo, "events", "order-2"));
    }
  }

  @Test
  void kinesisStreamReturnsPutRecordsInOrder() {
    try (KinesisClient kinesis = emulators.kinesisClient()) {
      Samples.createStream(kinesis, "event-stream", 2);
      List<String> payloads = IntStream.range(0, 300).mapToObj(i -> "event-" + i).toList();
      PutRecordsResponse response = Samples.putRecords(kinesis, "event-stream", payloads);
      assertEquals(0, response.failedRecordCount());
      List<String> read = Samples.readAll(kinesis, "event-stream");
      assertEquals(300, read.size());
      assertEquals(new java.util.HashSet<>(payloads), new java.util.HashSet<>(read));
      // per shard, records come back in the order they were put (partition key aggregate-i ⇒ shard)
      List<String> sorted = new ArrayList<>(read);
      sorted.sort(java.util.Comparator.comparingInt(s -> Integer.parseInt(s.substring(6))));
      assertEquals(payloads, sorted);
    }
  }

  @Test
  void s3KeepsAMegabyteObjectIntact() throws Exception {
    byte[] bytes = new byte[1024 * 1024 + 17];
    new Random(42).nextBytes(bytes);
    try (S3Client s3 = emulators.s3Client()) {
      s3.createBucket(b -> b.bucket("gateway-records"));
      Samples.putObject(s3, "gateway-records", "queries/2026/record-1.bin", bytes);
      byte[] read = Samples.getObject(s3, "gateway-records", "queries/2026/record-1.bin");
      assertEquals(sha256(bytes), sha256(read));
      assertArrayEquals(bytes, read);
    }
  }

  @Test
  void closeStopsEveryEmulatorProcess() throws Exception {
    // emulators of its own: the other tests share the class's
    Emulators own = Emulators.start(EmulatorOptions.inMemory());
    try {
      List<ProcessHandle> processes = own.processes();
      assertEquals(2, processes.size(), "supervisor and s3mock: " + processes);
      processes.forEach(p -> assertTrue(p.isAlive(), "pid " + p.pid() + " alive before close"));
      own.close();
      own.close();
      for (ProcessHandle process : processes) {
        assertFalse(process.isAlive(), "pid " + process.pid() + " still alive after close");
      }
      assertFalse(own.isRunning());
    } finally {
      own.close();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}

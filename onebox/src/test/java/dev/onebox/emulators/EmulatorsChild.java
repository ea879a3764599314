package dev.onebox.emulators;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Run in a child JVM by {@link EmulatorsKilledIT}: starts the emulators on the data directory
 * given as the first argument, writes one item, three records and one object, prints
 * {@code READY <jvm pid> <supervisor pid> <s3mock pid>} and waits to be killed
 * (at most 10 minutes, or until its parent JVM ends: then it stops the emulators and exits with 1).
 */
public final class EmulatorsChild {

  private static final Duration KILLED_WITHIN = Duration.ofMinutes(10);

  private EmulatorsChild() {}

  public static void main(String[] args) throws Exception {
    Emulators.disableCbor();
    Emulators emulators = Emulators.start(EmulatorOptions.onDisk(Path.of(args[0])));
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
    List<ProcessHandle> processes = emulators.processes();
    System.out.println("READY " + ProcessHandle.current().pid() + " " + processes.get(0).pid() + " " + processes.get(1).pid());
    System.out.flush();
    // the test kills this JVM; should it not, the child ends with its parent or after the deadline, never orphaned
    ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
    try {
      parent.onExit().get(KILLED_WITHIN.toMinutes(), TimeUnit.MINUTES);
      System.err.println("the parent JVM " + parent.pid() + " ended before killing this child");
    } catch (TimeoutException e) {
      System.err.println("not killed within " + KILLED_WITHIN + " of READY");
    }
    emulators.close();
    System.exit(1);
  }
}

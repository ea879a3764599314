package dev.onebox.emulators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import org.junit.jupiter.api.Timeout;
import org.awaitility.Awaitility;

@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EmulatorsKilledIT {

  private static final Duration GONE_WITHIN = Duration.ofSeconds(10);

  @Test
  void killingTheJvmWithSigkillLeavesNoEmulatorAndLosesNoAcknowledgedWrite(@TempDir Path data) throws Exception {
    Path dataDirectory = data.resolve("data");
    List<String> command = new ArrayList<>(List.of(EmulatorInstallation.javaCommand(),
        "-cp", System.getProperty("java.class.path"),
        "-Daws.cborEnabled=false"));
    Optional.ofNullable(System.getProperty("maven.repo.local")).ifPresent(r -> command.add("-Dmaven.repo.local=" + r));
    command.add("-Donebox.home=" + EmulatorInstallation.locate().home());
    command.add(EmulatorsChild.class.getName());
    command.add(dataDirectory.toString());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<ProcessHandle> emulatorProcesses = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      StringBuilder seen = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null && !line.startsWith("READY ")) {
        seen.append(line).append('\n');
      }
      assertTrue(line != null, "child JVM ended before it was ready:\n" + seen);
      String[] pids = line.split(" ");
      for (int i = 2; i < pids.length; i++) {
        ProcessHandle.of(Long.parseLong(pids[i])).ifPresent(emulatorProcesses::add);
      }
      assertEquals(2, emulatorProcesses.size(), "supervisor and s3mock running: " + line);

      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertTrue(child.waitFor(5, TimeUnit.SECONDS), "child JVM still alive after SIGKILL");
      assertAllGone(emulatorProcesses);
    } finally {
      child.destroyForcibly();
      emulatorProcesses.forEach(ProcessHandle::destroyForcibly);
    }

    Emulators.disableCbor();
    try (Emulators emulators = Emulators.start(EmulatorOptions.onDisk(dataDirectory));
         DynamoDbClient dynamo = emulators.dynamoDbClient();
         KinesisClient kinesis = emulators.kinesisClient();
         S3Client s3 = emulators.s3Client()) {
      assertEquals("placed", Samples.getItem(dynamo, "events", "order-1"));
      assertEquals(List.of("e1", "e2", "e3"), Samples.readAll(kinesis, "event-stream"));
      assertArrayEquals("{\"ok\":true}".getBytes(StandardCharsets.UTF_8), Samples.getObject(s3, "records", "a/b.json"));
    }
  }

  @Test
  void killingTheSupervisorWithSigkillAlsoStopsS3mock() throws Exception {
    Emulators emulators = Emulators.start(EmulatorOptions.inMemory());
    try {
      List<ProcessHandle> processes = emulators.processes();
      ProcessHandle supervisor = processes.get(0);
      ProcessHandle s3mock = processes.get(1);
      supervisor.destroyForcibly();
      assertAllGone(List.of(supervisor, s3mock));
    } finally {
      emulators.close();
    }
  }

  private static void assertAllGone(List<ProcessHandle> processes) {
    Awaitility.await("the emulators gone after the kill").atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> {
          for (ProcessHandle process : processes) {
            assertFalse(process.isAlive(), "pid " + process.pid() + " " + process.info().command().orElse("")
                + " still alive " + GONE_WITHIN + " after the kill");
          }
        });
  }

}

package dev.onebox.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RawCeilingsIT {

  @Test
  void measuresBothCeilings() {
    try (Emulators emulators = Emulators.start(EmulatorOptions.inMemory())) {
      RawCeilings ceilings = RawCeilings.measure(emulators, Duration.ofSeconds(1));
      System.out.println(ceilings.describe());
      assertTrue(ceilings.kinesisPutRecordsPerSecond() > 0, ceilings.toString());
      assertTrue(ceilings.dynamoDbBatchWriteItemsPerSecond() > 0, ceilings.toString());
      assertEquals(Duration.ofSeconds(1), ceilings.durationEach());
    }
  }
}

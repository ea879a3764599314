package dev.onebox.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmulatorOptionsTest {

  @Test
  void inMemoryHasNoDataDirectory() {
    assertTrue(EmulatorOptions.inMemory().dataDirectory().isEmpty());
  }

  @Test
  void onDiskKeepsAnAbsoluteDataDirectory() {
    EmulatorOptions options = EmulatorOptions.onDisk(Path.of("run/data"));
    assertEquals(Path.of("run/data").toAbsolutePath().normalize(), options.dataDirectory().orElseThrow());
  }

  @Test
  void rejectsANonPositiveStartTimeoutNamingIt() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> EmulatorOptions.inMemory().withStartTimeout(Duration.ZERO));
    assertTrue(error.getMessage().contains("startTimeout"), error.getMessage());
  }

  @Test
  void rejectsAShardLimitBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> EmulatorOptions.inMemory().withKinesisShardLimit(0));
  }
}

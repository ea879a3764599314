package dev.onebox.emulators;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start the local emulators.
 *
 * @param dataDirectory where the emulators keep their data on disk (dynalite and kinesalite in
 *     LevelDB, s3mock in files); a restart with the same directory, even after the JVM was killed,
 *     finds every acknowledged write. Empty: everything lives in memory (s3mock in a temporary
 *     directory that is deleted on close) and is gone after {@link Emulators#close()}.
 * @param startTimeout how long to wait until every endpoint answers
 * @param kinesisShardLimit kinesalite's account shard limit
 * @param s3mockFastStart run s3mock with an application class-data-sharing archive trained on first
 *     use (about 0.5 s faster start; the one-time training takes a few seconds)
 */
public record EmulatorOptions(
    Optional<Path> dataDirectory,
    Duration startTimeout,
    int kinesisShardLimit,
    boolean s3mockFastStart) {

  public EmulatorOptions {
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
    }
    if (kinesisShardLimit < 1) {
      throw new IllegalArgumentException("kinesisShardLimit must be at least 1, was " + kinesisShardLimit);
    }
  }

  /** Everything in memory; gone after close. */
  public static EmulatorOptions inMemory() {
    return new EmulatorOptions(Optional.empty(), Duration.ofSeconds(90), 100, true);
  }

  /** Data kept on disk under {@code dataDirectory} (created when missing) across restarts. */
  public static EmulatorOptions onDisk(Path dataDirectory) {
    return inMemory().withDataDirectory(dataDirectory);
  }

  public EmulatorOptions withDataDirectory(Path directory) {
    return new EmulatorOptions(
        Optional.of(directory.toAbsolutePath().normalize()), startTimeout, kinesisShardLimit, s3mockFastStart);
  }

  public EmulatorOptions withStartTimeout(Duration timeout) {
    return new EmulatorOptions(dataDirectory, timeout, kinesisShardLimit, s3mockFastStart);
  }

  public EmulatorOptions withKinesisShardLimit(int limit) {
    return new EmulatorOptions(dataDirectory, startTimeout, limit, s3mockFastStart);
  }

  public EmulatorOptions withS3mockFastStart(boolean fastStart) {
    return new EmulatorOptions(dataDirectory, startTimeout, kinesisShardLimit, fastStart);
  }
}

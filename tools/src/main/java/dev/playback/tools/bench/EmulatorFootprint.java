package dev.playback.tools.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the local emulators occupy: the DynamoDB emulator's data directory ({@code <data>/emulators/dynamodb}, where the
 * local stack keeps it) on disk and the
 * resident memory of the emulator processes (with their child processes), read from {@code /proc} (Linux).
 */
final class EmulatorFootprint {
    private EmulatorFootprint() {
    }

    /** One line: the DynamoDB data directory's bytes and each emulator process's resident memory, at {@code moment}. */
    static String describe(String moment, List<ProcessHandle> processes, Path data) {
        StringBuilder rss = new StringBuilder();
        for (ProcessHandle p : processes) {
            long bytes = residentBytes(p) + p.descendants().mapToLong(EmulatorFootprint::residentBytes).sum();
            rss.append(String.format(Locale.ROOT, ", pid %d (%s) RSS %,d MB", p.pid(), p.info().command().map(c -> Path.of(c).getFileName().toString())
                    .orElse("?"), bytes / (1024 * 1024)));
        }
        Path dynamo = data.resolve("emulators").resolve("dynamodb");
        return String.format(Locale.ROOT, "footprint %s: DynamoDB emulator data %s %,d MB%s", moment, dynamo,
                directoryBytes(dynamo) / (1024 * 1024), rss);
    }

    /** The sizes of the regular files under {@code dir}. */
    static long directoryBytes(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // removed meanwhile (a compaction)
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** VmRSS of {@code /proc/<pid>/status}, 0 when the process has ended or the system has no /proc. */
    static long residentBytes(ProcessHandle p) {
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
            return 0;
        } catch (IOException e) {
            return 0; // the process has ended
        }
    }
}

package dev.playback.test.clients;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Finds the AWS clients on this machine; a missing one skips its test, or fails it where {@code PLAYBACK_REQUIRE_AWS_CLIENTS=true}. */
final class Clients {
    private Clients() {
    }

    /** The first line {@code command} prints when it exits 0 within 5 minutes, or empty when it cannot run or fails. */
    static Optional<String> firstLine(Path workDir, String... command) {
        try {
            Path out = Files.createTempFile("client-probe", ".out");
            try {
                Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                return p.exitValue() == 0 ? Optional.of(lines.isEmpty() ? "" : lines.get(0)) : Optional.empty();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return Optional.empty(); // the program is not there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for " + String.join(" ", command), e);
        }
    }

    /** Skips the test (or fails it, where required) with {@code reason} unless {@code present}. */
    static void require(boolean present, String reason) {
        if (present) return;
        if (Boolean.parseBoolean(System.getenv(AwsClientTranscript.REQUIRE_ENV))) {
            fail(reason + " (" + AwsClientTranscript.REQUIRE_ENV + "=true: the AWS clients must be installed)");
        }
        System.out.println(reason + ": skipped");
        Assumptions.abort(reason);
    }
}

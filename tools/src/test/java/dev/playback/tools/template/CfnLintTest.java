package dev.playback.tools.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AWS's linter for CloudFormation ({@code cfn-lint}, Python; it applies the SAM transform itself) finds nothing in
 * template.yaml, and finds a broken alarm in a copy. Where cfn-lint is not installed the test is skipped with a message,
 * unless {@value #REQUIRED} is {@code true}.
 */
class CfnLintTest {
    static final String REQUIRED = "PLAYBACK_REQUIRE_CFN_LINT";

    @TempDir
    Path dir;

    @Test
    void cfnLintFindsNothingInTheTemplate() throws IOException, InterruptedException {
        Lint lint = lint(RepositoryTemplate.file());

        assertEquals("", lint.output());
        assertEquals(0, lint.exitCode());
    }

    @Test
    void cfnLintFindsAnAlarmWithAStatisticCloudWatchDoesNotKnow() throws IOException, InterruptedException {
        Path broken = RepositoryTemplate.copyWith(dir, "PumpIteratorAgeAlarm", "Statistic: Maximum", "Statistic: Highest");

        Lint lint = lint(broken);

        assertTrue(lint.output().contains("'Highest' is not one of"), lint.output());
        assertTrue(lint.exitCode() != 0, "exit code " + lint.exitCode());
    }

    private record Lint(int exitCode, String output) {
    }

    private Lint lint(Path template) throws IOException, InterruptedException {
        Path out = dir.resolve("lint-" + System.nanoTime() + ".txt");
        Process process;
        try {
            process = new ProcessBuilder(List.of("cfn-lint", "-t", template.toString())).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            if (Boolean.parseBoolean(System.getenv(REQUIRED))) fail("cfn-lint cannot be started: " + e.getMessage() + "; " + REQUIRED + " is true");
            System.out.println("CfnLintTest: cfn-lint cannot be started (" + e.getMessage() + "): skipped");
            Assumptions.abort("cfn-lint is not installed");
            throw e;
        }
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("cfn-lint did not finish within 3 minutes");
        }
        return new Lint(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}

package dev.playback.test;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules every test of the project keeps (GUIDE §5), read from the test sources of every module: no test waits for
 * time, no test class orders its methods, and every end-to-end test class carries a {@code @Timeout}.
 */
class TestRulesTest {
    private static final Pattern SLEEP = Pattern.compile("Thread\\.sleep\\(|TimeUnit\\.\\w+\\.sleep\\(");
    private static final Pattern ORDER = Pattern.compile("@Order\\(|@TestMethodOrder\\(");

    /** Every .java file under a src/test/java of the project (not under target/ or node_modules/). */
    static List<Path> testSources() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("template.yaml"))) root = root.getParent();
        if (root == null) throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/test/java/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("walking " + root, e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(p.toString(), e);
        }
    }

    @Test
    void noTestWaitsForTimeOrOrdersItsMethods() {
        List<Path> sources = testSources();
        assertTrue(sources.size() > 100, "test sources found: " + sources.size());
        List<Path> sleeping = sources.stream().filter(p -> SLEEP.matcher(read(p)).find()).toList();
        List<Path> ordered = sources.stream().filter(p -> ORDER.matcher(read(p)).find()).toList();
        assertEquals(List.of(), sleeping, "wait for a condition with a deadline (Awaitility), not for time");
        assertEquals(List.of(), ordered, "each test sets up what it needs and runs alone");
    }

    @Test
    void everyEndToEndTestClassCarriesATimeout() {
        List<Path> its = testSources().stream().filter(p -> p.getFileName().toString().endsWith("IT.java")).toList();
        assertTrue(its.size() > 30, "IT classes found: " + its.size());
        List<Path> unbounded = its.stream().filter(p -> !read(p).contains("@Timeout(")).toList();
        assertEquals(List.of(), unbounded, "a stuck end-to-end test must fail, not hang the build");
    }
}

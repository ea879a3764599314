package dev.onebox.sfn;

import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.asl.SfnClock;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the 826 cases recorded on real AWS Step Functions
 * ({@code shared/conformance/asl/localstack-recorded.jsonl}, beside the repository) and
 * prints passes per feature area (each case also runs as an EXPRESS execution). Failures are written to
 * {@code target/sfn-conformance-failures.txt}. The cases expected to fail are listed by name in {@value #EXPECTED_FAILURES}
 * (each explained in SFN.md): a case failing that is not listed fails the test, even when another listed one passes now;
 * a listed case that passes is reported, so that the list can be shortened. The cases are not part of
 * the repository: on a machine without them the test is skipped, saying so, unless {@value #REQUIRED} is
 * {@code true} (CI sets it, so that there a missing file fails the build).
 * <p>
 * The recorder replaced every RFC 3339 timestamp in 64 execution inputs by the placeholder {@code "date"} (the
 * definitions and AWS's results were kept). Those inputs are restored from the test source the cases come from
 * (LocalStack's {@code choice_operators} tests at the data set's commit, Apache License 2.0) in
 * {@code conformance/unmasked-inputs.jsonl}; a restored input is used only when masking it again gives exactly the
 * recorded input, and a case that still holds the placeholder without a restoration fails the test.
 */
class RecordedConformanceTest {
    /** The cases expected to fail, one {@code <test> [<key>]} a line ({@code  (EXPRESS)} appended: only as EXPRESS). */
    static final String EXPECTED_FAILURES = "/conformance/expected-failures.txt";
    /** The environment variable that makes the recorded cases required. */
    static final String REQUIRED = "PLAYBACK_REQUIRE_CONFORMANCE";

    /** The recorder's placeholder for a timestamp it masked. */
    private static final String MASK = "date";
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");
    private static final Pattern STATE_PREFIX =
            Pattern.compile("^An error occurred while executing the state '([^']*)' \\(entered at the event id #(\\d+)\\)\\. ");

    /** {@code <repo root>/../shared/conformance/asl/localstack-recorded.jsonl}; the root is the parent of onebox/. */
    static Path recordedCases() {
        String basedir = System.getProperty("basedir");
        Path moduleDir = (basedir != null ? Path.of(basedir) : Path.of("")).toAbsolutePath().normalize();
        Path root = Files.isDirectory(moduleDir.resolve("onebox")) && !moduleDir.endsWith("onebox")
                ? moduleDir : moduleDir.getParent();
        return root.resolve("../shared/conformance/asl/localstack-recorded.jsonl").normalize();
    }

    @Test
    void recordedAwsBehaviourIsReproduced() throws IOException {
        Path file = recordedCases();
        if (!Files.isRegularFile(file)) {
            String missing = "The recorded Step Functions cases are missing: expected " + file + " (shared/ beside the repository root)";
            if (Boolean.parseBoolean(System.getenv(REQUIRED))) fail(missing + "; " + REQUIRED + " is true");
            System.out.println(missing + ": skipped");
            Assumptions.abort(missing);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Object> unmasked = unmaskedInputs();
        int restored = 0;
        Map<String, int[]> perArea = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Set<String> failing = new TreeSet<>();
        Set<String> cases = new TreeSet<>();
        int passed = 0;
        int expressPassed = 0;
        int total = 0;
        try (LocalStepFunctions sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).build()) {
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                total++;
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) Json.parse(line);
                String test = (String) c.get("test");
                String area = area(test);
                @SuppressWarnings("unchecked")
                Map<String, Object> expected = (Map<String, Object>) c.get("expected");
                String id = test + " [" + c.get("key") + "]";
                if (unmasked.containsKey(id)) {
                    Object input = unmasked.get(id);
                    if (!Json.equal(masked(input), c.get("input"))) {
                        fail("the restored input of " + id + " does not mask to the recorded one: " + Json.write(input)
                                + " vs " + Json.write(c.get("input")));
                    }
                    c.put("input", input);
                    restored++;
                } else if (holdsMask(c.get("input"))) {
                    fail("the input of " + id + " holds the recorder's placeholder \"" + MASK + "\" and has no restoration in "
                            + UNMASKED);
                }
                cases.add(id);
                cases.add(id + EXPRESS);
                String verdict = verdict(sfn, c, expected, WorkflowType.STANDARD);
                String expressVerdict = verdict(sfn, c, expected, WorkflowType.EXPRESS);
                if (expressVerdict == null) {
                    expressPassed++;
                } else {
                    failing.add(id + EXPRESS);
                    failures.add(id + EXPRESS + "\n    " + expressVerdict);
                }
                int[] counts = perArea.computeIfAbsent(area, k -> new int[2]);
                counts[1]++;
                if (verdict == null) {
                    counts[0]++;
                    passed++;
                } else {
                    failing.add(id);
                    failures.add(id + "\n    " + verdict);
                }
            }
        }
        StringBuilder report = new StringBuilder("Recorded AWS Step Functions cases, passes per area:\n");
        perArea.forEach((a, n) -> report.append(String.format("  %-22s %4d / %4d%n", a, n[0], n[1])));
        report.append(String.format("  %-22s %4d / %4d%n", "TOTAL", passed, total));
        report.append(String.format("  %-22s %4d / %4d%n", "(run as EXPRESS)", expressPassed, total));
        report.append(String.format("  (%d masked inputs restored from the cases' test source)%n", restored));
        System.out.println(report);
        Path out = Path.of("target", "sfn-conformance-failures.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report + "\n" + String.join("\n", failures) + "\n");
        Set<String> expectedToFail = expectedFailures();
        Set<String> unknown = new TreeSet<>(expectedToFail);
        unknown.removeAll(cases);
        assertTrue(unknown.isEmpty(), EXPECTED_FAILURES + " names cases that are not recorded: " + unknown);
        Set<String> passingNow = new TreeSet<>(expectedToFail);
        passingNow.removeAll(failing);
        if (!passingNow.isEmpty()) {
            System.out.println("Listed as expected to fail but passing now; remove them from " + EXPECTED_FAILURES + ":\n  "
                    + String.join("\n  ", passingNow));
        }
        Set<String> newlyFailing = new TreeSet<>(failing);
        newlyFailing.removeAll(expectedToFail);
        assertTrue(newlyFailing.isEmpty(), () -> "conformance regressed: " + newlyFailing.size() + " case(s) fail that "
                + EXPECTED_FAILURES + " does not list:\n  " + String.join("\n  ", newlyFailing) + "\nsee " + out.toAbsolutePath());
    }

    private static final String EXPRESS = " (EXPRESS)";

    /** The case names of {@value #EXPECTED_FAILURES}: blank lines and {@code #} comments left out. */
    static Set<String> expectedFailures() throws IOException {
        try (var in = RecordedConformanceTest.class.getResourceAsStream(EXPECTED_FAILURES)) {
            if (in == null) {
                throw new IOException("missing test resource " + EXPECTED_FAILURES);
            }
            Set<String> names = new TreeSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.replaceFirst("#.*", "").strip();
                if (!name.isEmpty() && !names.add(name)) {
                    throw new IOException(EXPECTED_FAILURES + " lists " + name + " twice");
                }
            }
            return names;
        }
    }

    private static final String UNMASKED = "/conformance/unmasked-inputs.jsonl";

    /** The restored inputs by {@code "<test> [<key>]"}. */
    static Map<String, Object> unmaskedInputs() throws IOException {
        Map<String, Object> byCase = new TreeMap<>();
        try (var in = RecordedConformanceTest.class.getResourceAsStream(UNMASKED)) {
            if (in == null) {
                throw new IOException("missing test resource " + UNMASKED);
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    Map<?, ?> r = (Map<?, ?>) Json.parse(line);
                    byCase.put(r.get("test") + " [" + r.get("key") + "]", r.get("input"));
                }
            }
        }
        return byCase;
    }

    /** The value as the recorder stored it: every timestamp string replaced by the placeholder. */
    static Object masked(Object value) {
        if (value instanceof String s) {
            return TIMESTAMP.matcher(s).matches() ? MASK : s;
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, masked(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(RecordedConformanceTest::masked).toList();
        }
        return value;
    }

    private static boolean holdsMask(Object value) {
        if (value instanceof Map<?, ?> m) {
            return m.values().stream().anyMatch(RecordedConformanceTest::holdsMask);
        }
        if (value instanceof List<?> l) {
            return l.stream().anyMatch(RecordedConformanceTest::holdsMask);
        }
        return MASK.equals(value);
    }

    private static String verdict(LocalStepFunctions sfn, Map<String, Object> c, Map<String, Object> expected, WorkflowType type) {
        try {
            ExecutionResult r = sfn.run(Json.write(c.get("definition")), Json.write(c.get("input")), type);
            return compare(expected, r);
        } catch (SfnServiceException e) {
            return "refused: " + e.code() + " " + e.getMessage();
        } catch (RuntimeException e) {
            return "crashed: " + e;
        }
    }

    static String area(String test) {
        String[] parts = test.split("::")[0].split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].equals("v2")) {
                return parts[i + 1].endsWith(".py") ? "other" : parts[i + 1];
            }
        }
        return "other";
    }

    /** null when the result matches; otherwise what differs. */
    static String compare(Map<String, Object> expected, ExecutionResult r) {
        String status = (String) expected.get("status");
        if (!status.equals(r.status().name())) {
            return "status " + r.status() + " (expected " + status + ")"
                    + (r.error() != null || r.cause() != null ? " error=" + r.error() + " cause=" + r.cause() : " output=" + r.output());
        }
        if (status.equals("SUCCEEDED")) {
            Object actual = Json.parse(r.output());
            return Json.equal(expected.get("output"), actual) ? null
                    : "output " + r.output() + "\n    expected " + Json.write(expected.get("output"));
        }
        if (!Objects.equals(expected.get("error"), r.error())) {
            return "error " + r.error() + " (expected " + expected.get("error") + ") cause=" + r.cause();
        }
        return causeMatches((String) expected.get("cause"), r.cause()) ? null
                : "cause " + r.cause() + "\n    expected " + expected.get("cause");
    }

    /**
     * Causes are compared loosely, as the data set's README advises: the state/event prefix
     * must be identical, then the same leading phrase (the first 40 characters).
     */
    static boolean causeMatches(String expected, String actual) {
        if (Objects.equals(expected, actual)) {
            return true;
        }
        if (expected == null || actual == null) {
            return false;
        }
        Matcher e = STATE_PREFIX.matcher(expected);
        Matcher a = STATE_PREFIX.matcher(actual);
        boolean ep = e.find();
        boolean ap = a.find();
        if (ep != ap) {
            return false;
        }
        String er = expected;
        String ar = actual;
        if (ep) {
            if (!e.group().equals(a.group())) {
                return false;
            }
            er = expected.substring(e.end());
            ar = actual.substring(a.end());
        }
        int n = Math.min(40, er.length());
        return ar.length() >= n && ar.regionMatches(0, er, 0, n);
    }
}

package dev.playback.tools;

import dev.playback.tools.archive.ArchiveReader;
import dev.playback.tools.cli.Streams;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The sample CI workflow (examples/ci/what-if.yml) stays valid: it runs on pull requests with Java 17 and Node 20, every
 * {@code ./playback} command it runs parses with this command line (command, options, values), it imports and rebuilds
 * on a stack running the base's code and runs the what-if on the same data with the pull request's code, the archive it imports is committed, whole and redacted, and the reports the
 * what-if writes are the ones it publishes.
 */
class CiWorkflowTest {
    private static final Path ROOT = Path.of("..");
    private static final Path WORKFLOW = ROOT.resolve("examples/ci/what-if.yml");

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> workflow() throws IOException {
        return (Map<Object, Object>) new Yaml().load(Files.readString(WORKFLOW));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps() throws IOException {
        Map<String, Object> jobs = (Map<String, Object>) workflow().get("jobs");
        assertEquals(1, jobs.size(), "one job: " + jobs.keySet());
        return (List<Map<String, Object>>) ((Map<String, Object>) jobs.values().iterator().next()).get("steps");
    }

    @Test
    @SuppressWarnings("unchecked")
    void itRunsOnPullRequestsWithJava17AndNode20() throws IOException {
        Map<Object, Object> w = workflow();
        // YAML 1.1 (SnakeYAML) reads the key "on" as the boolean true
        Object on = w.containsKey("on") ? w.get("on") : w.get(Boolean.TRUE);
        assertTrue(on instanceof Map<?, ?> m && m.containsKey("pull_request"), "on: pull_request, found " + on);

        Map<String, Object> java = uses("actions/setup-java");
        Map<String, Object> node = uses("actions/setup-node");
        assertEquals("17", String.valueOf(((Map<String, Object>) java.get("with")).get("java-version")));
        assertEquals("20", String.valueOf(((Map<String, Object>) node.get("with")).get("node-version")));
    }

    @Test
    void everyPlaybackCommandItRunsParsesWithThisCommandLine() throws IOException {
        List<List<String>> commands = new ArrayList<>();
        for (Map<String, Object> step : steps()) {
            if (step.get("run") != null) commands.addAll(playbackCommands(String.valueOf(step.get("run"))));
        }
        assertFalse(commands.isEmpty(), "the workflow runs no ./playback command");
        for (List<String> args : commands) {
            CommandLine line = Main.commandLine(new Streams(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
            try {
                line.parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                fail("the workflow runs './playback " + String.join(" ", args) + "', which this command line refuses: " + e.getMessage());
            }
        }
    }

    @Test
    void itStartsTheStackThenImportsThenRunsTheWhatIfAndPublishesItsReports() throws IOException {
        List<String> order = new ArrayList<>();
        List<String> whatIf = null;
        StringBuilder after = new StringBuilder();
        for (Map<String, Object> step : steps()) {
            if (whatIf != null) after.append(step.getOrDefault("run", "")).append('\n').append(step.getOrDefault("with", "")).append('\n');
            if (step.get("run") == null) continue;
            for (List<String> args : playbackCommands(String.valueOf(step.get("run")))) {
                order.add(args.get(0));
                if (args.get(0).equals("what-if")) whatIf = args;
            }
        }
        assertTrue(order.indexOf("local") >= 0 && order.indexOf("local") < order.indexOf("import")
                && order.indexOf("import") < order.indexOf("rebuild") && order.indexOf("rebuild") < order.lastIndexOf("local")
                && order.lastIndexOf("local") < order.indexOf("what-if"),
                "local (base), import, rebuild, local again (the pull request's code), then what-if: " + order);
        assertTrue(whatIf.contains("--fail-on-change") && whatIf.contains("--max-corrections") && whatIf.contains("--json"), "what-if " + whatIf);
        List<String> reports = new ArrayList<>();
        for (int i = 0; i < whatIf.size() - 1; i++) if (whatIf.get(i).equals("--report")) reports.add(whatIf.get(i + 1));
        assertTrue(reports.stream().anyMatch(r -> r.endsWith(".md")) && reports.stream().anyMatch(r -> r.endsWith(".xml")),
                "a Markdown and a JUnit XML report: " + reports);
        for (String r : reports) assertTrue(after.indexOf(r) >= 0, "report " + r + " is written but no later step publishes it");
    }

    @Test
    void theStateTheWhatIfComparesWithIsBuiltByTheBaseAndTheWhatIfRunsThePullRequestsCode() throws IOException {
        List<String> checkouts = new ArrayList<>();
        for (Map<String, Object> step : steps()) {
            if (step.get("run") == null) continue;
            for (String line : String.valueOf(step.get("run")).split("\n")) {
                if (line.contains("git checkout")) checkouts.add(line.trim());
                if (line.contains("./playback rebuild")) checkouts.add("rebuild");
                if (line.contains("./playback what-if")) checkouts.add("what-if");
            }
        }
        assertEquals(4, checkouts.size(), "two checkouts, a rebuild and a what-if: " + checkouts);
        assertTrue(checkouts.get(0).contains("pull_request.base.sha") && checkouts.get(1).equals("rebuild")
                && checkouts.get(2).contains("pull_request.head.sha") && checkouts.get(3).equals("what-if"), String.valueOf(checkouts));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theArchiveItImportsIsCommittedWholeAndRedacted() throws IOException {
        String archive = String.valueOf(((Map<String, Object>) workflow().get("env")).get("ARCHIVE"));
        Path file = ROOT.resolve(archive);
        assertTrue(Files.isRegularFile(file), "the workflow imports " + archive + ", which is not in the repository");

        ArchiveReader.Manifest manifest = ArchiveReader.verify(file);

        assertFalse(manifest.json().path("redacted").isEmpty(), "the archive redacts no personal field: " + manifest.json().path("redacted"));
        long events = manifest.json().path("events").asLong();
        assertTrue(events > 0 && events <= 500, "a small archive: " + events + " events");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> uses(String action) throws IOException {
        return steps().stream().filter(s -> String.valueOf(s.get("uses")).startsWith(action + "@")).findFirst()
                .orElseThrow(() -> new AssertionError("no step uses " + action));
    }

    /** The arguments of every {@code ./playback} command in a step's script, as the shell would pass them (unexpanded). */
    static List<List<String>> playbackCommands(String script) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> command : shellCommands(script.replace("\\\n", " "))) {
            int at = command.indexOf("./playback");
            if (at >= 0) out.add(new ArrayList<>(command.subList(at + 1, command.size())));
        }
        return out;
    }

    /**
     * The simple commands of a script: words split at blanks outside quotes, a command ending at a newline, {@code ; & |}
     * or a redirection (whose target, and a file descriptor number before it, are not arguments).
     */
    private static List<List<String>> shellCommands(String script) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean redirected = false;
        char quote = 0;
        for (int i = 0; i <= script.length(); i++) {
            char c = i < script.length() ? script.charAt(i) : '\n';
            if (quote != 0) {
                if (c == quote) quote = 0;
                else word.append(c);
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '>' || c == '<') {
                if (c == '>' && inWord && word.toString().matches("[0-9]+")) {
                    word.setLength(0);
                    inWord = false;
                }
                if (inWord && !redirected) words.add(word.toString());
                word.setLength(0);
                inWord = false;
                if (c == '>' || c == '<') redirected = true;
                if (c == '\n' || c == ';' || c == '&' || c == '|') {
                    if (!words.isEmpty()) commands.add(words);
                    words = new ArrayList<>();
                    redirected = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        return commands;
    }

    @Test
    void theScriptReaderSplitsCommandsAtOperatorsAndLeavesRedirectionsOut() {
        assertEquals(List.of(List.of("local", "--data", "$RUNNER_TEMP/playback data"), List.of("import", "a.gz")),
                playbackCommands("./playback local --data \"$RUNNER_TEMP/playback data\" > \"$RUNNER_TEMP/local.log\" 2>&1 &\n"
                        + "echo $! > pid; ./playback import \\\n a.gz"));
    }
}

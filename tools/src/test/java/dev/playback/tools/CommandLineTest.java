package dev.playback.tools;

import dev.playback.tools.cli.LocalEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The {@code playback} command line as a user meets it: help, versions, bad usage and its exit codes, completion. */
class CommandLineTest {
    /** Every command and subcommand, and one option its help must show. */
    static final Map<String, String> COMMANDS = commands();

    private static Map<String, String> commands() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("demo", "--domain=DOMAIN");
        m.put("local", "--fee-rule=FEE_RULE");
        m.put("rebuild", "--segments=N");
        m.put("replay", "--time-field=FIELD");
        m.put("verify", "--report-only");
        m.put("status", "--limit=N");
        m.put("rollback", "--processor=P");
        m.put("replay-concurrency", "REPLAY_ID");
        m.put("plan", "rebuild|verify|replay");
        m.put("plan rebuild", "--shards=N");
        m.put("plan verify", "--prices=FILE");
        m.put("plan replay", "--aggregates=N");
        m.put("reverse", "--reason=R");
        m.put("show", "--as-of=T");
        m.put("redrive", "--failure-bucket=NAME");
        m.put("parked", "--processor=P");
        m.put("unpark", "--wait=SECONDS");
        m.put("reindex", "--segments=N");
        m.put("export", "--redact=TYPE.FIELD");
        m.put("import", "FILE");
        m.put("forget", "--subject-key-table=NAME");
        m.put("what-if", "--max-corrections=N");
        m.put("bench", "ingest");
        m.put("bench ingest", "--clients=N");
        m.put("bench rebuild", "--batch-size=N");
        m.put("bench partial", "--aggregates=N");
        m.put("bench archive", "--events=N");
        m.put("bench testkit", "--archive=FILE");
        m.put("sfn", "run");
        m.put("sfn run", "--input=JSON|@FILE");
        m.put("sfn bench", "ITERATIONS");
        m.put("metrics", "--all");
        m.put("console", "--stack=NAME");
        m.put("completion", "SHELL");
        m.put("help", "COMMAND");
        return m;
    }

    record Run(int code, String out, String err) {
    }

    static Run playback(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] words(String command, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(command.split(" ")));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void every_command_and_subcommand_prints_its_usage_and_options_with_help_and_exits_0() {
        for (var c : COMMANDS.entrySet()) {
            Run r = playback(words(c.getKey(), "--help"));
            assertEquals(0, r.code(), c.getKey() + ": " + r.err());
            assertTrue(r.out().contains("Usage: playback " + c.getKey() + " "), c.getKey() + ":\n" + r.out());
            assertTrue(r.out().contains(c.getValue()), c.getKey() + " --help does not show " + c.getValue() + ":\n" + r.out());
            assertTrue(r.out().contains("Exit codes:\n   0   done\n   1   failed"), c.getKey() + ":\n" + r.out());
            assertEquals("", r.err(), c.getKey());
        }
    }

    @Test
    void help_lists_every_command_and_help_of_a_command_prints_its_usage() {
        Run all = playback("help");
        assertEquals(0, all.code());
        for (String c : COMMANDS.keySet()) {
            if (!c.contains(" ")) assertTrue(all.out().contains("\n  " + c + " "), c + " missing in:\n" + all.out());
        }
        assertTrue(all.out().contains("2   bad usage"), all.out());
        Run local = playback("help", "local");
        assertEquals(0, local.code());
        assertTrue(local.out().startsWith("Usage: playback local "), local.out());
        assertTrue(local.out().contains("--port=N"), local.out());
    }

    @Test
    void the_version_is_the_projects() {
        Run r = playback("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("playback \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), r.out());
    }

    @Test
    void demo_help_prints_help_and_starts_nothing(@TempDir Path home) {
        String before = System.getProperty(LocalEndpoints.FILE_PROPERTY);
        System.setProperty(LocalEndpoints.FILE_PROPERTY, home.resolve("local.json").toString());
        try {
            Run r = playback("demo", "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().startsWith("Usage: playback demo "), r.out());
            assertFalse(r.out().contains("function logs"), r.out());
            assertFalse(Files.exists(home.resolve("logs")), "the demo created its log directory: it ran");
        } finally {
            if (before == null) System.clearProperty(LocalEndpoints.FILE_PROPERTY);
            else System.setProperty(LocalEndpoints.FILE_PROPERTY, before);
        }
    }

    @Test
    void metrics_summarises_the_newest_log_file_of_the_local_runs_unless_told_all_or_a_path(@TempDir Path home) throws IOException {
        Path logs = home.resolve("logs");
        Files.createDirectories(logs);
        Path older = logs.resolve("demo-ledger-20261204-100000.log");
        Path newer = logs.resolve("local-20261204-110000.log");
        Files.writeString(older, emf("pump", "EventsAppended", 7) + "\n{\"level\":\"INFO\",\"message\":\"not a metric\"}\n");
        Files.writeString(newer, emf("pump", "EventsAppended", 3) + "\n" + emf("pump", "EventsAppended", 2) + "\n");
        Files.setLastModifiedTime(older, java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
        Files.setLastModifiedTime(newer, java.nio.file.attribute.FileTime.fromMillis(2_000_000L));
        String before = System.getProperty(LocalEndpoints.FILE_PROPERTY);
        System.setProperty(LocalEndpoints.FILE_PROPERTY, home.resolve("local.json").toString());
        try {
            Run newest = playback("metrics");
            Run all = playback("metrics", "--all");
            Run one = playback("metrics", older.toString());
            Run both = playback("metrics", "--all", older.toString());
            Run missing = playback("metrics", home.resolve("nowhere.log").toString());

            assertEquals(0, newest.code(), newest.err());
            assertTrue(newest.out().contains("metrics of " + newer), newest.out());
            assertTrue(newest.out().matches("(?s).*EventsAppended\\s+Service=pump\\s+sum 5\\b.*"), newest.out());
            assertTrue(all.out().matches("(?s).*EventsAppended\\s+Service=pump\\s+sum 12\\b.*"), all.out());
            assertTrue(one.out().matches("(?s).*EventsAppended\\s+Service=pump\\s+sum 7\\b.*"), one.out());
            assertEquals(2, both.code(), both.err());
            assertTrue(both.err().contains("either PATH or --all"), both.err());
            assertEquals(2, missing.code(), missing.err());
            assertTrue(missing.err().contains("nowhere.log does not exist"), missing.err());
        } finally {
            if (before == null) System.clearProperty(LocalEndpoints.FILE_PROPERTY);
            else System.setProperty(LocalEndpoints.FILE_PROPERTY, before);
        }
    }

    private static String emf(String service, String metric, int value) {
        return "{\"_aws\":{\"Timestamp\":1796429429567,\"CloudWatchMetrics\":[{\"Namespace\":\"Playback/local\",\"Dimensions\":[[\"Service\"]],"
                + "\"Metrics\":[{\"Name\":\"" + metric + "\",\"Unit\":\"Count\"}]}]},\"Service\":\"" + service + "\",\"" + metric + "\":" + value + "}";
    }

    @Test
    void bad_usage_exits_2_naming_the_option_and_what_it_allows_without_a_stack_trace() {
        Object[][] cases = {
                {List.of("local", "--fee-rule", "v5"), List.of("--fee-rule", "[v1, v2, v3, v4]", "'v5'")},
                {List.of("local", "--proration-rule", "v9"), List.of("--proration-rule", "[v1, v2]")},
                {List.of("local", "--auth", "sigv4"), List.of("--auth", "[none, iam]")},
                {List.of("local", "--port", "abc"), List.of("--port", "must be a number", "'abc'")},
                {List.of("local", "--port", "70000"), List.of("--port", "0 to 65535")},
                {List.of("local", "--console-port", "70000"), List.of("--console-port", "0 to 65535")},
                {List.of("local", "--no-console", "--console-port", "8123"), List.of("--console-port", "--no-console")},
                {List.of("console", "--port", "abc"), List.of("--port", "must be a number", "'abc'")},
                {List.of("console", "--stack", "playback-dev"), List.of("--stack needs --aws")},
                {List.of("console", "--aws"), List.of("--aws needs --stack NAME")},
                {List.of("console", "--aws", "--stack", "s", "--local-file", "x.json"), List.of("--local-file", "--aws")},
                {List.of("console", "--domains", "com.example.Nothing"), List.of("--domains", "no class com.example.Nothing")},
                {List.of("replay", "--fee-rule", "v3"), List.of("Unknown option", "'--fee-rule'")},
                {List.of("rebuild", "--segments", "many"), List.of("--segments", "'many' is not a whole number")},
                {List.of("rebuild", "--segments", "0"), List.of("--segments", "between 1 and 1000")},
                {List.of("rebuild", "--gateway-mode", "loud"), List.of("--gateway-mode", "suppress, diff or allow")},
                {List.of("rebuild", "--missing-records", "skip"), List.of("--missing-records", "[fail, live]")},
                {List.of("replay", "--type", "X", "--time-field", "createdAt"), List.of("--time-field", "[recordedAt, occurredAt]")},
                {List.of("reverse", "--reason", "typo"), List.of("Missing required parameter", "EVENT_ID")},
                {List.of("reverse", "ev-1"), List.of("Missing required option", "--reason")},
                {List.of("show", "acc-1", "--as-of", "yesterday"), List.of("--as-of", "'yesterday'", "ISO-8601")},
                {List.of("show", "acc-1", "--known-at", "2026-03-01T12:00:00"), List.of("--known-at", "ISO-8601")},
                {List.of("show", "acc-1", "--version", "-3"), List.of("--version", ">= 1")},
                {List.of("show", "acc-1", "--stack", "s", "--version", "2"), List.of("--stack needs --aws")},
                {List.of("status", "--limit", "0"), List.of("--limit", "between 1 and 1000")},
                {List.of("bench", "rebuild", "--events", "0"), List.of("--events", "at least 1")},
                {List.of("export", "--aws", "--stack", "s", "--out", "x.gz", "--domains", NoPersonalData.class.getName()),
                        List.of("--redact TYPE.FIELD", "--keep-personal-data")},
                {List.of("export", "--stack", "s", "--out", "x.gz"), List.of("--stack needs --aws")},
                {List.of("export", "--out", "x.gz", "--redact", "owner"), List.of("--redact", "TYPE.FIELD", "'owner'")},
                {List.of("export", "--out", "x.gz", "--until", "2026-01-01T00:00:00Z"), List.of("--until needs --since")},
                {List.of("export", "--aggregate", "a"), List.of("Missing required option", "--out")},
                {List.of("export", "--out", "x.gz", "--aggregate", "a", "--whole-table", "s3"), List.of("--whole-table", "without scope options")},
                {List.of("export", "--out", "x.gz", "--whole-table", "scan", "--s3-export-timeout", "5"), List.of("--s3-export-timeout", "--whole-table s3")},
                {List.of("export", "--out", "x.gz", "--whole-table", "tape"), List.of("--whole-table", "[s3, scan, index]")},
                {List.of("import"), List.of("Missing required parameter", "FILE")},
                {List.of("what-if", "--max-corrections", "-1"), List.of("--max-corrections", "0 or more")},
                {List.of("what-if", "--report", "out.pdf"), List.of("--report", "'out.pdf'", ".json, .md, .xml")},
                {List.of("what-if", "--stack", "s"), List.of("--stack needs --aws")},
                {List.of("what-if", "--missing-records", "skip"), List.of("--missing-records", "[live, fail]")},
                {List.of("sfn", "run", "--type", "FAST", "x.json"), List.of("--type", "[STANDARD, EXPRESS]")},
                {List.of("completion", "zsh"), List.of("SHELL", "[bash]")},
                {List.of("frobnicate"), List.of("Unmatched argument", "'frobnicate'")},
                {List.of(), List.of("Missing required subcommand", "Commands:")}};
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked") List<String> args = (List<String>) c[0];
            @SuppressWarnings("unchecked") List<String> named = (List<String>) c[1];
            Run r = playback(args.toArray(String[]::new));
            assertEquals(2, r.code(), args + ": " + r.err());
            for (String n : named) assertTrue(r.err().contains(n), args + " does not say " + n + ":\n" + r.err());
            assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), args + " printed a stack trace:\n" + r.err());
            assertEquals("", r.out(), args + " printed on stdout");
        }
    }

    @Test
    void local_on_a_busy_console_port_says_which_port_and_option_and_exits_1_before_starting_anything() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Run r = playback("local", "--console-port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, r.code(), r.err());
            assertEquals("playback local: port " + taken.getLocalPort() + " on 127.0.0.1 is busy (another process listens on it): "
                    + "stop that process or choose another --console-port\n", r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void console_without_a_running_local_stack_says_how_to_start_one_and_exits_2(@TempDir Path home) {
        Run r = playback("console", "--local-file", home.resolve("local.json").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no local stack is running (" + home.resolve("local.json") + " does not exist)"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void local_on_a_busy_port_says_which_port_and_exits_1_before_starting_anything() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Run r = playback("local", "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, r.code(), r.err());
            assertEquals("playback local: port " + taken.getLocalPort() + " on 127.0.0.1 is busy (another process listens on it): "
                    + "stop that process or choose another --port\n", r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void an_api_nobody_answers_at_fails_with_exit_1_naming_the_request_without_a_stack_trace() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closed = s.getLocalPort();
        }
        Run r = playback("reverse", "ev-1", "--reason", "typo", "--dry-run", "--api", "http://127.0.0.1:" + closed);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("playback reverse: failed: GET http://127.0.0.1:" + closed + "/events/ev-1 failed"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void forget_refuses_a_subject_that_is_not_an_id_and_a_stack_without_aws() {
        Run bad = playback("forget", "ada lovelace");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("SUBJECT must be 1-128 characters"), bad.err());
        Run stack = playback("forget", "acc-1", "--stack", "playback-dev");
        assertEquals(2, stack.code(), stack.err());
        assertTrue(stack.err().contains("option --stack needs --aws"), stack.err());
    }

    @Test
    void the_bash_completion_script_names_every_command_and_completes_them() throws Exception {
        Run r = playback("completion", "bash");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("complete -F _complete_playback -o default playback"), r.out());
        assertTrue(r.out().contains("local commands=\"demo local rebuild replay verify status rollback replay-concurrency plan reverse show redrive parked unpark reindex export import forget what-if bench sfn metrics console completion help\""),
                "the top-level command list");
        for (String c : COMMANDS.keySet()) {
            assertTrue(r.out().contains("function _picocli_playback_" + c.replace(' ', '_').replace("-", "") + "()"), "no completion of " + c);
        }
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash), "no /bin/bash to source the script with");
        Path script = Files.createTempFile("playback-completion", ".bash");
        try {
            Files.writeString(script, r.out());
            assertEquals("rebuild replay replay-concurrency reverse redrive reindex", complete(bash, script, "playback", "re"));
            assertEquals("v1 v2 v3 v4", complete(bash, script, "playback", "local", "--fee-rule", ""));
            assertEquals("ingest rebuild partial archive testkit raw", complete(bash, script, "playback", "bench", ""));
            assertEquals("live fail", complete(bash, script, "playback", "what-if", "--missing-records", ""));
        } finally {
            Files.delete(script);
        }
    }

    /** What the sourced script offers for the last of {@code words}, as bash's completion would call it. */
    private static String complete(Path bash, Path script, String... words) throws Exception {
        StringBuilder quoted = new StringBuilder();
        for (String w : words) quoted.append(" '").append(w).append("'");
        String line = String.join(" ", words);
        String program = "source '" + script + "'; COMP_WORDS=(" + quoted + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_playback 2>/dev/null; echo \"${COMPREPLY[*]}\"";
        Process p = new ProcessBuilder(bash.toString(), "--norc", "-c", program).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}

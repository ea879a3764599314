package dev.playback.test.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.lambda.FunctionLogs;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.model.domain.Domains;
import dev.playback.test.process.LocalProcess;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.PayoutCheck;
import dev.playback.tools.cli.ReplayProgress;
import dev.playback.tools.client.PlaybackApi;
import dev.playback.tools.console.ConsoleData;
import dev.playback.tools.console.ConsoleServer;
import dev.playback.tools.console.ConsoleSetup;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The replay console in a real browser: Debian's Chromium, headless, driven by {@code test/console/console-check.mjs}
 * (playwright-core, pinned by {@code test/console/package-lock.json} and installed here with {@code npm ci} when missing or
 * when the lockfile changed). The test prepares each situation on a local stack, serves the console on it, and runs one
 * browser check per situation: a rebuild seen advancing while it runs (without a reload) with its state graph, the drift
 * of one data-store item edited by hand, the corrections of a {@code diff} rebuild after the fee rule changed, a rollback
 * (cancelled once, then confirmed), one aggregate's states stepped through with the keyboard, the health figures, the
 * accessibility of every page at 1280×800 and 390×800, and personal data (an owner revealed, then a marked
 * {@code [redacted]} after {@code playback forget}; no page shows a token). Screenshots go to {@code target/console-screenshots/}.
 *
 * Without Chromium ({@code /usr/bin/chromium}) or Node.js and npm the test is skipped, saying what to install; with
 * {@code PLAYBACK_REQUIRE_BROWSER=true} (CI) it fails instead.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConsoleBrowserIT {
    static final String REQUIRE_ENV = "PLAYBACK_REQUIRE_BROWSER";
    /** Debian's Chromium, or {@code $PLAYBACK_CHROMIUM} (which console-check.mjs reads too). */
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("PLAYBACK_CHROMIUM", "/usr/bin/chromium"));
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration IDLE = Duration.ofMinutes(2);
    static final Duration CHECK_TIMEOUT = Duration.ofMinutes(3);
    /** Events loaded straight into the events table for the rebuild that is watched while it runs. */
    static final int LOADED_EVENTS = 4000;
    static final int LOADED_ACCOUNTS = 40;
    static final String[] CURRENCIES = {"EUR", "USD", "GBP"};
    static final List<String> ACCOUNTS = List.of("pay-0", "pay-1", "pay-2", "pay-3", "pay-4", "pay-5");
    /** The account with a reversal (of its second deposit) and the account whose data-store item is edited by hand. */
    static final String REVERSED = "pay-0", DRIFTED = "pay-1";

    @TempDir
    Path dir;

    @Test
    void the_console_shows_a_running_rebuild_drift_corrections_a_rollback_an_aggregate_and_health_in_a_browser() throws Exception {
        Path home = LocalProcess.projectHome();
        Path checks = home.resolve("test/console");
        String node = requireBrowser(checks);
        Path screenshots = home.resolve("test/target/console-screenshots");
        Path logs = dir.resolve("logs");
        Files.createDirectories(logs);
        Path logFile = logs.resolve("local-console-browser-it.log");
        try (PrintStream functionLogs = new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8)) {
            FunctionLogs.to(functionLogs);
            try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v1"));
                 ConsoleData data = consoleData(stack, logFile);
                 ConsoleServer console = ConsoleServer.start(data, 0)) {
                System.out.println("ConsoleBrowserIT: " + node + ", console at " + console.url());
                Browser browser = new Browser(checks, console.url().toString(), screenshots);
                PlaybackApi api = new PlaybackApi(stack.apiUrl());

                int live = liveTraffic(api);
                stack.awaitIdle(IDLE);
                int corrections = fixFees(stack, api);
                String liveGeneration = RebuildBenchmark.activeGeneration(stack, "balances");
                RebuildBenchmark.load(stack, LOADED_EVENTS, LOADED_ACCOUNTS, Instant.parse("2026-02-01T00:00:00Z"));

                // a rebuild slow enough to be watched: one segment, one event per batch
                String slow = start(stack, "RebuildStateMachine", JSON.createObjectNode().put("replayId", "slow").put("segments", 1).put("batchSize", 1));
                Awaitility.await("the rebuild 'slow' publishing").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                        .until(() -> ReplayProgress.read(stack.dynamoDb(), stack.physicalName("DataTable"), "slow").published() > 0);
                browser.check("rebuild-progress", "--arn", slow);
                ReplayProgress during = ReplayProgress.read(stack.dynamoDb(), stack.physicalName("DataTable"), "slow");
                System.out.printf("ConsoleBrowserIT: the rebuild 'slow' was still %s after the check (published %d of %d events)%n",
                        during.status(), during.published(), LOADED_EVENTS + live);
                ExecutionDescription rebuilt = RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn("RebuildStateMachine"), "slow", Duration.ofMinutes(3));
                succeeded(rebuilt);
                System.out.printf("ConsoleBrowserIT: the rebuild 'slow' ran %d s%n", Duration.between(rebuilt.startDate(), rebuilt.stopDate()).toSeconds());
                stack.awaitIdle(IDLE);

                editByHand(stack, DRIFTED);
                start(stack, "VerifyStateMachine", JSON.createObjectNode().put("replayId", "verify-drift").put("reportOnly", false));
                ExecutionDescription drift = RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn("VerifyStateMachine"), "verify-drift", Duration.ofMinutes(3));
                assertEquals(ExecutionStatus.FAILED, drift.status(), drift::toString);
                assertEquals("Playback.DriftFound", drift.error(), drift::toString);
                browser.check("drift", "--aggregate", DRIFTED, "--field", "balance", "--failed-state", "DriftFound");

                browser.check("corrections", "--replay", "fix-fees", "--count", String.valueOf(corrections));

                browser.check("rollback", "--processor", "balances");
                assertEquals(liveGeneration, RebuildBenchmark.activeGeneration(stack, "balances"),
                        "after the console's rollback, balances is served again by the generation before the rebuild 'slow'");

                browser.check("aggregate", "--aggregate", REVERSED, "--reversal");
                browser.check("health", "--processor", "balances", "--processor", "payouts", "--applied", String.valueOf(live));
                browser.check("accessibility", "--aggregate", REVERSED);

                // Personal data: shown revealed while the owner's key exists, a marked [redacted] once forgotten; never a token.
                browser.check("personal", "--aggregate", REVERSED, "--replay", "fix-fees", "--owner", "Owner 0");
                Path localFile = dir.resolve("local.json");
                stack.endpoints().write(localFile);
                java.io.ByteArrayOutputStream forgetOut = new java.io.ByteArrayOutputStream();
                int forgot = dev.playback.tools.Main.execute(new String[]{"forget", REVERSED, "--local-file", localFile.toString()},
                        new PrintStream(forgetOut, true, StandardCharsets.UTF_8), System.err);
                assertEquals(0, forgot, forgetOut.toString(StandardCharsets.UTF_8));
                browser.check("personal", "--aggregate", REVERSED, "--replay", "fix-fees", "--redacted");
                System.out.println("ConsoleBrowserIT: screenshots in " + screenshots);
            } finally {
                FunctionLogs.toStandardError();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // ONE PLACE TO ADAPT: how the test builds the console's data source (tools/console's ConsoleData) for the in-process
    // LocalStack, with the health figures from this test's function log file. The rest of the test needs only
    // ConsoleServer.start(ConsoleData, int), url() and close().
    static ConsoleData consoleData(LocalStack stack, Path logFile) {
        return ConsoleSetup.local(stack.endpoints(), "local stack (ConsoleBrowserIT)", Domains.load(ConsoleSetup.SAMPLE_DOMAINS),
                () -> Optional.of(logFile));
    }
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Accounts in three currencies with deposits and payouts under fee rule v1, and a reversal of one deposit. Returns
     * how many events were posted (each processor applies every one of them live).
     */
    static int liveTraffic(PlaybackApi api) {
        ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < ACCOUNTS.size(); i++) {
            batch.addObject().put("aggregateId", ACCOUNTS.get(i)).put("type", "AccountOpened")
                    .set("payload", JSON.createObjectNode().put("owner", "Owner " + i).put("currency", CURRENCIES[i % 3]));
            batch.addObject().put("eventId", "dep-" + i).put("aggregateId", ACCOUNTS.get(i)).put("type", "MoneyDeposited")
                    .set("payload", JSON.createObjectNode().put("amount", "2000.00"));
        }
        post(api, batch);
        ArrayNode payouts = JSON.createArrayNode();
        for (int i = 0; i < ACCOUNTS.size(); i++) {
            for (int k = 0; k < 3; k++) {
                payouts.addObject().put("eventId", "po-" + i + "-" + k).put("aggregateId", ACCOUNTS.get(i)).put("type", "PayoutRequested")
                        .set("payload", JSON.createObjectNode().put("amount", (210 + 97 * k + 13 * i) + "." + String.format("%02d", (17 * k + 7 * i) % 100))
                                .put("targetCurrency", CURRENCIES[(i + k + 1) % 3]).put("beneficiary", "B" + k));
            }
        }
        post(api, payouts);
        ArrayNode reversal = JSON.createArrayNode();
        reversal.addObject().put("eventId", "dep-extra").put("aggregateId", REVERSED).put("type", "MoneyDeposited")
                .set("payload", JSON.createObjectNode().put("amount", "50.00"));
        reversal.addObject().put("eventId", "rev-extra").put("aggregateId", REVERSED).put("type", "EventReversed")
                .set("payload", JSON.createObjectNode().put("reversedEventId", "dep-extra").put("reason", "deposited twice"));
        post(api, reversal);
        return batch.size() + payouts.size() + reversal.size();
    }

    /**
     * Fee rule v2 deployed, then a {@code diff} rebuild of the payouts ({@code fix-fees}): returns the number of
     * corrections, the payouts whose net differs between v1 and v2 with their recorded rates (computed by
     * {@link PayoutCheck}), after checking that the rebuild sent exactly that many.
     */
    static int fixFees(LocalStack stack, PlaybackApi api) throws Exception {
        Set<String> sent = new TreeSet<>();
        stack.external().bank().payouts().forEach(p -> sent.add(p.payoutId()));
        Map<String, PayoutCheck.Expected> expected = PayoutCheck.expected(api, stack.s3(), stack.physicalName("RecordBucket"), ACCOUNTS, sent);
        int wrong = (int) expected.values().stream().filter(e -> e.v1().compareTo(e.v2()) != 0).count();
        assertTrue(wrong > 0, "some payouts differ between v1 and v2: " + expected);
        stack.updateParameter("FeeRule", "v2");
        ObjectNode input = JSON.createObjectNode().put("replayId", "fix-fees").put("segments", 2).put("batchSize", 25).put("gatewayMode", "diff");
        input.putArray("processors").add("payouts");
        start(stack, "RebuildStateMachine", input);
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn("RebuildStateMachine"), "fix-fees", Duration.ofMinutes(3));
        succeeded(d);
        assertEquals(wrong, JSON.readTree(d.output()).path("gateway").path("corrections").asInt(), d.output());
        stack.awaitIdle(IDLE);
        System.out.printf("ConsoleBrowserIT: %d payouts, %d corrections by the diff rebuild 'fix-fees'%n", expected.size(), wrong);
        return wrong;
    }

    /** Sets the balance of {@code account} in the active generation of {@code balances} to 1000000.00, as by hand. */
    static void editByHand(LocalStack stack, String account) throws Exception {
        String table = stack.physicalName("DataTable");
        String active = RebuildBenchmark.activeGeneration(stack, "balances");
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("balances#" + active + "#" + account));
        Map<String, AttributeValue> item = new HashMap<>(stack.dynamoDb().getItem(g -> g.tableName(table).consistentRead(true).key(key)).item());
        assertTrue(item.containsKey("state"), () -> "no item " + key + " in " + table);
        ObjectNode state = (ObjectNode) JSON.readTree(item.get("state").s());
        state.put("balance", "1000000.00");
        item.put("state", AttributeValue.fromS(state.toString()));
        stack.dynamoDb().putItem(p -> p.tableName(table).item(item));
    }

    static String start(LocalStack stack, String machine, ObjectNode input) {
        return stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn(machine),
                input.path("replayId").asText(), input.toString()).executionArn();
    }

    static void succeeded(ExecutionDescription d) {
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), () -> d.name() + ": " + d.error() + " " + d.cause());
    }

    static void post(PlaybackApi api, ArrayNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        assertEquals(202, a.status(), () -> "POST /events answered " + a.status() + ": " + a.body());
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Runs {@code console-check.mjs}: one check per call, its JSON line printed, its reason the failure's message. */
    record Browser(Path checks, String url, Path screenshots) {
        JsonNode check(String name, String... options) throws Exception {
            List<String> command = new ArrayList<>(List.of("node", checks.resolve("console-check.mjs").toString(), name,
                    "--url", url, "--screenshots", screenshots.toString()));
            command.addAll(List.of(options));
            Path out = Files.createTempFile("console-check", ".out"), err = Files.createTempFile("console-check", ".err");
            try {
                Process p = new ProcessBuilder(command).directory(checks.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(CHECK_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    fail("the browser check " + name + " did not end within " + CHECK_TIMEOUT + ": " + Files.readString(err));
                }
                String line = Files.readString(out, StandardCharsets.UTF_8).strip();
                String errors = Files.readString(err, StandardCharsets.UTF_8).strip();
                System.out.println("ConsoleBrowserIT: " + name + " " + String.join(" ", options) + " -> " + line);
                if (p.exitValue() != 0) fail("the browser check " + name + " failed (exit " + p.exitValue() + "): " + (errors.isEmpty() ? line : errors));
                JsonNode result = JSON.readTree(line);
                assertTrue(result.path("ok").asBoolean(), line);
                return result.path("saw");
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    /**
     * Finds Chromium, Node.js and npm, and installs the checks' packages with {@code npm ci} when {@code node_modules}
     * is missing or was installed from another lockfile. Returns Node's version. A missing piece skips the test, or fails
     * it under {@code PLAYBACK_REQUIRE_BROWSER=true}.
     */
    static String requireBrowser(Path checks) throws Exception {
        require(Files.isExecutable(CHROMIUM), "ConsoleBrowserIT: " + CHROMIUM + " is missing; install Debian's Chromium with 'apt-get install chromium'");
        Optional<String> node = firstLine(checks, "node", "--version");
        require(node.isPresent() && firstLine(checks, "npm", "--version").isPresent(),
                "ConsoleBrowserIT: Node.js and npm are not on the PATH; install them with 'apt-get install nodejs npm'");
        String lock = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(checks.resolve("package-lock.json"))));
        Path stamp = checks.resolve("node_modules/.playback-lock.sha256");
        if (!Files.isRegularFile(stamp) || !Files.readString(stamp).strip().equals(lock)) {
            System.out.println("ConsoleBrowserIT: npm ci in " + checks);
            require(firstLine(checks, "npm", "ci", "--no-audit", "--no-fund").isPresent(),
                    "ConsoleBrowserIT: 'npm ci' in " + checks + " failed (no npm registry?); run it there to see why");
            Files.writeString(stamp, lock + "\n");
        }
        return "node " + node.get();
    }

    static void require(boolean present, String reason) {
        if (present) return;
        if (Boolean.parseBoolean(System.getenv(REQUIRE_ENV))) fail(reason + " (" + REQUIRE_ENV + "=true: the browser tests must run)");
        System.out.println(reason + ": skipped");
        Assumptions.abort(reason);
    }

    /** The first line {@code command} prints when it exits 0 within 5 minutes, or empty when it cannot run or fails. */
    static Optional<String> firstLine(Path workDir, String... command) throws InterruptedException {
        try {
            Path out = Files.createTempFile("console-probe", ".out");
            try {
                Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    System.out.println(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + String.join("\n", lines));
                    return Optional.empty();
                }
                return Optional.of(lines.isEmpty() ? "" : lines.get(0));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return Optional.empty(); // the program is not there
        }
    }
}

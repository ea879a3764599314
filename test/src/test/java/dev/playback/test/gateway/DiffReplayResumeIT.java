package dev.playback.test.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.playback.lambdas.aws.gateway.DynamoCommandLog;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.tools.check.PayoutCheck;
import dev.playback.tools.cli.LocalEndpoints;
import dev.playback.tools.client.PlaybackApi;
import dev.playback.test.process.LocalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code diff} replay with small batches killed with SIGKILL (the whole local runtime: functions, state machine
 * executor, emulators) at about one, two and three fifths of its corrections, each time resumed with the same replay id
 * after a restart: every payout wrong under v1 gets exactly one correction at the partner bank (none twice, none
 * missing), the bank's net per payout equals what v2 sends from the recorded rates, and the replay's report
 * ({@code reports/gateway/<id>.json}) lists every correction the bank received, each once.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class DiffReplayResumeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    static final int ACCOUNTS = 40;
    static final int PAYOUTS_PER_ACCOUNT = 10;
    static final int KILLS = 3;

    @TempDir
    Path dir;

    @Test
    void a_diff_replay_killed_three_times_and_resumed_sends_each_correction_exactly_once_and_reports_every_one() throws Exception {
        Path data = dir.resolve("data");
        Path file = dir.resolve("local.json");
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) accounts.add("acct-" + i);

        // 1. Live with the original fee rule.
        Process v1 = LocalProcess.start(data, file, "v1", "--fee-rule", "v1");
        int live;
        try {
            LocalEndpoints e = LocalProcess.awaitFile(file, v1);
            PlaybackApi api = new PlaybackApi(e.api());
            ingest(api, accounts);
            live = awaitBank(e.external("bank"), ACCOUNTS * PAYOUTS_PER_ACCOUNT, Duration.ofMinutes(5)).path("payouts").size();
        } finally {
            LocalProcess.stop(v1);
        }

        // 2. The fix is deployed (a restart with v2); the rates move; the diff replay starts with small batches and is
        //    killed with SIGKILL at about a fifth of the corrections, resumed with the same id and killed again, three times.
        Process first = LocalProcess.start(data, file, "v2-0", "--fee-rule", "v2");
        Map<String, PayoutCheck.Expected> expected;
        long wrong;
        List<Long> atKills = new ArrayList<>();
        try {
            LocalEndpoints e = LocalProcess.awaitFile(file, first);
            put(e.external("fx"), "/rates", "{\"EUR/USD\":\"1.3000\",\"EUR/GBP\":\"0.7100\"}");
            try (S3Client s3 = LocalProcess.s3(e)) {
                Set<String> sent = new TreeSet<>();
                bank(e.external("bank")).path("payouts").forEach(p -> sent.add(p.path("payoutId").asText()));
                expected = PayoutCheck.expected(new PlaybackApi(e.api()), s3, e.name("RecordBucket"), accounts, sent);
            }
            wrong = expected.values().stream().filter(x -> x.v1().compareTo(x.v2()) != 0).count();
            // A live send cut short by the stop of the v1 runtime (after the bank got it, before it was logged) is sent
            // again by v2 when its record comes again; the bank answers with what it kept (diagnostic only).
            System.out.printf("before the replay: the bank absorbed %d repeated deliveries of live payouts%n",
                    bank(e.external("bank")).path("repeatedDeliveries").asLong());
            assertEquals(ACCOUNTS * PAYOUTS_PER_ACCOUNT, expected.size());
            assertTrue(wrong > expected.size() / 2, "most payouts differ between v1 and v2: " + wrong);
            assertEquals(0, LocalProcess.cli(file, "rebuild", "--replay-id", "fix-fees", "--processor", "payouts",
                    "--gateway-mode", "diff", "--segments", "4", "--batch-size", "5"));
            atKills.add(killAt(first, file, e, live, wrong / 5, wrong));
        } finally {
            first.destroyForcibly();
        }
        for (int k = 2; k <= KILLS; k++) {
            Process again = LocalProcess.start(data, file, "v2-" + (k - 1), "--fee-rule", "v2");
            try {
                LocalEndpoints e = LocalProcess.awaitFile(file, again);
                assertEquals(0, LocalProcess.cli(file, "rebuild", "--replay-id", "fix-fees"));
                atKills.add(killAt(again, file, e, live, k * wrong / 5, wrong));
            } finally {
                again.destroyForcibly();
            }
        }

        // 3. Restart and resume with the same replay id, to the end.
        Process last = LocalProcess.start(data, file, "v2-last", "--fee-rule", "v2");
        try {
            LocalEndpoints e = LocalProcess.awaitFile(file, last);
            assertEquals(0, LocalProcess.cli(file, "rebuild", "--replay-id", "fix-fees", "--watch"), "the resumed diff replay did not succeed");
            JsonNode bank = bank(e.external("bank"));
            long corrections = bank.path("payouts").size() - live;
            Map<String, BigDecimal> net = new TreeMap<>();
            bank.path("netByPayout").fields().forEachRemaining(f -> net.put(f.getKey(), new BigDecimal(f.getValue().asText())));
            Map<String, Integer> perPayout = new TreeMap<>();
            Set<String> bankKeys = new TreeSet<>();
            for (int i = live; i < bank.path("payouts").size(); i++) {
                perPayout.merge(bank.path("payouts").get(i).path("payoutId").asText(), 1, Integer::sum);
                bankKeys.add(bank.path("payouts").get(i).path("idempotencyKey").asText());
            }
            JsonNode report;
            try (S3Client s3 = LocalProcess.s3(e)) {
                report = JSON.readTree(s3.getObjectAsBytes(g -> g.bucket(e.name("ReportBucket")).key("reports/gateway/fix-fees.json")).asByteArray());
                Set<String> uncorrected = new TreeSet<>();
                expected.values().stream().filter(x -> x.v1().compareTo(x.v2()) != 0).forEach(x -> uncorrected.add(x.payoutId()));
                uncorrected.removeAll(perPayout.keySet());
                if (!uncorrected.isEmpty()) System.out.print(diagnose(e, s3, bank, uncorrected));
            }
            Map<String, Integer> reported = new TreeMap<>();
            report.path("correctionList").forEach(c -> reported.merge(c.path("idempotencyKey").asText(), 1, Integer::sum));
            Set<String> missing = new TreeSet<>(bankKeys);
            missing.removeAll(reported.keySet());
            Set<String> notAtBank = new TreeSet<>(reported.keySet());
            notAtBank.removeAll(bankKeys);
            long repeated = bank.path("repeatedDeliveries").asLong();
            System.out.printf("resumed diff replay after %d kills (at %s corrections): %d payouts, %d wrong under v1, %d corrections "
                    + "recorded by the bank (%d payouts corrected more than once), %d deliveries repeated a key and were absorbed by "
                    + "the bank; the report lists %d corrections (count %d), %d of the bank's missing, %d not at the bank%n",
                    KILLS, atKills, expected.size(), wrong, corrections, perPayout.values().stream().filter(n -> n > 1).count(), repeated,
                    reported.size(), report.path("corrections").asLong(), missing.size(), notAtBank.size());
            assertEquals(wrong, corrections, "one correction per wrong payout: none missing, none twice (the wrong payouts without one, "
                    + "if any, are diagnosed above)");
            assertTrue(perPayout.values().stream().allMatch(n -> n == 1), "a payout corrected twice: " + perPayout);
            assertEquals(List.of(), PayoutCheck.compare(expected, net, "v2"));
            assertEquals(0, missing.size(), "corrections the bank received that the replay's report leaves out, e.g. "
                    + missing.stream().limit(3).toList());
            assertEquals(0, notAtBank.size(), "corrections in the report that the bank never received, e.g. "
                    + notAtBank.stream().limit(3).toList());
            assertTrue(reported.values().stream().allMatch(n -> n == 1), "a correction listed twice: " + reported);
            assertEquals(wrong, report.path("corrections").asLong(), "the report's count of corrections");
        } finally {
            LocalProcess.stop(last);
        }
    }

    /**
     * For each wrong payout without a correction (diagnostic only): what the bank holds for it, its command-log entries,
     * and the objects of the failure bucket (set-aside records, discarded batches) that name it.
     */
    private static String diagnose(LocalEndpoints e, S3Client s3, JsonNode bank, Set<String> uncorrected) {
        StringBuilder out = new StringBuilder("wrong payouts without a correction: " + uncorrected + "\n");
        DynamoCommandLog log = new DynamoCommandLog(LocalProcess.dynamo(e), e.name("DataTable"));
        Map<String, String> failureObjects = new TreeMap<>();
        s3.listObjectsV2Paginator(l -> l.bucket(e.name("FailureBucket"))).contents().forEach(o -> failureObjects.put(o.key(),
                s3.getObjectAsBytes(g -> g.bucket(e.name("FailureBucket")).key(o.key())).asUtf8String()));
        out.append("  failure bucket: ").append(failureObjects.size()).append(" objects\n");
        for (String id : uncorrected) {
            out.append("  ").append(id).append(": at the bank");
            bank.path("payouts").forEach(p -> {
                if (p.path("payoutId").asText().equals(id)) out.append(" ").append(p.path("amount").asText()).append(" (key ")
                        .append(p.path("idempotencyKey").asText(), 0, 12).append(")");
            });
            out.append("; logged");
            for (LoggedCommand c : log.forEvent("payouts", id)) {
                out.append(" ").append(c.disposition()).append("/").append(c.replayId()).append("/").append(c.command().path("amount").asText())
                        .append(" (key ").append(c.idempotencyKey(), 0, 12).append(")");
            }
            List<String> aside = failureObjects.entrySet().stream().filter(o -> o.getValue().contains(id)).map(Map.Entry::getKey).toList();
            out.append("; in the failure bucket: ").append(aside).append("\n");
        }
        return out.toString();
    }

    /** Waits until at least {@code atLeast} corrections reached the bank, then kills the runtime; returns how many it had. */
    private static long killAt(Process p, Path file, LocalEndpoints e, int live, long atLeast, long wrong) throws Exception {
        long atKill = awaitCorrections(e.external("bank"), live, atLeast, Duration.ofMinutes(5));
        LocalProcess.kill(p, file);
        System.out.printf("kill -9 with %d of %d corrections at the bank%n", atKill, wrong);
        assertTrue(atKill < wrong, "the replay was killed before its end (" + atKill + " of " + wrong + ")");
        return atKill;
    }

    private static void ingest(PlaybackApi api, List<String> accounts) {
        ArrayNode open = JSON.createArrayNode();
        for (String a : accounts) {
            open.addObject().put("aggregateId", a).put("type", "AccountOpened")
                    .set("payload", JSON.createObjectNode().put("owner", a).put("currency", "EUR"));
            open.addObject().put("aggregateId", a).put("type", "MoneyDeposited").set("payload", JSON.createObjectNode().put("amount", "90000.00"));
        }
        post(api, open);
        for (int k = 0; k < PAYOUTS_PER_ACCOUNT; k++) {
            ArrayNode batch = JSON.createArrayNode();
            for (int i = 0; i < accounts.size(); i++) {
                String amount = (50 + 97 * k + 13 * i) + "." + String.format("%02d", (31 * k + 17 * i) % 100);
                batch.addObject().put("eventId", "pay-" + i + "-" + k).put("aggregateId", accounts.get(i)).put("type", "PayoutRequested")
                        .set("payload", JSON.createObjectNode().put("amount", amount).put("targetCurrency", (i + k) % 2 == 0 ? "USD" : "GBP")
                                .put("beneficiary", "B" + i));
            }
            post(api, batch);
        }
    }

    private static void post(PlaybackApi api, JsonNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        assertEquals(202, a.status(), a.body().toString());
    }

    private static JsonNode bank(URI bank) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(bank.resolve("/payouts")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static void put(URI fx, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(fx.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    private static JsonNode awaitBank(URI bank, int payouts, Duration timeout) {
        return Awaitility.await("the bank receives " + payouts + " payouts").atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> bank(bank), b -> b.path("payouts").size() >= payouts);
    }

    /** Waits until at least {@code atLeast} corrections reached the bank; returns how many had then. */
    private static long awaitCorrections(URI bank, int live, long atLeast, Duration timeout) {
        return Awaitility.await("the bank receives " + atLeast + " corrections").atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> (long) bank(bank).path("payouts").size() - live, n -> n >= atLeast);
    }
}

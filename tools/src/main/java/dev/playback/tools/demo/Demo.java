package dev.playback.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.client.PlaybackApi;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code playback demo}: starts the local stack, sends ledger traffic through the HTTP API (including
 * the awkward cases: a declined withdrawal, an account that was never opened, a duplicate send, a
 * stale expectedVersion), waits until everything is projected, then checks the data store against an
 * independent fold of the events table and prints what happened at each stage. Then the payouts story
 * ({@link DemoPayouts}), the replays ({@link DemoReplays}) and a parked aggregate ({@link DemoParking}).
 */
public final class Demo {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    public Demo(PrintStream out) {
        this.out = out;
    }

    /** What runs at the end of a demo, before its stack stops ({@code playback demo --keep}: the console until Ctrl-C). */
    public interface AtEnd {
        AtEnd NOTHING = stack -> {
        };

        void run(LocalStack stack) throws Exception;
    }

    public int run(LocalOptions options) throws Exception {
        return run(options, AtEnd.NOTHING);
    }

    public int run(LocalOptions options, AtEnd atEnd) throws Exception {
        long t0 = System.nanoTime();
        out.println("== Playback demo: the live path on the local stack ==");
        // The payouts story starts with the original fee rule (v1, the bug) and deploys the fix (v2) halfway.
        try (LocalStack stack = LocalStack.start(options.withParameter("FeeRule", "v1"))) {
            long tStarted = System.nanoTime();
            out.printf(Locale.ROOT, "stack up in %.1f s: API %s%n", secs(t0, tStarted), stack.apiUrl());
            PlaybackApi api = new PlaybackApi(stack.apiUrl());

            // 1. The story: three accounts and the awkward cases.
            int accepted = 0;
            accepted += post(api, "[" + String.join(",",
                    ev("alice", "AccountOpened", "{\"owner\":\"Alice\",\"currency\":\"EUR\"}", null, null),
                    ev("bob", "AccountOpened", "{\"owner\":\"Bob\",\"currency\":\"USD\"}", null, null),
                    ev("carol", "AccountOpened", "{\"owner\":\"Carol\",\"currency\":\"GBP\"}", null, null),
                    ev("alice", "MoneyDeposited", "{\"amount\":\"100.00\"}", "demo-alice-dep-1", null),
                    ev("alice", "MoneyWithdrawn", "{\"amount\":\"30.10\"}", null, null),
                    ev("bob", "MoneyDeposited", "{\"amount\":\"20.00\"}", null, null),
                    ev("bob", "MoneyWithdrawn", "{\"amount\":\"50.00\"}", null, null),
                    ev("carol", "MoneyDeposited", "{\"amount\":\"0.10\"}", null, null),
                    ev("carol", "MoneyDeposited", "{\"amount\":\"0.20\"}", null, null),
                    ev("dave", "MoneyDeposited", "{\"amount\":\"5.00\"}", null, null)) + "]");
            out.println("sent: 3 accounts opened, deposits and withdrawals; bob withdraws more than he has; dave was never opened");
            accepted += post(api, "[" + ev("alice", "MoneyDeposited", "{\"amount\":\"100.00\"}", "demo-alice-dep-1", null) + "]");
            out.println("sent: alice's first deposit again, same eventId (a client retry)");
            PlaybackApi.Answer stale = api.postEvents(ev("carol", "MoneyWithdrawn", "{\"amount\":\"0.05\"}", "demo-carol-stale", 1L));
            accepted += stale.body().path("eventIds").size();
            out.println("sent: a withdrawal for carol with expectedVersion 1 (carol is at 3 by then)");
            for (String bad : List.of("{\"aggregateId\":\"alice\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"-5\"}}",
                    "{\"aggregateId\":\"alice\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.234\"}}",
                    "{\"aggregateId\":\"alice\",\"type\":\"Teleported\",\"payload\":{}}",
                    "{\"aggregateId\":\"bad id!\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1\"}}",
                    "{not json")) {
                PlaybackApi.Answer a = api.postEvents(bad);
                out.printf(Locale.ROOT, "refused: %d %s%n", a.status(), a.body().path("error").asText());
            }

            // 2. Traffic: 4 clients x 10 batches of 50 events over 20 accounts.
            long tTraffic = System.nanoTime();
            int bulk = bulkTraffic(api, 4, 10, 50, 20);
            accepted += bulk;
            long tAccepted = System.nanoTime();
            out.printf(Locale.ROOT, "bulk: %d events accepted by 4 concurrent clients in %.2f s%n", bulk, secs(tTraffic, tAccepted));

            // 3. Wait until pump and projection have caught up.
            stack.awaitIdle(Duration.ofMinutes(2));
            long tIdle = System.nanoTime();
            out.printf(Locale.ROOT, "appended and projected %.2f s after the last 202%n", secs(tAccepted, tIdle));

            // 4. What happened.
            JsonNode staleStatus = api.event("demo-carol-stale").body();
            out.printf(Locale.ROOT, "demo-carol-stale: %s (%s)%n", staleStatus.path("status").asText(), staleStatus.path("reason").asText());
            LedgerFold.Result fold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
            out.printf(Locale.ROOT, "events: %d accepted (HTTP 202), %d appended to the events table, %d duplicate or rejected%n",
                    accepted, fold.events(), accepted - fold.events());
            out.println();
            out.println(String.format(Locale.ROOT, "%-10s %-6s %12s %8s %11s %8s %8s %7s", "account", "cur", "balance", "deposits", "withdrawals", "declined", "rejected", "version"));
            for (String id : List.of("alice", "bob", "carol", "dave")) {
                JsonNode s = api.aggregate(id).body();
                JsonNode st = s.path("state");
                out.println(String.format(Locale.ROOT, "%-10s %-6s %12s %8d %11d %8d %8d %7d", id, st.path("currency").asText("-"),
                        st.path("balance").asText(), st.path("deposits").asLong(), st.path("withdrawals").asLong(),
                        st.path("declined").asLong(), st.path("rejectedCount").asLong(), s.path("version").asLong()));
            }
            JsonNode dave = api.aggregate("dave").body().path("state").path("rejected");
            if (dave.size() > 0) out.println("dave's rejection: " + dave.get(0).path("reason").asText());
            out.println();
            List<String> diffs = LedgerFold.compare(fold, stack.dynamoDb(), stack.physicalName("DataTable"), "g0");
            out.printf(Locale.ROOT, "check: %d aggregates; invariant violations in the events table: %d; data store vs independent fold: %s%n",
                    fold.accounts().size(), fold.violations().size(), diffs.isEmpty() ? "equal" : diffs.size() + " differences");
            diffs.stream().limit(10).forEach(d -> out.println("  " + d));
            fold.violations().stream().limit(10).forEach(v -> out.println("  " + v));
            out.printf(Locale.ROOT, "time: stack %.1f s, story+bulk %.1f s, catch-up %.1f s, total %.1f s%n",
                    secs(t0, tStarted), secs(tStarted, tAccepted), secs(tAccepted, tIdle), secs(t0, System.nanoTime()));
            out.println();
            boolean travelOk = new DemoTimeTravel(out, stack, api).run();
            out.println();
            DemoPayouts payouts = new DemoPayouts(out, stack, api);
            boolean payoutsOk = payouts.live();
            out.println();
            boolean replaysOk = new DemoReplays(out, stack, payouts).run() && payoutsOk;
            out.println();
            boolean parkingOk = new DemoParking(out, stack, api).run();
            out.println();
            replaysOk = new DemoForget(out, stack, api).run() && replaysOk;
            boolean ok = replaysOk && travelOk && parkingOk && diffs.isEmpty() && fold.violations().isEmpty()
                    && "rejected".equals(staleStatus.path("status").asText())
                    && new BigDecimal(api.aggregate("carol").body().path("state").path("balance").asText()).compareTo(new BigDecimal("0.30")) == 0;
            out.printf(Locale.ROOT, "total time %.1f s%n", secs(t0, System.nanoTime()));
            out.println(ok ? "demo: OK" : "demo: FAILED");
            atEnd.run(stack);
            return ok ? 0 : 1;
        }
    }

    private int post(PlaybackApi api, String body) {
        PlaybackApi.Answer a = api.postEvents(body);
        if (a.status() != 202) throw new IllegalStateException("POST /events answered " + a.status() + ": " + a.body());
        return a.body().path("eventIds").size();
    }

    static int bulkTraffic(PlaybackApi api, int clients, int batches, int batchSize, int accounts) throws Exception {
        ArrayNode open = JSON.createArrayNode();
        for (int i = 0; i < accounts; i++) {
            open.add(JSON.readTree(ev(String.format("acct-%03d", i), "AccountOpened", "{\"owner\":\"Owner " + i + "\",\"currency\":\"EUR\"}", null, null)));
        }
        PlaybackApi.Answer opened = api.postEvents(open);
        if (opened.status() != 202) throw new IllegalStateException("opening accounts answered " + opened.status() + ": " + opened.body());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    Random random = new Random(client);
                    int sent = 0;
                    for (int b = 0; b < batches; b++) {
                        ArrayNode batch = JSON.createArrayNode();
                        for (int i = 0; i < batchSize; i++) {
                            String account = String.format("acct-%03d", random.nextInt(accounts));
                            boolean deposit = random.nextInt(3) > 0;
                            String amount = (1 + random.nextInt(500)) + "." + String.format("%02d", random.nextInt(100));
                            batch.add(JSON.readTree(ev(account, deposit ? "MoneyDeposited" : "MoneyWithdrawn", "{\"amount\":\"" + amount + "\"}", null, null)));
                        }
                        PlaybackApi.Answer a = api.postEvents(batch);
                        if (a.status() != 202) throw new IllegalStateException("POST /events answered " + a.status() + ": " + a.body());
                        sent += a.body().path("eventIds").size();
                    }
                    return sent;
                }));
            }
            int total = opened.body().path("eventIds").size();
            for (Future<Integer> f : results) total += f.get();
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    static String ev(String aggregateId, String type, String payload, String eventId, Long expectedVersion) {
        ObjectNode n = JSON.createObjectNode();
        n.put("aggregateId", aggregateId);
        n.put("type", type);
        try {
            n.set("payload", JSON.readTree(payload));
        } catch (Exception e) {
            throw new IllegalArgumentException(payload, e);
        }
        if (eventId != null) n.put("eventId", eventId);
        if (expectedVersion != null) n.put("expectedVersion", expectedVersion);
        return n.toString();
    }

    private static double secs(long from, long to) {
        return (to - from) / 1e9;
    }
}

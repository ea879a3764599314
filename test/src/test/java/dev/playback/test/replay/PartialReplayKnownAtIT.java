package dev.playback.test.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.lambdas.aws.dynamodb.DynamoSnapshotStore;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.Main;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code playback replay --known-at T} on the local stack (the CLI puts ReplayRequested on the bus, its rule starts the
 * partial replay): the states it folds are those of the events recorded by T, equal to a fold of those events computed
 * here from the history the API answers, while the live states keep every event. {@code playback verify --known-at T}
 * compares the same folds with the snapshots recorded by then.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class PartialReplayKnownAtIT {
    @TempDir
    Path dir;

    @Test
    void aPartialReplayKnownAtAnInstantReproducesTheStatesAsTheyWereKnownThen() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            Path localFile = dir.resolve("local.json");
            stack.endpoints().write(localFile);
            String[] accounts = {"known-a", "known-b"};
            ArrayNode first = Replays.JSON.createArrayNode();
            for (String a : accounts) {
                first.addObject().put("aggregateId", a).put("type", "AccountOpened")
                        .set("payload", Replays.JSON.createObjectNode().put("owner", "Owner " + a).put("currency", "EUR"));
                first.addObject().put("aggregateId", a).put("type", "MoneyDeposited").set("payload", Replays.JSON.createObjectNode().put("amount", "100.00"));
                first.addObject().put("aggregateId", a).put("type", "MoneyWithdrawn").set("payload", Replays.JSON.createObjectNode().put("amount", "30.00"));
            }
            Replays.post(api, first);
            stack.awaitIdle(Duration.ofMinutes(2));
            Instant knownAt = latestRecordedAt(api, accounts);
            await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(knownAt));
            ArrayNode second = Replays.JSON.createArrayNode();
            second.addObject().put("aggregateId", "known-a").put("type", "MoneyDeposited").set("payload", Replays.JSON.createObjectNode().put("amount", "5.00"));
            second.addObject().put("aggregateId", "known-b").put("type", "MoneyWithdrawn").set("payload", Replays.JSON.createObjectNode().put("amount", "12.50"));
            second.addObject().put("aggregateId", "known-b").put("type", "MoneyDeposited").set("payload", Replays.JSON.createObjectNode().put("amount", "1.25"));
            Replays.post(api, second);
            stack.awaitIdle(Duration.ofMinutes(2));

            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int code = Main.execute(new String[]{"replay", "--aggregate", "known-a", "--aggregate", "known-b", "--known-at", knownAt.toString(),
                    "--replay-id", "known-1", "--local-file", localFile.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            ExecutionDescription d = Replays.awaitReplay(stack, "PartialReplayStateMachine", "known-1", Duration.ofMinutes(3));
            Replays.assertSucceeded(d);
            JsonNode report = Replays.output(d);
            System.out.println("partial replay known at " + knownAt + ": " + report.path("summary").asText());
            assertEquals(knownAt.toString(), report.path("knownAt").asText(), report::toString);

            Map<String, JsonNode> states = knownStates(stack, "known-1");
            for (String a : accounts) {
                Fold expected = fold(api, a, knownAt);
                JsonNode s = states.get(a);
                assertEquals(expected.version(), s.path("version").asLong(), a + ": " + s);
                assertEquals(0, expected.balance().compareTo(new BigDecimal(s.path("state").path("balance").asText())), a + ": " + s);
                Fold now = fold(api, a, Instant.MAX);
                JsonNode live = api.aggregate(a).body();
                assertEquals(now.version(), live.path("version").asLong(), "the live state keeps every event: " + live);
                assertEquals(0, now.balance().compareTo(new BigDecimal(live.path("state").path("balance").asText())), live.toString());
                assertTrue(now.version() > expected.version(), a + " has events recorded after knownAt");
            }
            // 100.00 - 30.00 for both, at version 3
            assertEquals("70.00@3", states.get("known-a").path("state").path("balance").asText() + "@" + states.get("known-a").path("version").asLong());
            assertEquals("70.00@3", states.get("known-b").path("state").path("balance").asText() + "@" + states.get("known-b").path("version").asLong());
        }
    }

    /**
     * {@code playback verify --known-at T} (snapshots every 5 events): each account folded from the events recorded by T
     * and compared with the state from the snapshots recorded by then. Snapshots as their events give them: no drift. The
     * snapshot at 10 (recorded by T) made wrong by hand: drift of that account at the version known at T, its folded state
     * equal to a fold of those events computed here; the snapshot at 15 (recorded later) is not the reference.
     */
    @Test
    void aVerificationKnownAtAnInstantComparesTheFoldOfWhatWasKnownThenWithTheSnapshotsOfThen() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("SnapshotInterval", "5"))) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            Path localFile = dir.resolve("local.json");
            stack.endpoints().write(localFile);
            ArrayNode first = Replays.JSON.createArrayNode();
            for (String a : new String[]{"verify-a", "verify-b"}) {
                first.addObject().put("aggregateId", a).put("type", "AccountOpened")
                        .set("payload", Replays.JSON.createObjectNode().put("owner", "Owner " + a).put("currency", "EUR"));
            }
            first.addAll(Replays.deposits(new String[]{"verify-a"}, 9, 0));
            first.addAll(Replays.deposits(new String[]{"verify-b"}, 2, 20));
            Replays.post(api, first);
            stack.awaitIdle(Duration.ofMinutes(2));
            Instant knownAt = latestRecordedAt(api, new String[]{"verify-a", "verify-b"});
            await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(knownAt));
            Replays.post(api, Replays.deposits(new String[]{"verify-a"}, 7, 40));
            stack.awaitIdle(Duration.ofMinutes(2));
            DynamoSnapshotStore snapshots = new DynamoSnapshotStore(stack.dynamoDb(), stack.physicalName("SnapshotTable"));
            String logic = new BalancesProjection().logicVersion();
            // every 5 events of 17 (the one at 5 only if a batch ended between 5 and 9)
            List<Long> taken = snapshots.latest("balances", logic, "verify-a", Long.MAX_VALUE, 5).stream().map(Snapshot::version).toList();
            assertTrue(taken.containsAll(List.of(15L, 10L)), taken::toString);

            JsonNode clean = verifyKnownAt(stack, localFile, "verify-known-1", knownAt, true);
            assertEquals(2, clean.path("compared").asInt(), clean::toString);
            assertEquals(1, clean.path("snapshotsChecked").asInt(), clean::toString);
            assertEquals(0, clean.path("drifted").asInt(), clean::toString);

            damage(snapshots, logic, 10);
            damage(snapshots, logic, 15);
            JsonNode drift = verifyKnownAt(stack, localFile, "verify-known-2", knownAt, false);
            assertEquals(1, drift.path("drifted").asInt(), drift::toString);
            JsonNode d = drift.path("aggregates").get(0);
            Fold expected = fold(api, "verify-a", knownAt);
            assertEquals(10, expected.version());
            assertEquals("verify-a", d.path("aggregateId").asText());
            assertEquals(expected.version(), d.path("events").path("to").asLong(), d::toString);
            assertEquals(10, d.path("reference").path("snapshot").asLong(), d::toString);
            assertEquals(0, expected.balance().compareTo(new BigDecimal(d.path("rebuilt").path("balance").asText())), d::toString);
            assertEquals(0, expected.balance().add(new BigDecimal("1000")).compareTo(new BigDecimal(d.path("live").path("balance").asText())), d::toString);
            // the live states keep every event
            Fold now = fold(api, "verify-a", Instant.MAX);
            assertEquals(0, now.balance().compareTo(new BigDecimal(api.aggregate("verify-a").body().path("state").path("balance").asText())));
        }
    }

    /** Runs {@code playback verify --known-at --processor balances}; returns its report. Drift fails the execution with Playback.DriftFound unless reportOnly. */
    private static JsonNode verifyKnownAt(LocalStack stack, Path localFile, String replayId, Instant knownAt, boolean reportOnly) throws Exception {
        List<String> args = new ArrayList<>(List.of("verify", "--known-at", knownAt.toString(), "--processor", "balances", "--replay-id", replayId,
                "--local-file", localFile.toString()));
        if (reportOnly) args.add("--report-only");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.execute(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        ExecutionDescription d = Replays.awaitReplay(stack, "VerifyStateMachine", replayId, Duration.ofMinutes(3));
        System.out.println("verify known at " + knownAt + ": " + d.status() + " " + d.error() + " " + d.cause());
        if (reportOnly) Replays.assertSucceeded(d);
        else assertEquals("Playback.DriftFound", d.error(), () -> d.status() + " " + d.cause());
        byte[] report = stack.s3().getObjectAsBytes(b -> b.bucket(stack.physicalName("ReportBucket")).key("reports/verify/" + replayId + ".json")).asByteArray();
        return Replays.JSON.readTree(report);
    }

    /** The snapshot at {@code version} of verify-a replaced by one whose balance is 1000 more. */
    private static void damage(DynamoSnapshotStore snapshots, String logic, long version) {
        Snapshot s = snapshots.latest("balances", logic, "verify-a", version, 1).get(0);
        ObjectNode state = ((ObjectNode) s.state()).deepCopy();
        state.put("balance", new BigDecimal(state.get("balance").asText()).add(new BigDecimal("1000")).toPlainString());
        snapshots.put(new Snapshot(s.processor(), s.logicVersion(), s.aggregateId(), s.version(), state, s.latestOccurredAt(), s.latestRecordedAt()));
    }

    record Fold(long version, BigDecimal balance) {
    }

    /** Deposits minus withdrawals of the account's events recorded by {@code knownAt}, in version order, as the API lists them. */
    private static Fold fold(PlaybackApi api, String account, Instant knownAt) {
        long version = 0;
        BigDecimal balance = BigDecimal.ZERO;
        for (JsonNode e : api.history(account).body().path("events")) {
            if (Instant.parse(e.path("recordedAt").asText()).isAfter(knownAt)) break;
            version = e.path("version").asLong();
            BigDecimal amount = e.path("payload").has("amount") ? new BigDecimal(e.path("payload").path("amount").asText()) : BigDecimal.ZERO;
            if (e.path("type").asText().equals("MoneyDeposited")) balance = balance.add(amount);
            if (e.path("type").asText().equals("MoneyWithdrawn")) balance = balance.subtract(amount);
        }
        return new Fold(version, balance);
    }

    private static Instant latestRecordedAt(PlaybackApi api, String[] accounts) {
        List<Instant> recorded = new ArrayList<>();
        for (String a : accounts) {
            for (JsonNode e : api.history(a).body().path("events")) recorded.add(Instant.parse(e.path("recordedAt").asText()));
        }
        return recorded.stream().max(Instant::compareTo).orElseThrow();
    }

    /** The states the replay folded, per aggregate, from every piece under reports/known/<replayId>/balances/. */
    private static Map<String, JsonNode> knownStates(LocalStack stack, String replayId) throws Exception {
        String bucket = stack.physicalName("ReportBucket");
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (S3Object o : stack.s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix("reports/known/" + replayId + "/balances/")).contents()) {
            JsonNode piece = Replays.JSON.readTree(stack.s3().getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray());
            piece.path("states").fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue()));
        }
        assertEquals(List.of("known-a", "known-b"), out.keySet().stream().sorted().toList(), "a state of each aggregate in scope");
        return out;
    }
}

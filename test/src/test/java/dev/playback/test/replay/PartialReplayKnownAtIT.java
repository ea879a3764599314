package dev.playback.test.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.onebox.sfn.ExecutionDescription;
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
 * here from the history the API answers, while the live states keep every event.
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

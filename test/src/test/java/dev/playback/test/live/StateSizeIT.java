package dev.playback.test.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.store.StateTooLarge;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.Main;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state-size guard on the emulators: with a limit (StateSizeLimitBytes) under the size of any data-store item, the
 * account's first state is refused, the account parked for balances with its events held back, nothing of it lost;
 * after the limit is raised, {@code playback unpark} has the processor apply every held event once, in order.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class StateSizeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(5);
    private static final String ACCOUNT = "acc-large";
    @TempDir
    Path dir;

    private static ObjectNode event(String id, String type, ObjectNode payload) {
        ObjectNode e = JSON.createObjectNode().put("eventId", id).put("aggregateId", ACCOUNT).put("type", type);
        e.set("payload", payload);
        return e;
    }

    private static void post(PlaybackApi api, ObjectNode... events) {
        ArrayNode body = JSON.createArrayNode();
        for (ObjectNode e : events) body.add(e);
        PlaybackApi.Answer a = api.postEvents(body);
        assertEquals(202, a.status(), a.body().toString());
    }

    private record Run(int code, String out) {
    }

    private Run playback(LocalStack stack, String... args) {
        Path file = dir.resolve("local.json");
        stack.endpoints().write(file);
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--local-file");
        all.add(file.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.execute(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8));
        System.out.print("playback " + String.join(" ", args) + " -> " + code + "\n" + run.out());
        return run;
    }

    @Test
    void aStateOverTheLimitParksItsAccountAndAfterTheLimitIsRaisedUnparkAppliesEveryHeldEventOnce() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("StateSizeWarningBytes", "50")
                .withParameter("StateSizeLimitBytes", "100"))) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            // arrange: every item of the data store is over 100 bytes (its keys and write token alone)
            post(api, event("big-1", "AccountOpened", JSON.createObjectNode().put("owner", "Ada").put("currency", "EUR")),
                    event("big-2", "MoneyDeposited", JSON.createObjectNode().put("amount", "100.00")));
            stack.awaitIdle(IDLE);
            post(api, event("big-3", "MoneyWithdrawn", JSON.createObjectNode().put("amount", "30.00")));
            stack.awaitIdle(IDLE);

            // assert: parked for balances at its first event, nothing saved, the later events held back (in the events table)
            Run parked = playback(stack, "parked", "--processor", "balances");
            assertEquals(0, parked.code(), parked.out());
            assertTrue(parked.out().contains("balances  " + ACCOUNT + "  version 1  event big-1"), parked.out());
            assertTrue(parked.out().contains(StateTooLarge.class.getName()), parked.out());
            assertTrue(parked.out().contains("over the limit of 100 bytes"), parked.out());
            assertEquals(404, api.get("/aggregates/" + ACCOUNT + "?processor=balances").status());
            assertEquals(3, api.get("/aggregates/" + ACCOUNT + "/events").body().path("events").size(), "every event appended");

            // act: the limit raised to the default, then unpark everything parked
            List<String> changed = stack.updateParameter("StateSizeLimitBytes", "358400");
            assertTrue(changed.contains("ProjectionFunction"), changed.toString());
            Run unpark = playback(stack, "unpark", "--all", "--wait", "120");

            // assert: every held event applied once, in order
            assertEquals(0, unpark.code(), unpark.out());
            assertTrue(unpark.out().contains("unparked " + ACCOUNT + " for balances"), unpark.out());
            JsonNode balances = api.get("/aggregates/" + ACCOUNT + "?processor=balances").body();
            assertEquals(3, balances.path("version").asLong(), balances.toString());
            assertEquals("70.00", balances.path("state").path("balance").asText(), "100.00 − 30.00");
            assertTrue(playback(stack, "parked").out().contains("0 parked aggregate(s)"));
        }
    }
}

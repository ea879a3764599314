package dev.playback.test.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.Main;
import dev.playback.tools.cli.Connection;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code playback replay-concurrency} changes the concurrency of a running rebuild's Distributed Map (ListMapRuns,
 * UpdateMapRun through the local Step Functions API): the map run then says the new value, and the rebuild still
 * completes equal to the fold.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RebuildConcurrencyIT {
    @TempDir
    Path dir;

    @Test
    void replay_concurrency_changes_the_running_map_run_of_a_rebuild() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            Path file = dir.resolve("local.json");
            stack.endpoints().write(file);
            Replays.load(stack, 60_000, 600);
            Replays.startRebuild(stack, "concurrency-1", 8, 50);

            AtomicReference<JsonNode> answer = new AtomicReference<>();
            Awaitility.await("a running map run of the rebuild changed by replay-concurrency").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
                        int code = Main.execute(new String[]{"replay-concurrency", "concurrency-1", "1", "--json", "--local-file", file.toString()},
                                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
                        if (code != 0) {
                            assertTrue(err.toString(StandardCharsets.UTF_8).contains("has no running map run"), err::toString);
                            return false;
                        }
                        answer.set(Replays.JSON.readTree(out.toString(StandardCharsets.UTF_8)));
                        return true;
                    });
            JsonNode changed = answer.get();
            System.out.println("replay-concurrency: " + changed);
            assertEquals(4, changed.path("before").asInt(), "two segments per shard of the two-shard playback stream");
            assertEquals(1, changed.path("after").asInt());
            try (Connection c = Connection.local(file)) {
                String mapRun = changed.path("mapRunArn").asText();
                assertEquals(1, c.sfn().describeMapRun(b -> b.mapRunArn(mapRun)).maxConcurrency());
            }

            ExecutionDescription d = Replays.awaitReplay(stack, "RebuildStateMachine", "concurrency-1", Duration.ofMinutes(10));
            Replays.assertSucceeded(d);
            stack.awaitIdle(Duration.ofMinutes(2));
            Replays.assertActiveEqualsFold(stack);
        }
    }
}

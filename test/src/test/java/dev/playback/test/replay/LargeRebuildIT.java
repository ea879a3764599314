package dev.playback.test.replay;

import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.asl.HistoryEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (c) A rebuild of 200,000 events completes on the local stack without reaching the 25,000-event history
 * limit of a standard execution (the local executor enforces it as AWS does): every execution of the chain
 * stays below it, and the result equals the fold. Takes a few minutes (loading 200,000 items into dynalite
 * and rebuilding them).
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class LargeRebuildIT {
    static final int EVENTS = 200_000;

    @Test
    void a_rebuild_of_200_000_events_stays_within_the_history_limit() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            long t0 = System.nanoTime();
            Replays.load(stack, EVENTS, 2_000);
            long tLoaded = System.nanoTime();
            RebuildBenchmark.Result r = RebuildBenchmark.rebuild(stack, "large", 4, 500, EVENTS, 0, Duration.ofMinutes(20));
            RebuildBenchmark.print(r, System.out);
            System.out.printf("200k: loaded in %.1f s, rebuilt in %.1f s%n", (tLoaded - t0) / 1e9, r.seconds());
            assertEquals("SUCCEEDED", r.status());
            var sfn = stack.workflows().stepFunctions();
            String machine = stack.workflows().stateMachineArn("RebuildStateMachine");
            for (ExecutionDescription e : sfn.listExecutions(machine, null)) {
                var history = sfn.getExecutionHistory(e.executionArn());
                assertTrue(history.size() < 25_000, e.name() + " has " + history.size() + " history events");
                for (HistoryEvent h : history) {
                    assertTrue(!h.type().equals("ExecutionFailed"), e.name() + " failed: " + h.details());
                }
            }
            stack.awaitIdle(Duration.ofMinutes(5));
            Replays.assertActiveEqualsFold(stack);
        }
    }
}

package dev.playback.test.replay;

import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.client.PlaybackApi;
import dev.onebox.sfn.ExecutionDescription;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (a) A full rebuild of 20,000 stored events while live traffic keeps arriving through the HTTP API (at least
 * 100 events/s): once it has succeeded and the traffic has drained, the active generation equals the
 * independent fold of the events table for every aggregate.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RebuildUnderTrafficIT {
    static final int STORED = 20_000;
    static final int ACCOUNTS = 200;

    @Test
    void a_rebuild_under_continuous_live_traffic_ends_equal_to_the_fold() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            Replays.load(stack, STORED, ACCOUNTS);
            String[] accounts = new String[ACCOUNTS];
            for (int i = 0; i < ACCOUNTS; i++) accounts[i] = "bench-" + i;
            String before = RebuildBenchmark.activeGeneration(stack, "balances");

            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            AtomicLong sent = new AtomicLong();
            AtomicInteger offset = new AtomicInteger();
            AtomicReference<Throwable> trafficError = new AtomicReference<>();
            // 50 events every 250 ms: 200 events/s offered; a slow POST delays the next ones, which then follow at once
            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "live-traffic");
                t.setDaemon(true);
                return t;
            });
            traffic.scheduleAtFixedRate(() -> {
                try {
                    Replays.post(api, Replays.deposits(accounts, 50, offset.getAndAdd(50)));
                    sent.addAndGet(50);
                } catch (Throwable e) {
                    trafficError.compareAndSet(null, e);
                    throw new IllegalStateException(e);   // ends the schedule; the error is asserted below
                }
            }, 0, 250, TimeUnit.MILLISECONDS);
            Awaitility.await("live traffic flowing before the rebuild").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                    .failFast("live traffic failed", () -> trafficError.get() != null)
                    .until(() -> sent.get() >= 200);
            long tStart = System.nanoTime();
            long sentAtStart = sent.get();
            Replays.startRebuild(stack, "under-traffic", 4, 500);
            ExecutionDescription d = Replays.awaitReplay(stack, "RebuildStateMachine", "under-traffic", Duration.ofMinutes(10));
            long sentDuring = sent.get() - sentAtStart;
            double seconds = (System.nanoTime() - tStart) / 1e9;
            traffic.shutdown();
            assertTrue(traffic.awaitTermination(1, TimeUnit.MINUTES), "the live traffic did not stop within a minute");
            assertNull(trafficError.get(), () -> "live traffic failed: " + trafficError.get());
            Replays.assertSucceeded(d);
            System.out.printf("rebuild under traffic: %.1f s, %d live events during it (%.0f/s)%n", seconds, sentDuring, sentDuring / seconds);
            assertTrue(sentDuring > 0, "no live traffic during the rebuild");

            stack.awaitIdle(Duration.ofMinutes(5));
            String after = RebuildBenchmark.activeGeneration(stack, "balances");
            assertNotEquals(before, after, "the rebuild did not switch the active generation");
            LedgerFold.Result fold = Replays.assertActiveEqualsFold(stack);
            assertEquals(STORED + sent.get(), fold.events());
        }
    }
}

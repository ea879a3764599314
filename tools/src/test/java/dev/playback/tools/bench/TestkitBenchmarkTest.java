package dev.playback.tools.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code playback bench testkit} on a small history: every event replayed, the balances checked. */
class TestkitBenchmarkTest {
    @Test
    void aSmallGeneratedHistoryReplaysWholeAndItsBalancesAddUp() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        int code = new TestkitBenchmark(new PrintStream(printed, true, StandardCharsets.UTF_8)).run(3000, 10, null);

        String out = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        // per account 300 events: the opening, 100 deposits of 100.00, 100 withdrawals of 10.00, 99 payouts of 20.00:
        // 10,000.00 − 1,000.00 − 1,980.00 = 7,020.00; ten accounts
        assertTrue(out.contains("check: total balance 70200.00 equals the sum of the amounts, 70200.00"), out);
        assertTrue(out.contains("3,000 events in "), out);
        assertTrue(out.contains("10 aggregates, 990 bank commands"), out);
    }
}

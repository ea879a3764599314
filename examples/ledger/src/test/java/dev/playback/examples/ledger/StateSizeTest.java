package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.EventNotes;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Reversing;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.LedgerEnvelopes.withdrawn;
import static dev.playback.examples.ledger.ReversalTest.payout;
import static dev.playback.examples.ledger.ReversalTest.reversal;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The size of a processor's state item (its JSON as stored) does not grow with the length of the account: folded in
 * memory over 10, 1,000, 10,000 and 100,000 events of one account (deposits, withdrawals, payouts, declined
 * withdrawals, a rejected event and reversals), encoded and measured in bytes.
 */
class StateSizeTest {
    static final int[] LENGTHS = {10, 1_000, 10_000, 100_000};
    static final int LIMIT = 2048;

    /** Event {@code i} (1-based) of the test account's history. */
    static EventEnvelope event(int i) {
        if (i == 1) return opened("e-1", "acc-1");
        if (i % 1000 == 0) return reversal("e-" + i, "e-" + (i - 2));
        if (i % 97 == 0) return withdrawn("e-" + i, "acc-1", "1000000.00");
        if (i % 10 == 0) return payout("e-" + i, "2.00");
        if (i % 3 == 0) return withdrawn("e-" + i, "acc-1", "3.00");
        if (i == 5) return opened("e-5", "acc-1");
        return deposited("e-" + i, "acc-1", "10.00");
    }

    /** Folded in memory as the toolkit folds: targets of reversals found by id (generated again), notes kept in memory. */
    private static <S> Map<Integer, Integer> sizes(Processor<S> processor) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        Reversing<S> fold = new Reversing<>(processor, id -> Optional.of(Integer.parseInt(id.substring(2))).map(i -> event(i).withVersion(i)),
                EventNotes.inMemory(), 0);
        S s = processor.initial("acc-1");
        int done = 0;
        for (int n : LENGTHS) {
            for (int i = done + 1; i <= n; i++) s = fold.apply(s, event(i).withVersion(i));
            done = n;
            out.put(n, processor.encode(s).toString().getBytes(StandardCharsets.UTF_8).length);
        }
        return out;
    }

    private static void assertFlatAndSmall(String name, Map<Integer, Integer> sizes) {
        System.out.println("state item of " + name + " (bytes) by events of the account: " + sizes);
        int first = sizes.get(LENGTHS[0]);
        for (var e : sizes.entrySet()) {
            assertTrue(e.getValue() < LIMIT, name + " at " + e.getKey() + " events: " + e.getValue() + " bytes, not under " + LIMIT);
            assertTrue(e.getValue() <= first + 200, name + " at " + e.getKey() + " events: " + e.getValue() + " bytes, grew from " + first);
        }
    }

    @Test
    void theBalancesStateStaysUnder2KbWhateverTheAccountsLength() {
        assertFlatAndSmall("balances", sizes(new BalancesProjection()));
    }

    @Test
    void thePayoutsStateStaysUnder2KbWhateverTheAccountsLength() {
        FakeExternalSystems bank = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
        GatewayBinding<PayoutsState> payouts = new GatewayBinding<>(new PayoutsProcessor(FeeRule.V2),
                new GatewayPorts(bank, new InMemoryQueryRecords(), new InMemoryCommandLog()), GatewayRun.live(), new GatewayReport());
        assertFlatAndSmall("payouts", sizes(payouts));
    }
}

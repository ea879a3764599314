package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Compensation;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.ReversalTest.payout;
import static dev.playback.examples.ledger.ReversalTest.reversal;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which commands a reversal causes, as the payouts processor decides them from its state (what a dry run shows). */
class PayoutsCompensationsTest {
    private final PayoutsProcessor payouts = new PayoutsProcessor(FeeRule.V2);
    private final BalancesProjection ledger = new BalancesProjection();

    /** 100.00 EUR paid out to Bob as 107.42 USD after the fee. */
    private static PayoutsState.Payout sentToBob(boolean sent) {
        return new PayoutsState.Payout("p-1", "Bob", "USD", new BigDecimal("100.00"), new BigDecimal("1.0850"),
                new BigDecimal("108.50"), new BigDecimal("1.08"), new BigDecimal("107.42"), "v2", sent);
    }

    private PayoutsState state(PayoutsState.Payout payout, EventEnvelope... events) {
        AccountBalance s = ledger.initial("acc-1");
        long v = 1;
        for (EventEnvelope e : events) s = ledger.apply(s, e.withVersion(v++));
        return new PayoutsState(s, Map.of(payout.payoutId(), payout));
    }

    private static Compensation toBob(String amount) {
        return new Compensation(new CallSite("bank", "payout"),
                json("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"" + amount + "\"}"));
    }

    @Test
    void reversingASentPayoutTakesBackItsNet() {
        PayoutsState s = state(sentToBob(true), opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"));

        assertEquals(List.of(toBob("-107.42")), payouts.compensations(s, "p-1"));
    }

    @Test
    void reversingTheReversalOfAPayoutPaysItAgain_andTheNextOneTakesItBackAgain() {
        PayoutsState once = state(sentToBob(true), opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"),
                reversal("r-1", "p-1"));
        PayoutsState twice = state(sentToBob(true), opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"),
                reversal("r-1", "p-1"), reversal("r-2", "r-1"));

        assertEquals(List.of(toBob("107.42")), payouts.compensations(once, "r-1"));
        assertEquals(List.of(toBob("-107.42")), payouts.compensations(twice, "r-2"));
    }

    @Test
    void aPayoutThatWasNeverSentCausesNothing() {
        PayoutsState s = state(sentToBob(false), opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"));

        assertEquals(List.of(), payouts.compensations(s, "p-1"));
    }

    @Test
    void reversingADepositCausesNothingOutside() {
        PayoutsState s = state(sentToBob(true), opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"));

        assertEquals(List.of(), payouts.compensations(s, "e-2"));
    }
}

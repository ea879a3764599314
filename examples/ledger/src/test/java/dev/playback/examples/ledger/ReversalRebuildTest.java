package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.CannotInvert;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Reversals;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.ReversalTest.payout;
import static dev.playback.examples.ledger.ReversalTest.reversal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reversal of an event older than what the state remembers ({@link AccountBalance#KEEP_EFFECTS}): the account
 * is rebuilt without the reversed event, in place, by the projector; a second reversal is refused; reversing the
 * reversal puts the event back; a bogus reversal is rejected, never blocks the account.
 */
class ReversalRebuildTest {
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final BalancesProjection balances = new BalancesProjection();
    private final Projector<AccountBalance> projector = new Projector<>(balances, log, states, Ledger.catalog());
    private final List<EventEnvelope> history = new ArrayList<>();

    private void append(EventEnvelope... events) {
        List<EventEnvelope> batch = new ArrayList<>();
        for (EventEnvelope e : events) {
            EventEnvelope v = e.withVersion(history.size() + 1);
            history.add(v);
            batch.add(v);
        }
        log.write(batch);
    }

    /** acc-1: opened, a deposit of 500.00 (e-old), then 1,200 deposits of 1.00: e-old is long forgotten by the state. */
    private void longHistory() {
        append(opened("e-open", "acc-1"), deposited("e-old", "acc-1", "500.00"));
        for (int i = 0; i < 1200; i++) append(deposited("d-" + i, "acc-1", "1.00"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertTrue(!state().effects().containsKey("e-old"));
    }

    private AccountBalance state() {
        return balances.decode(states.load("balances", "g0", "acc-1").orElseThrow().state());
    }

    @Test
    void theDomainSaysWhenItCannotUndoAnEvent() {
        longHistory();
        EventEnvelope r = reversal("r-1", "e-old").withVersion(history.size() + 1);
        assertThrows(CannotInvert.class, () -> LedgerRules.apply(state(), r));
    }

    @Test
    void reversingAForgottenEventRebuildsTheAccountWithoutIt() {
        longHistory();
        append(reversal("r-1", "e-old"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        AccountBalance s = state();
        assertEquals(new BigDecimal("1200.00"), s.balance(), "as if e-old had never been deposited");
        assertEquals(1, s.reversals());
        assertEquals("r-1", s.effects().get("e-old").reversedBy());
        assertEquals(history.size(), states.load("balances", "g0", "acc-1").orElseThrow().version());

        append(reversal("r-2", "e-old"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(new BigDecimal("1200.00"), state().balance());
        assertTrue(state().rejected().get(state().rejected().size() - 1).reason().contains("already reversed"), state().rejected().toString());

        append(reversal("r-3", "r-1"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(new BigDecimal("1700.00"), state().balance(), "reversing the reversal puts the deposit back");

        append(deposited("d-late", "acc-1", "2.00"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(new BigDecimal("1702.00"), state().balance());
        assertEquals(state(), Reversals.refold(balances, "acc-1", history), "incremental and rebuilt states agree");
    }

    @Test
    void aReversalOfAnEventThatIsNotThisAccountsIsRejectedAndTheAccountKeepsFlowing() {
        longHistory();
        append(reversal("r-x", "no-such-event"), deposited("d-after", "acc-1", "3.00"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(new BigDecimal("1703.00"), state().balance());
        assertTrue(state().rejected().stream().anyMatch(x -> x.eventId().equals("r-x") && x.reason().contains("no-such-event")),
                state().rejected().toString());
    }

    @Test
    void aForgottenPayoutIsCompensatedOnceWhenItsAccountIsRebuiltWithoutIt() {
        FakeExternalSystems bank = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
        GatewayPorts ports = new GatewayPorts(bank, new InMemoryQueryRecords(), new InMemoryCommandLog());
        Projector<PayoutsState> payouts = new Projector<>(new GatewayBinding<>(Ledger.payouts(FeeRule.V2), ports, GatewayRun.live(),
                new GatewayReport()), log, states, Ledger.catalog());
        append(opened("e-open", "acc-1"), deposited("e-dep", "acc-1", "500.00"), payout("p-old", "100.00"));
        for (int i = 0; i < 1100; i++) append(deposited("d-" + i, "acc-1", "1.00"));
        payouts.catchUp("g0", "acc-1", Long.MAX_VALUE);
        append(reversal("r-1", "p-old"));
        payouts.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(List.of("107.42", "-107.42"), bank.received().stream().map(r -> r.command().path("amount").asText()).toList());
        assertEquals(Map.of("p-old", new BigDecimal("0.00")), bank.netPerPayout());
        PayoutsState s = Ledger.payouts(FeeRule.V2).decode(states.load("payouts", "g0", "acc-1").orElseThrow().state());
        assertEquals(new BigDecimal("1600.00"), s.ledger().balance());

        payouts.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(2, bank.received().size(), "caught up again: nothing sent twice");
    }
}

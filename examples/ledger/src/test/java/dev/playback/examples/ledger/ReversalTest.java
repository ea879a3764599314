package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.EventNotes;
import dev.playback.model.processor.Reversing;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.LedgerEnvelopes.withdrawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReversalTest {
    private final BalancesProjection balances = new BalancesProjection();

    static EventEnvelope reversal(String id, String target) {
        return event(id, "acc-1", LedgerEvent.EVENT_REVERSED, json("{\"reversedEventId\":\"" + target + "\",\"reason\":\"test\"}"));
    }

    static EventEnvelope payout(String id, String amount) {
        return event(id, "acc-1", LedgerEvent.PAYOUT_REQUESTED,
                json("{\"amount\":\"" + amount + "\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}"));
    }

    /** The events as versions 1..n of acc-1, folded in memory; the toolkit finds the targets of reversals among them. */
    private AccountBalance fold(EventEnvelope... events) {
        List<EventEnvelope> versioned = new ArrayList<>();
        for (EventEnvelope e : events) versioned.add(e.withVersion(versioned.size() + 1));
        return Reversing.fold(balances, "acc-1", versioned);
    }

    @Test
    void reversingADepositTakesItsAmountOut() {
        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), deposited("e-3", "acc-1", "5.00"),
                reversal("r-1", "e-2"));
        assertEquals(new BigDecimal("5.00"), s.balance());
        assertEquals(1, s.reversals());
        assertEquals(0, s.rejectedCount());
    }

    @Test
    void reversingAWithdrawalOrAPayoutPutsTheMoneyBack() {
        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), withdrawn("e-3", "acc-1", "30.00"),
                payout("p-1", "20.00"), reversal("r-1", "e-3"), reversal("r-2", "p-1"));
        assertEquals(new BigDecimal("100.00"), s.balance());
    }

    @Test
    void reversingADeclinedWithdrawalChangesNothing() {
        AccountBalance s = fold(opened("e-1", "acc-1"), withdrawn("e-2", "acc-1", "30.00"), reversal("r-1", "e-2"));
        assertEquals(new BigDecimal("0.00"), s.balance());
        assertEquals(0, s.rejectedCount());
    }

    @Test
    void reversingAnEventTwiceIsRejectedWithAClearReason() {
        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), reversal("r-1", "e-2"),
                reversal("r-2", "e-2"));
        assertEquals(new BigDecimal("0.00"), s.balance());
        assertEquals(1, s.rejectedCount());
        assertEquals("event e-2 is already reversed by r-1", s.rejected().get(0).reason());
    }

    @Test
    void reversingAReversalRestoresTheEffectAndAllowsReversingAgain() {
        AccountBalance restored = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), reversal("r-1", "e-2"),
                reversal("r-2", "r-1"));
        assertEquals(new BigDecimal("100.00"), restored.balance());

        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), reversal("r-1", "e-2"),
                reversal("r-2", "r-1"), reversal("r-3", "e-2"));
        assertEquals(new BigDecimal("0.00"), s.balance());
        assertEquals(0, s.rejectedCount());
        assertEquals(3, s.reversals());
    }

    @Test
    void aReversalOfAReversedReversalIsRefusedAndReversingTheRestoringOneTakesTheEffectOutAgain() {
        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), reversal("r-1", "e-2"),
                reversal("r-2", "r-1"), reversal("r-3", "r-1"), reversal("r-4", "r-2"));
        assertEquals(new BigDecimal("0.00"), s.balance(), "r-4 takes r-2 out: e-2 is reversed by r-1 again");
        assertEquals(1, s.rejectedCount());
        assertEquals("event r-1 is already reversed by r-2", s.rejected().get(0).reason());
    }

    @Test
    void aRejectedEventAndARefusedReversalCannotBeReversed() {
        AccountBalance s = fold(deposited("e-0", "acc-1", "7.00"), opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"),
                reversal("r-1", "e-0"), reversal("r-2", "r-1"));
        assertEquals(new BigDecimal("100.00"), s.balance());
        assertEquals(3, s.rejectedCount());
        assertTrue(s.rejected().get(1).reason().contains("no recorded effect"), s.rejected().get(1).reason());
        assertTrue(s.rejected().get(2).reason().contains("no recorded effect"), s.rejected().get(2).reason());
    }

    @Test
    void anOpeningAnUnknownEventAndItselfCannotBeReversed() {
        AccountBalance s = fold(opened("e-1", "acc-1"), reversal("r-1", "e-1"), reversal("r-2", "nope"), reversal("r-3", "r-3"));
        assertEquals(3, s.rejectedCount());
        assertTrue(s.rejected().get(0).reason().contains("cannot be reversed"));
        assertTrue(s.rejected().get(1).reason().contains("no recorded effect"));
    }

    @Test
    void theStateSurvivesEncoding() {
        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), payout("p-1", "10.00"), reversal("r-1", "e-2"));
        assertEquals(s, balances.decode(balances.encode(s)));
    }

    @Test
    void aReversedPayoutSendsOneCompensationAndReversingTheReversalPaysAgain() {
        FakeExternalSystems bank = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
        PayoutsProcessor processor = new PayoutsProcessor(FeeRule.V2);
        GatewayBinding<PayoutsState> p = new GatewayBinding<>(processor,
                new GatewayPorts(bank, new InMemoryQueryRecords(), new InMemoryCommandLog()), GatewayRun.live(), new GatewayReport());
        Map<String, EventEnvelope> seen = new HashMap<>();
        Reversing<PayoutsState> payouts = new Reversing<>(p, id -> Optional.ofNullable(seen.get(id)), EventNotes.inMemory(), 0);
        List<EventEnvelope> events = List.of(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"),
                payout("p-1", "100.00"), reversal("r-1", "p-1"), reversal("r-2", "p-1"), reversal("r-3", "r-1"));
        PayoutsState s = p.initial("acc-1");
        List<PayoutsState> after = new ArrayList<>();
        long v = 1;
        for (EventEnvelope e : events) {
            EventEnvelope versioned = e.withVersion(v++);
            seen.put(versioned.eventId(), versioned);
            s = payouts.apply(s, versioned);
            after.add(s);
        }
        assertEquals(new BigDecimal("500.00"), after.get(3).ledger().balance());
        assertEquals(List.of("107.42", "-107.42", "107.42"), bank.received().stream().map(r -> r.command().path("amount").asText()).toList(),
                "the payout, its compensation once (the second reversal of p-1 is refused and sends nothing), paid again");
        assertEquals(Map.of("p-1", new BigDecimal("107.42")), bank.netPerPayout());
        assertEquals(new BigDecimal("400.00"), s.ledger().balance());
        assertEquals(s, processor.decode(processor.encode(s)));
    }
}

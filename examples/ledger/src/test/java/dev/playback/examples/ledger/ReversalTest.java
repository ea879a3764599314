package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    private AccountBalance fold(EventEnvelope... events) {
        AccountBalance s = balances.initial("acc-1");
        long v = 1;
        for (EventEnvelope e : events) s = balances.apply(s, e.withVersion(v++));
        return s;
    }

    @Test
    void reversingADepositTakesItsAmountOut() {
        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), deposited("e-3", "acc-1", "5.00"),
                reversal("r-1", "e-2"));
        assertEquals(new BigDecimal("5.00"), s.balance());
        assertEquals(1, s.reversals());
        assertEquals("r-1", s.effects().get("e-2").reversedBy());
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
        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), reversal("r-1", "e-2"),
                reversal("r-2", "r-1"));
        assertEquals(new BigDecimal("100.00"), s.balance());
        assertEquals(null, s.effects().get("e-2").reversedBy());
        s = balances.apply(s, reversal("r-3", "e-2").withVersion(5));
        assertEquals(new BigDecimal("0.00"), s.balance());
        assertEquals(0, s.rejectedCount());
    }

    @Test
    void anOpeningAnUnknownEventAndItselfCannotBeReversed() {
        AccountBalance s = fold(opened("e-1", "acc-1"), reversal("r-1", "e-1"), reversal("r-2", "nope"), reversal("r-3", "r-3"));
        assertEquals(3, s.rejectedCount());
        assertTrue(s.rejected().get(0).reason().contains("cannot be reversed"));
        assertTrue(s.rejected().get(1).reason().contains("no recorded effect"));
    }

    @Test
    void theStateWithEffectsSurvivesEncoding() {
        AccountBalance s = fold(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"), payout("p-1", "10.00"), reversal("r-1", "e-2"));
        assertEquals(s, balances.decode(balances.encode(s)));
    }

    @Test
    void aReversedPayoutSendsOneCompensationAndReversingTheReversalPaysAgain() {
        FakeExternalSystems bank = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
        PayoutsProcessor processor = new PayoutsProcessor(FeeRule.V2);
        GatewayBinding<PayoutsState> p = new GatewayBinding<>(processor,
                new GatewayPorts(bank, new InMemoryQueryRecords(), new InMemoryCommandLog()), GatewayRun.live(), new GatewayReport());
        List<EventEnvelope> events = new ArrayList<>(List.of(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"),
                payout("p-1", "100.00"), reversal("r-1", "p-1")));
        PayoutsState s = p.initial("acc-1");
        long v = 1;
        for (EventEnvelope e : events) s = p.apply(s, e.withVersion(v++));
        assertEquals(List.of("107.42", "-107.42"), bank.received().stream().map(r -> r.command().path("amount").asText()).toList());
        assertEquals(Map.of("p-1", new BigDecimal("0.00")), bank.netPerPayout());
        assertEquals(new BigDecimal("500.00"), s.ledger().balance());

        s = p.apply(s, reversal("r-2", "p-1").withVersion(v++));
        assertEquals(2, bank.received().size(), "a second reversal of the same payout is refused and sends nothing");
        s = p.apply(s, reversal("r-3", "r-1").withVersion(v++));
        assertEquals(Map.of("p-1", new BigDecimal("107.42")), bank.netPerPayout());
        assertEquals(new BigDecimal("400.00"), s.ledger().balance());
        assertEquals(s, processor.decode(processor.encode(s)));
    }
}

package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.OutdatedStateShape;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.LedgerEnvelopes.withdrawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalancesProjectionTest {
    private final BalancesProjection projection = new BalancesProjection();

    /** Applies the events at versions 1, 2, 3, … as the projector would. */
    private AccountBalance replay(EventEnvelope... events) {
        AccountBalance s = projection.initial("acc-1");
        long v = 1;
        for (EventEnvelope e : events) s = projection.apply(s, e.withVersion(v++));
        return s;
    }

    @Test
    void startsUnopenedWithAZeroBalance() {
        AccountBalance s = projection.initial("acc-1");
        assertEquals(false, s.opened());
        assertEquals(new BigDecimal("0.00"), s.balance());
    }

    @Test
    void opensAnAccountWithItsOwnerAndCurrency() {
        AccountBalance s = replay(opened("e-1", "acc-1"));
        assertTrue(s.opened());
        assertEquals("Ada", s.owner());
        assertEquals("EUR", s.currency());
        assertEquals(0, s.rejectedCount());
    }

    @Test
    void addsDepositsAndSubtractsWithdrawals() {
        AccountBalance s = replay(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "100.00"),
                deposited("e-3", "acc-1", "20"), withdrawn("e-4", "acc-1", "30.50"));
        assertEquals(new BigDecimal("89.50"), s.balance());
        assertEquals(2, s.deposits());
        assertEquals(1, s.withdrawals());
        assertEquals(0, s.declined());
    }

    @Test
    void allowsWithdrawingTheWholeBalance() {
        AccountBalance s = replay(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), withdrawn("e-3", "acc-1", "10.00"));
        assertEquals(0, s.balance().compareTo(BigDecimal.ZERO));
        assertEquals(1, s.withdrawals());
    }

    @Test
    void declinesAWithdrawalTheBalanceCannotCoverAndLeavesTheBalance() {
        AccountBalance s = replay(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), withdrawn("e-3", "acc-1", "10.01"));
        assertEquals(new BigDecimal("10.00"), s.balance());
        assertEquals(0, s.withdrawals());
        assertEquals(1, s.declined());
        assertEquals(0, s.rejectedCount());
    }

    @Test
    void recordsMoneyMovedOnANeverOpenedAccountAsRejected() {
        AccountBalance s = replay(deposited("e-1", "acc-1", "10.00"), withdrawn("e-2", "acc-1", "1.00"));
        assertEquals(false, s.opened());
        assertEquals(new BigDecimal("0.00"), s.balance());
        assertEquals(0, s.deposits());
        assertEquals(2, s.rejectedCount());
        AccountBalance.Rejection first = s.rejected().get(0);
        assertEquals("e-1", first.eventId());
        assertEquals(1, first.version());
        assertEquals("MoneyDeposited", first.type());
        assertTrue(first.reason().contains("never opened"), first.reason());
        assertEquals("e-2", s.rejected().get(1).eventId());
    }

    @Test
    void recordsASecondOpeningAsRejectedAndKeepsTheFirstOwner() {
        EventEnvelope second = event("e-3", "acc-1", "AccountOpened", json("{\"owner\":\"Bob\",\"currency\":\"USD\"}"));
        AccountBalance s = replay(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "5.00"), second);
        assertEquals("Ada", s.owner());
        assertEquals("EUR", s.currency());
        assertEquals(new BigDecimal("5.00"), s.balance());
        assertEquals(1, s.rejectedCount());
        assertEquals("e-3", s.rejected().get(0).eventId());
        assertEquals(3, s.rejected().get(0).version());
        assertTrue(s.rejected().get(0).reason().contains("already open"), s.rejected().get(0).reason());
    }

    @Test
    void addsDecimalsExactly() {
        AccountBalance s = replay(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "0.10"), deposited("e-3", "acc-1", "0.20"));
        assertEquals(new BigDecimal("0.30"), s.balance());
        assertEquals("0.30", projection.encode(s).get("balance").asText());
    }

    @Test
    void staysExactOverManySmallAmounts() {
        AccountBalance s = projection.apply(projection.initial("acc-1"), opened("e-0", "acc-1").withVersion(1));
        for (int i = 0; i < 1000; i++) {
            s = projection.apply(s, deposited("d-" + i, "acc-1", "0.01").withVersion(i + 2));
        }
        for (int i = 0; i < 333; i++) {
            s = projection.apply(s, withdrawn("w-" + i, "acc-1", "0.03").withVersion(i + 1002));
        }
        assertEquals("0.01", projection.encode(s).get("balance").asText());
    }

    @Test
    void ignoresEventsOfOtherDomains() {
        AccountBalance before = replay(opened("e-1", "acc-1"));
        AccountBalance after = projection.apply(before, event("x-1", "acc-1", "AddressChanged", json("{\"city\":\"Oslo\"}")).withVersion(2));
        assertEquals(before, after);
    }

    @Test
    void keepsTheLatestRejectionsButCountsThemAll() {
        AccountBalance s = projection.initial("acc-1");
        int n = AccountBalance.KEEP_REJECTIONS + 5;
        for (int i = 1; i <= n; i++) s = projection.apply(s, deposited("e-" + i, "acc-1", "1.00").withVersion(i));
        assertEquals(n, s.rejectedCount());
        assertEquals(AccountBalance.KEEP_REJECTIONS, s.rejected().size());
        assertEquals("e-6", s.rejected().get(0).eventId());
        assertEquals("e-" + n, s.rejected().get(s.rejected().size() - 1).eventId());
    }

    @Test
    void decodesWhatItEncoded() {
        AccountBalance s = replay(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "12.30"), withdrawn("e-3", "acc-1", "99.00"),
                opened("e-4", "acc-1"));
        AccountBalance decoded = projection.decode(projection.encode(s));
        assertEquals(s, decoded);
        assertEquals(List.of("e-4"), decoded.rejected().stream().map(AccountBalance.Rejection::eventId).toList());
    }

    @Test
    void aStateOfTheShapeBeforeLogicVersion2FailsToDecodeNamingTheProcessorAndTheFix() {
        var old = json("{\"opened\":true,\"balance\":\"1.00\",\"effects\":{\"e-1\":{\"type\":\"MoneyDeposited\",\"delta\":\"1.00\"}}}");
        var oldPayouts = json("{\"ledger\":{\"opened\":true,\"balance\":\"1.00\"},\"payouts\":{}}");

        var balances = assertThrows(OutdatedStateShape.class,
                () -> new BalancesProjection().decode(old));
        var payouts = assertThrows(OutdatedStateShape.class,
                () -> new PayoutsProcessor(FeeRule.V2).decode(oldPayouts));

        assertEquals("balances", balances.processor());
        assertTrue(balances.getMessage().contains("playback rebuild --processor balances"), balances.getMessage());
        assertEquals("payouts", payouts.processor());
        assertTrue(payouts.getMessage().contains("field 'payouts'"), payouts.getMessage());
    }
}

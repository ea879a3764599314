package dev.playback.model.ledger;

import dev.playback.model.event.EventEnvelope;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger's rules, shared by every processor that needs a balance: opening, deposits, withdrawals
 * and payouts (declined when the balance cannot cover them), and reversals. A reversal applies the
 * inverse of the reversed event's recorded effect; reversing a reversal restores the effect; reversing
 * an event twice, an account opening, or an event this account has no record of is rejected.
 */
public final class LedgerRules {
    private LedgerRules() {
    }

    public static boolean isLedgerType(String type) {
        return type.equals(LedgerEvent.ACCOUNT_OPENED) || type.equals(LedgerEvent.MONEY_DEPOSITED)
                || type.equals(LedgerEvent.MONEY_WITHDRAWN) || type.equals(LedgerEvent.PAYOUT_REQUESTED)
                || type.equals(LedgerEvent.EVENT_REVERSED);
    }

    public static AccountBalance apply(AccountBalance s, EventEnvelope event) {
        if (!isLedgerType(event.type())) return s;
        LedgerEvent e = LedgerEvent.of(event);
        if (e instanceof LedgerEvent.AccountOpened o) {
            if (s.opened()) return reject(s, event, "account " + event.aggregateId() + " is already open");
            return with(new AccountBalance(true, o.owner(), o.currency(), s.balance(), s.deposits(), s.withdrawals(),
                    s.declined(), s.rejectedCount(), s.rejected(), s.payouts(), s.reversals(), s.effects()),
                    event.eventId(), new AccountBalance.Effect(event.type(), BigDecimal.ZERO.setScale(2), null, null));
        }
        if (!s.opened()) return reject(s, event, "account " + event.aggregateId() + " was never opened");
        if (e instanceof LedgerEvent.MoneyDeposited d) {
            return with(new AccountBalance(true, s.owner(), s.currency(), s.balance().add(d.amount()), s.deposits() + 1,
                    s.withdrawals(), s.declined(), s.rejectedCount(), s.rejected(), s.payouts(), s.reversals(), s.effects()),
                    event.eventId(), new AccountBalance.Effect(event.type(), d.amount(), null, null));
        }
        if (e instanceof LedgerEvent.EventReversed r) return reverse(s, event, r);
        BigDecimal amount = e instanceof LedgerEvent.MoneyWithdrawn w ? w.amount() : ((LedgerEvent.PayoutRequested) e).amount();
        boolean payout = e instanceof LedgerEvent.PayoutRequested;
        if (s.balance().compareTo(amount) < 0) {
            return with(new AccountBalance(true, s.owner(), s.currency(), s.balance(), s.deposits(), s.withdrawals(),
                    s.declined() + 1, s.rejectedCount(), s.rejected(), s.payouts(), s.reversals(), s.effects()),
                    event.eventId(), new AccountBalance.Effect(event.type(), BigDecimal.ZERO.setScale(2), null, null));
        }
        return with(new AccountBalance(true, s.owner(), s.currency(), s.balance().subtract(amount), s.deposits(),
                s.withdrawals() + (payout ? 0 : 1), s.declined(), s.rejectedCount(), s.rejected(),
                s.payouts() + (payout ? 1 : 0), s.reversals(), s.effects()),
                event.eventId(), new AccountBalance.Effect(event.type(), amount.negate(), null, null));
    }

    /** Whether {@code eventId} changed the balance of this account (false for a declined one). */
    public static boolean applied(AccountBalance s, String eventId) {
        AccountBalance.Effect f = s.effects().get(eventId);
        return f != null && f.delta().signum() != 0;
    }

    private static AccountBalance reverse(AccountBalance s, EventEnvelope event, LedgerEvent.EventReversed r) {
        String target = r.reversedEventId();
        if (target.equals(event.eventId())) return reject(s, event, "event " + target + " cannot reverse itself");
        AccountBalance.Effect f = s.effects().get(target);
        if (f == null) {
            return reject(s, event, "event " + target + " has no recorded effect on account " + event.aggregateId()
                    + " (not one of its events, rejected, or older than the last " + AccountBalance.KEEP_EFFECTS + " events)");
        }
        if (f.type().equals(LedgerEvent.ACCOUNT_OPENED)) return reject(s, event, "an account opening (" + target + ") cannot be reversed");
        if (f.reversedBy() != null) return reject(s, event, "event " + target + " is already reversed by " + f.reversedBy());
        Map<String, AccountBalance.Effect> effects = new LinkedHashMap<>(s.effects());
        effects.put(target, f.withReversedBy(event.eventId()));
        if (f.reverses() != null && effects.containsKey(f.reverses())) {
            effects.put(f.reverses(), effects.get(f.reverses()).withReversedBy(null));
        }
        AccountBalance next = new AccountBalance(true, s.owner(), s.currency(), s.balance().subtract(f.delta()), s.deposits(),
                s.withdrawals(), s.declined(), s.rejectedCount(), s.rejected(), s.payouts(), s.reversals() + 1, effects);
        return with(next, event.eventId(), new AccountBalance.Effect(event.type(), f.delta().negate(), target, null));
    }

    private static AccountBalance with(AccountBalance s, String eventId, AccountBalance.Effect effect) {
        Map<String, AccountBalance.Effect> effects = new LinkedHashMap<>(s.effects());
        effects.put(eventId, effect);
        while (effects.size() > AccountBalance.KEEP_EFFECTS) effects.remove(effects.keySet().iterator().next());
        return new AccountBalance(s.opened(), s.owner(), s.currency(), s.balance(), s.deposits(), s.withdrawals(), s.declined(),
                s.rejectedCount(), s.rejected(), s.payouts(), s.reversals(), effects);
    }

    static AccountBalance reject(AccountBalance s, EventEnvelope e, String reason) {
        List<AccountBalance.Rejection> list = new ArrayList<>(s.rejected());
        list.add(new AccountBalance.Rejection(e.eventId(), e.versionOrZero(), e.type(), reason));
        if (list.size() > AccountBalance.KEEP_REJECTIONS) list.remove(0);
        return new AccountBalance(s.opened(), s.owner(), s.currency(), s.balance(), s.deposits(), s.withdrawals(),
                s.declined(), s.rejectedCount() + 1, List.copyOf(list), s.payouts(), s.reversals(), s.effects());
    }
}

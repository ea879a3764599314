package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.CannotInvert;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger's rules, shared by every processor that needs a balance: opening, deposits, withdrawals
 * and payouts (declined when the balance cannot cover them), and reversals. A reversal applies the
 * inverse of the reversed event's recorded effect; reversing a reversal restores the effect; reversing
 * an event twice, an account opening, or an event this account has no record of is rejected. When the
 * state no longer remembers the effect (only the latest {@value AccountBalance#KEEP_EFFECTS} events are kept),
 * {@link CannotInvert} asks for the account to be rebuilt without the reversed event
 * ({@link dev.playback.model.processor.Reversals}); {@link #absorb} then records the reversal.
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

    /** The event recorded as rejected with {@code reason} (the state otherwise unchanged). */
    public static AccountBalance rejected(AccountBalance s, EventEnvelope event, String reason) {
        return reject(s, event, reason);
    }

    /** The event a reversal reverses; empty for other events. */
    public static java.util.Optional<String> reverses(EventEnvelope event) {
        if (!event.type().equals(LedgerEvent.EVENT_REVERSED)) return java.util.Optional.empty();
        return java.util.Optional.of(((LedgerEvent.EventReversed) LedgerEvent.of(event)).reversedEventId());
    }

    /**
     * A reversal whose target the account was rebuilt without: the balance is unchanged (the target's effect
     * never entered it); the reversal is counted and both are remembered as absent, so reversing the target
     * again is refused and reversing the reversal asks for another rebuild.
     */
    public static AccountBalance absorb(AccountBalance s, EventEnvelope event) {
        String target = reverses(event).orElseThrow(() -> new IllegalArgumentException(event.eventId() + " is not a reversal"));
        Map<String, AccountBalance.Effect> effects = new LinkedHashMap<>(s.effects());
        AccountBalance.Effect was = effects.get(target);
        effects.put(target, was == null ? new AccountBalance.Effect("absent", BigDecimal.ZERO.setScale(2), null, event.eventId(), true)
                : new AccountBalance.Effect(was.type(), was.delta(), was.reverses(), event.eventId(), true));
        AccountBalance next = new AccountBalance(s.opened(), s.owner(), s.currency(), s.balance(), s.deposits(), s.withdrawals(),
                s.declined(), s.rejectedCount(), s.rejected(), s.payouts(), s.reversals() + 1, effects);
        return with(next, event.eventId(), new AccountBalance.Effect(event.type(), BigDecimal.ZERO.setScale(2), target, null, true));
    }

    private static AccountBalance reverse(AccountBalance s, EventEnvelope event, LedgerEvent.EventReversed r) {
        String target = r.reversedEventId();
        if (target.equals(event.eventId())) return reject(s, event, "event " + target + " cannot reverse itself");
        AccountBalance.Effect f = s.effects().get(target);
        if (f == null && s.effects().size() >= AccountBalance.KEEP_EFFECTS) {
            throw new CannotInvert(target, "account " + event.aggregateId() + " remembers the effects of its latest "
                    + AccountBalance.KEEP_EFFECTS + " events only");
        }
        if (f == null) {
            return reject(s, event, "event " + target + " has no recorded effect on account " + event.aggregateId()
                    + " (not one of its events, rejected, or older than the last " + AccountBalance.KEEP_EFFECTS + " events)");
        }
        if (f.type().equals(LedgerEvent.ACCOUNT_OPENED)) return reject(s, event, "an account opening (" + target + ") cannot be reversed");
        if (f.reversedBy() != null) return reject(s, event, "event " + target + " is already reversed by " + f.reversedBy());
        if (f.absent()) throw new CannotInvert(target, "the account was rebuilt without its effect");
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

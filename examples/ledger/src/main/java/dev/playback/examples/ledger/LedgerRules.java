package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.ReversalOutcome;
import dev.playback.model.processor.ReversedEvent;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ledger's rules, shared by every processor that needs a balance: opening, deposits, withdrawals and payouts
 * (declined when the balance cannot cover them), and reversals. A reversal is applied by the toolkit
 * ({@link dev.playback.model.processor.Reversing}), which reads the reversed event by its id and refuses a target that
 * is not an earlier event of the account or is already reversed; {@link #reverse} then undoes the target's effect,
 * computed from the target itself and the note the rules kept of it ({@link #note}: only declined and rejected events
 * get one): a deposit takes its amount out, a withdrawal or payout puts it back (nothing for a declined one), reversing a
 * reversal restores the effect. An account opening and a rejected event cannot be reversed.
 */
public final class LedgerRules {
    static final String DECLINED = "declined";
    static final String REJECTED = "rejected";

    private LedgerRules() {
    }

    public static boolean isLedgerType(String type) {
        return type.equals(LedgerEvent.ACCOUNT_OPENED) || type.equals(LedgerEvent.MONEY_DEPOSITED)
                || type.equals(LedgerEvent.MONEY_WITHDRAWN) || type.equals(LedgerEvent.PAYOUT_REQUESTED)
                || type.equals(LedgerEvent.EVENT_REVERSED);
    }

    /** The state after {@code event}; a reversal comes through {@link #reverse} instead. */
    public static AccountBalance apply(AccountBalance s, EventEnvelope event) {
        if (!isLedgerType(event.type())) return s;
        if (event.type().equals(LedgerEvent.EVENT_REVERSED)) {
            throw new IllegalArgumentException("reversal " + event.eventId() + " is applied by the toolkit from the reversed event "
                    + "(LedgerRules.reverse), not by LedgerRules.apply");
        }
        LedgerEvent e = LedgerEvent.of(event);
        if (e instanceof LedgerEvent.AccountOpened o) {
            if (s.opened()) return reject(s, event, "account " + event.aggregateId() + " is already open");
            return new AccountBalance(true, o.owner(), o.currency(), s.balance(), s.deposits(), s.withdrawals(),
                    s.declined(), s.rejectedCount(), s.rejected(), s.payouts(), s.reversals());
        }
        if (!s.opened()) return reject(s, event, "account " + event.aggregateId() + " was never opened");
        if (e instanceof LedgerEvent.MoneyDeposited d) {
            return new AccountBalance(true, s.owner(), s.currency(), s.balance().add(d.amount()), s.deposits() + 1,
                    s.withdrawals(), s.declined(), s.rejectedCount(), s.rejected(), s.payouts(), s.reversals());
        }
        BigDecimal amount = e instanceof LedgerEvent.MoneyWithdrawn w ? w.amount() : ((LedgerEvent.PayoutRequested) e).amount();
        boolean payout = e instanceof LedgerEvent.PayoutRequested;
        if (s.balance().compareTo(amount) < 0) {
            return new AccountBalance(true, s.owner(), s.currency(), s.balance(), s.deposits(), s.withdrawals(),
                    s.declined() + 1, s.rejectedCount(), s.rejected(), s.payouts(), s.reversals());
        }
        return new AccountBalance(true, s.owner(), s.currency(), s.balance().subtract(amount), s.deposits(),
                s.withdrawals() + (payout ? 0 : 1), s.declined(), s.rejectedCount(), s.rejected(),
                s.payouts() + (payout ? 1 : 0), s.reversals());
    }

    /**
     * What the toolkit keeps about how {@code event} brought {@code before} to {@code after}: that it was declined or
     * rejected (a reversal of it then changes no balance, or is refused); nothing for an event that applied as asked.
     */
    public static Optional<JsonNode> note(AccountBalance before, AccountBalance after, EventEnvelope event) {
        if (after.rejectedCount() != before.rejectedCount()) return Optional.of(JsonNodeFactory.instance.objectNode().put(REJECTED, true));
        if (after.declined() != before.declined()) return Optional.of(JsonNodeFactory.instance.objectNode().put(DECLINED, true));
        return Optional.empty();
    }

    /** Whether {@code event} took money out of the account when it brought {@code before} to {@code after} (not declined, not rejected). */
    public static boolean applied(AccountBalance before, AccountBalance after) {
        return after.rejectedCount() == before.rejectedCount() && after.declined() == before.declined();
    }

    /** The reversal of {@code target} (an earlier event of this account, in effect, as the toolkit found it). */
    public static ReversalOutcome<AccountBalance> reverse(AccountBalance s, EventEnvelope reversal, ReversedEvent target) {
        if (target.event().type().equals(LedgerEvent.ACCOUNT_OPENED)) {
            return ReversalOutcome.refused(reject(s, reversal, "an account opening (" + target.eventId() + ") cannot be reversed"));
        }
        if (!s.opened()) return ReversalOutcome.refused(reject(s, reversal, "account " + reversal.aggregateId() + " was never opened"));
        Optional<BigDecimal> delta = effect(target);
        if (delta.isEmpty()) {
            return ReversalOutcome.refused(reject(s, reversal, "event " + target.eventId() + " has no recorded effect on account "
                    + reversal.aggregateId() + " (it was rejected, or is not a ledger event)"));
        }
        return ReversalOutcome.applied(new AccountBalance(true, s.owner(), s.currency(), s.balance().subtract(delta.get()), s.deposits(),
                s.withdrawals(), s.declined(), s.rejectedCount(), s.rejected(), s.payouts(), s.reversals() + 1));
    }

    /**
     * What {@code target} did to the balance: a deposit its amount, a withdrawal or payout minus its amount (0 when
     * declined), a reversal minus the effect of what it reversed; empty for a rejected event or one of another domain.
     */
    static Optional<BigDecimal> effect(ReversedEvent target) {
        if (target.note().map(n -> n.path(REJECTED).asBoolean()).orElse(false)) return Optional.empty();
        boolean declined = target.note().map(n -> n.path(DECLINED).asBoolean()).orElse(false);
        EventEnvelope e = target.event();
        return switch (e.type()) {
            case LedgerEvent.MONEY_DEPOSITED -> Optional.of(((LedgerEvent.MoneyDeposited) LedgerEvent.of(e)).amount());
            case LedgerEvent.MONEY_WITHDRAWN -> Optional.of(declined ? BigDecimal.ZERO.setScale(2)
                    : ((LedgerEvent.MoneyWithdrawn) LedgerEvent.of(e)).amount().negate());
            case LedgerEvent.PAYOUT_REQUESTED -> Optional.of(declined ? BigDecimal.ZERO.setScale(2)
                    : ((LedgerEvent.PayoutRequested) LedgerEvent.of(e)).amount().negate());
            case LedgerEvent.EVENT_REVERSED -> target.reverses().flatMap(LedgerRules::effect).map(BigDecimal::negate);
            default -> Optional.empty();
        };
    }

    /** The event recorded as rejected with {@code reason} (the state otherwise unchanged). */
    public static AccountBalance rejected(AccountBalance s, EventEnvelope event, String reason) {
        return reject(s, event, reason);
    }

    /** The event a reversal reverses; empty for other events. */
    public static Optional<String> reverses(EventEnvelope event) {
        if (!event.type().equals(LedgerEvent.EVENT_REVERSED)) return Optional.empty();
        return Optional.of(((LedgerEvent.EventReversed) LedgerEvent.of(event)).reversedEventId());
    }

    static AccountBalance reject(AccountBalance s, EventEnvelope e, String reason) {
        List<AccountBalance.Rejection> list = new ArrayList<>(s.rejected());
        list.add(new AccountBalance.Rejection(e.eventId(), e.versionOrZero(), e.type(), reason));
        while (list.size() > AccountBalance.KEEP_REJECTIONS) list.remove(0);
        return new AccountBalance(s.opened(), s.owner(), s.currency(), s.balance(), s.deposits(), s.withdrawals(),
                s.declined(), s.rejectedCount() + 1, List.copyOf(list), s.payouts(), s.reversals());
    }
}

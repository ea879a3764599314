package dev.playback.examples.ledger;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger state of one account, as the {@code balances} projection (and the {@code payouts} processor,
 * which decides with the same rules) keeps it. {@code deposits}, {@code withdrawals}, {@code payouts},
 * {@code declined} and {@code reversals} count events; {@code rejected} lists events that could not apply
 * (the latest {@value #KEEP_REJECTIONS}), {@code rejectedCount} counts them all. {@code effects} remembers,
 * for the latest {@value #KEEP_EFFECTS} events, what each did to the balance, so a reversal can undo it
 * without a replay.
 */
public record AccountBalance(boolean opened, String owner, String currency, BigDecimal balance,
                             long deposits, long withdrawals, long declined,
                             long rejectedCount, List<Rejection> rejected,
                             long payouts, long reversals, Map<String, Effect> effects) {
    public static final int KEEP_REJECTIONS = 100;
    public static final int KEEP_EFFECTS = 1000;

    public record Rejection(String eventId, long version, String type, String reason) {
    }

    /**
     * What one event did to the balance. {@code delta} is 0 for a declined withdrawal or payout.
     * {@code reverses} is the event a reversal undid; {@code reversedBy} the reversal that undid this one (null: in effect).
     * {@code absent}: the account was rebuilt without this event's effect (a reversed event left out, or a
     * reversal recorded without an effect because its target was left out), so undoing it needs a rebuild again.
     */
    public record Effect(String type, BigDecimal delta, String reverses, String reversedBy, boolean absent) {
        public Effect(String type, BigDecimal delta, String reverses, String reversedBy) {
            this(type, delta, reverses, reversedBy, false);
        }

        public Effect withReversedBy(String reversal) {
            return new Effect(type, delta, reverses, reversal, absent);
        }
    }

    public AccountBalance {
        rejected = List.copyOf(rejected);
        effects = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(effects));
    }

    public AccountBalance(boolean opened, String owner, String currency, BigDecimal balance, long deposits, long withdrawals,
                          long declined, long rejectedCount, List<Rejection> rejected) {
        this(opened, owner, currency, balance, deposits, withdrawals, declined, rejectedCount, rejected, 0, 0, Map.of());
    }

    public static AccountBalance unopened() {
        return new AccountBalance(false, null, null, BigDecimal.ZERO.setScale(2), 0, 0, 0, 0, List.of());
    }
}

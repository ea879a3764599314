package dev.playback.examples.ledger;

import java.math.BigDecimal;
import java.util.List;

/**
 * The ledger state of one account, as the {@code balances} projection (and the {@code payouts} processor, which decides
 * with the same rules) keeps it: what deciding the next event needs, nothing that grows with the account's length.
 * {@code deposits}, {@code withdrawals}, {@code payouts}, {@code declined} and {@code reversals} count events;
 * {@code rejectedCount} counts the events that could not apply and {@code rejected} lists the latest
 * {@value #KEEP_REJECTIONS} of them. What a single event did is not kept here: a reversal is undone from the reversed
 * event itself and the toolkit's note of it ({@link LedgerRules#reverse}).
 */
public record AccountBalance(boolean opened, String owner, String currency, BigDecimal balance,
                             long deposits, long withdrawals, long declined,
                             long rejectedCount, List<Rejection> rejected,
                             long payouts, long reversals) {
    public static final int KEEP_REJECTIONS = 5;

    public record Rejection(String eventId, long version, String type, String reason) {
    }

    public AccountBalance {
        rejected = List.copyOf(rejected);
    }

    public AccountBalance(boolean opened, String owner, String currency, BigDecimal balance, long deposits, long withdrawals,
                          long declined, long rejectedCount, List<Rejection> rejected) {
        this(opened, owner, currency, balance, deposits, withdrawals, declined, rejectedCount, rejected, 0, 0);
    }

    public static AccountBalance unopened() {
        return new AccountBalance(false, null, null, BigDecimal.ZERO.setScale(2), 0, 0, 0, 0, List.of());
    }
}

package dev.playback.model.ledger;

import java.math.BigDecimal;
import java.util.List;

/**
 * The {@code balances} projection's state of one account. {@code deposits}, {@code withdrawals} and
 * {@code declined} count events; {@code rejected} lists events that could not apply (the latest
 * {@value #KEEP_REJECTIONS}), {@code rejectedCount} counts them all.
 */
public record AccountBalance(boolean opened, String owner, String currency, BigDecimal balance,
                             long deposits, long withdrawals, long declined,
                             long rejectedCount, List<Rejection> rejected) {
    public static final int KEEP_REJECTIONS = 100;

    public record Rejection(String eventId, long version, String type, String reason) {
    }

    public static AccountBalance unopened() {
        return new AccountBalance(false, null, null, BigDecimal.ZERO.setScale(2), 0, 0, 0, 0, List.of());
    }
}

package dev.playback.examples.ledger;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code payouts} processor's state of one account: the ledger (to decide with the same rules as the
 * balances) and every payout it decided, by payout id (= the event id of the PayoutRequested).
 */
public record PayoutsState(AccountBalance ledger, Map<String, Payout> payouts) {
    /**
     * One decided payout. {@code net} = converted − fee is what the bank was asked to pay; {@code sent} is
     * false when the fee swallowed the amount and nothing was sent.
     */
    public record Payout(String payoutId, String beneficiary, String currency, BigDecimal amount, BigDecimal rate,
                         BigDecimal converted, BigDecimal fee, BigDecimal net, String feeRule, boolean sent) {
    }

    public PayoutsState {
        payouts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(payouts));
    }
}

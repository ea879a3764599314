package dev.playback.examples.ledger;

import java.math.BigDecimal;

/**
 * The {@code payouts} processor's state of one account: the ledger, to decide with the same rules as the balances.
 * What each payout sent is not kept here: the gateway's command log holds it, and a reversal compensates from there.
 */
public record PayoutsState(AccountBalance ledger) {
    /**
     * One payout as decided ({@link PayoutsProcessor#decide}). {@code net} = converted − fee is what the bank is asked to
     * pay; {@code sent} is false when the fee swallowed the amount and nothing is sent.
     */
    public record Payout(String payoutId, String beneficiary, String currency, BigDecimal amount, BigDecimal rate,
                         BigDecimal converted, BigDecimal fee, BigDecimal net, String feeRule, boolean sent) {
    }
}

package dev.playback.examples.subscriptions;

import java.math.BigDecimal;

/**
 * The {@code invoicing} processor's state of one subscription: the subscription, to decide with the same rules as the
 * projection, prorated by the processor's rule. What was billed for each invoice is in the gateway's command log (what
 * reached the invoice service), not in the state.
 */
public record InvoicingState(Subscription subscription) {
    /** One invoice as decided: {@code net} by the proration rule {@code rule}, tax at {@code rate}, {@code total} = net + tax. */
    public record Billed(String invoiceId, String period, BigDecimal net, BigDecimal rate, BigDecimal tax, BigDecimal total,
                         String rule) {
    }
}

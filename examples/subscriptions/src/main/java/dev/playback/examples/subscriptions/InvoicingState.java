package dev.playback.examples.subscriptions;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code invoicing} processor's state of one subscription: the subscription (to decide with the same rules as the
 * projection, prorated by the processor's rule) and what it billed, by invoice id (= the event id of the
 * InvoiceRequested), the latest {@value Subscription#KEEP_INVOICES}.
 */
public record InvoicingState(Subscription subscription, Map<String, Billed> billed) {
    /** One invoice as sent: {@code net} by the proration rule {@code rule}, tax at {@code rate}, {@code total} = net + tax. */
    public record Billed(String invoiceId, String period, BigDecimal net, BigDecimal rate, BigDecimal tax, BigDecimal total,
                         String rule) {
    }

    public InvoicingState {
        billed = Collections.unmodifiableMap(new LinkedHashMap<>(billed));
    }
}

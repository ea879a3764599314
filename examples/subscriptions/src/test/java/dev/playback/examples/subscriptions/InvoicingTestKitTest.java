package dev.playback.examples.subscriptions;

import dev.playback.testkit.ProcessorFixture;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static dev.playback.examples.subscriptions.Events.invoiceRequested;
import static dev.playback.examples.subscriptions.Events.started;
import static dev.playback.model.event.Envelopes.json;

/** The invoicing processor, tested with the test kit: given a subscription, when an invoice is requested, then the services. */
class InvoicingTestKitTest {
    @Test
    void anInvoiceForAMonthStartedOnThe11thChargesTwentyOneDaysOfThirtyOneWithTheTaxRateOfTheFirstDay() {
        ProcessorFixture.of(new InvoicingProcessor(Proration.V2))
                .upcasting(new Subscriptions().eventTypes())
                .answering(Invoicing.TAX_RATE, new Invoicing.TaxRequest("DE", LocalDate.parse("2026-03-01")), json("{\"rate\":\"0.19\"}"))
                .given(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"))
                .when(invoiceRequested("inv-03", "2026-04-01T00:05:00Z", "2026-03"))
                .expectQueried("inv-03", Invoicing.TAX_RATE_SITE, json("{\"country\":\"DE\",\"date\":\"2026-03-01\"}"))
                // 31.00 × 21/31 = 21.00 net; 21.00 × 0.19 = 3.99 tax; 24.99 total
                .expectCommands(Invoicing.INVOICE_SITE, json("{\"invoiceId\":\"inv-03\",\"customer\":\"Ada\",\"period\":\"2026-03\","
                        + "\"currency\":\"EUR\",\"net\":\"21.00\",\"tax\":\"3.99\",\"total\":\"24.99\"}"))
                .expectStateField("inv-03", "subscription.invoicedNet", "21.00")
                .expectStateField("inv-03", "subscription.invoiced.inv-03", "2026-03");
    }
}

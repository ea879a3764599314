package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandRules;
import dev.playback.model.gateway.CommandSite;
import dev.playback.model.gateway.QuerySite;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** The invoicing processor's external call sites: the tax rate query and the invoice command. */
public final class Invoicing {
    private Invoicing() {
    }

    /** The tax rate of {@code country} in effect on {@code date}. */
    public record TaxRequest(String country, LocalDate date) {
    }

    /**
     * What the invoice service is asked to bill. A correction or a compensation carries the differences of
     * {@code net}, {@code tax} and {@code total} (negative to take back).
     */
    public record InvoiceCommand(String invoiceId, String customer, String period, String currency, BigDecimal net,
                                 BigDecimal tax, BigDecimal total) {
        public JsonNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("invoiceId", invoiceId).put("customer", customer).put("period", period).put("currency", currency)
                    .put("net", cents(net)).put("tax", cents(tax)).put("total", cents(total));
            return n;
        }

        public static InvoiceCommand fromJson(JsonNode n) {
            return new InvoiceCommand(n.path("invoiceId").asText(), n.path("customer").asText(), n.path("period").asText(),
                    n.path("currency").asText(), new BigDecimal(n.path("net").asText()), new BigDecimal(n.path("tax").asText()),
                    new BigDecimal(n.path("total").asText()));
        }

        /** The command that takes this one back (or, applied to a take-back, bills it again). */
        public InvoiceCommand negate() {
            return new InvoiceCommand(invoiceId, customer, period, currency, net.negate(), tax.negate(), total.negate());
        }

        private static String cents(BigDecimal amount) {
            return amount.setScale(2).toPlainString();
        }
    }

    public static final CallSite TAX_RATE_SITE = new CallSite("tax", "rate");
    public static final CallSite INVOICE_SITE = new CallSite("billing", "invoice");

    /** {@code {"country":"DE","date":"2026-03-01"}} → {@code {"rate":"0.19"}}. */
    public static final QuerySite<TaxRequest, BigDecimal> TAX_RATE = new QuerySite<>(TAX_RATE_SITE,
            r -> JsonNodeFactory.instance.objectNode().put("country", r.country()).put("date", r.date().toString()),
            Invoicing::rate);

    /**
     * Invoices add up per invoice id at the invoice service: the correction of an invoice is one command carrying, for
     * each of net, tax and total, the difference between what is wanted now and the sum of what was sent for it; none
     * when all three agree.
     */
    public static final CommandRules AMOUNTS_PER_INVOICE = new CommandRules() {
        @Override
        public String key(JsonNode command) {
            return command.path("invoiceId").asText();
        }

        @Override
        public Optional<JsonNode> correction(List<JsonNode> sent, JsonNode wanted) {
            BigDecimal net = BigDecimal.ZERO;
            BigDecimal tax = BigDecimal.ZERO;
            BigDecimal total = BigDecimal.ZERO;
            for (JsonNode s : sent) {
                InvoiceCommand c = InvoiceCommand.fromJson(s);
                net = net.add(c.net());
                tax = tax.add(c.tax());
                total = total.add(c.total());
            }
            InvoiceCommand shape = InvoiceCommand.fromJson(wanted != null ? wanted : sent.get(sent.size() - 1));
            InvoiceCommand target = wanted != null ? shape
                    : new InvoiceCommand(shape.invoiceId(), shape.customer(), shape.period(), shape.currency(), BigDecimal.ZERO,
                    BigDecimal.ZERO, BigDecimal.ZERO);
            BigDecimal dNet = target.net().subtract(net);
            BigDecimal dTax = target.tax().subtract(tax);
            BigDecimal dTotal = target.total().subtract(total);
            if (dNet.signum() == 0 && dTax.signum() == 0 && dTotal.signum() == 0) return Optional.empty();
            return Optional.of(new InvoiceCommand(shape.invoiceId(), shape.customer(), shape.period(), shape.currency(),
                    dNet, dTax, dTotal).toJson());
        }
    };

    public static final CommandSite<InvoiceCommand> BILLING_INVOICE = new CommandSite<>(INVOICE_SITE, InvoiceCommand::toJson,
            AMOUNTS_PER_INVOICE);

    private static BigDecimal rate(JsonNode response) {
        JsonNode r = response == null ? null : response.get("rate");
        if (r == null || r.isNull()) throw new IllegalStateException("tax service answer has no 'rate': " + response);
        BigDecimal rate;
        try {
            rate = new BigDecimal(r.asText());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("tax service answer has a 'rate' that is not a decimal: " + response, e);
        }
        if (rate.signum() < 0) throw new IllegalStateException("tax service answer has a rate below 0: " + response);
        return rate;
    }
}

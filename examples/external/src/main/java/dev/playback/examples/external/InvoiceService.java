package dev.playback.examples.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local invoice service. {@code POST /invoices} with {@code {invoiceId, customer, period, currency, net, tax, total}}
 * and an {@code Idempotency-Key} header records the invoice (201), or answers 200 with the first one for a key it has
 * seen (never recording it twice). Corrections and take-backs arrive as invoices of the same id with the differences
 * (negative to take back). {@code GET /invoices} lists every invoice received, in order, the total per invoice id
 * ({@code totalByInvoice}), and how many deliveries repeated a key already seen. Kept in {@code invoices.json} under the
 * data directory when there is one.
 */
public final class InvoiceService extends IdempotentCommands<InvoiceService.Received> {
    /** One invoice (or correction) as received. */
    public record Received(long seq, String idempotencyKey, String invoiceId, String customer, String period, String currency,
                           BigDecimal net, BigDecimal tax, BigDecimal total) {
    }

    public InvoiceService(Path file) throws IOException {
        super("invoice-service", "/invoices", "invoices", List.of("invoiceId", "customer", "period", "currency", "net", "tax", "total"),
                List.of("net", "tax", "total"), file);
    }

    /** Every invoice and correction received, in order, once per idempotency key. */
    public List<Received> invoices() {
        return received();
    }

    /** Per invoice id, the sum of {@code total} over the invoice and its corrections. */
    public Map<String, BigDecimal> totalPerInvoice() {
        Map<String, BigDecimal> total = new LinkedHashMap<>();
        for (Received r : received()) total.merge(r.invoiceId(), r.total(), BigDecimal::add);
        return total;
    }

    @Override
    Received read(long seq, String idempotencyKey, JsonNode n) {
        return new Received(seq, idempotencyKey, n.path("invoiceId").asText(), n.path("customer").asText(), n.path("period").asText(),
                n.path("currency").asText(), new BigDecimal(n.path("net").asText()), new BigDecimal(n.path("tax").asText()),
                new BigDecimal(n.path("total").asText()));
    }

    @Override
    ObjectNode json(Received r) {
        ObjectNode o = JsonFileState.JSON.createObjectNode();
        o.put("seq", r.seq()).put("idempotencyKey", r.idempotencyKey()).put("invoiceId", r.invoiceId()).put("customer", r.customer())
                .put("period", r.period()).put("currency", r.currency()).put("net", r.net().toPlainString())
                .put("tax", r.tax().toPlainString()).put("total", r.total().toPlainString());
        return o;
    }

    @Override
    void summarise(ObjectNode answer) {
        ObjectNode totals = answer.putObject("totalByInvoice");
        totalPerInvoice().forEach((k, v) -> totals.put(k, v.toPlainString()));
    }
}

package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.ExternalSystems;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tax service (rates per country from a date on, settable) and an invoice service (applies an idempotency key once)
 * in memory, for tests of the invoicing processor through the gateway.
 */
final class FakeTaxAndInvoices implements ExternalSystems {
    record Received(String idempotencyKey, JsonNode command) {
    }

    private final Map<String, TreeMap<LocalDate, BigDecimal>> rates = new LinkedHashMap<>();
    private final Map<String, Received> received = new LinkedHashMap<>();
    final List<JsonNode> taxRequests = new ArrayList<>();

    FakeTaxAndInvoices rate(String country, String from, String rate) {
        rates.computeIfAbsent(country, c -> new TreeMap<>()).put(LocalDate.parse(from), new BigDecimal(rate));
        return this;
    }

    @Override
    public synchronized JsonNode query(CallSite site, JsonNode request) {
        if (!site.equals(new CallSite("tax", "rate"))) throw new IllegalArgumentException("no such query " + site);
        taxRequests.add(request.deepCopy());
        var byDate = rates.get(request.path("country").asText());
        var rate = byDate == null ? null : byDate.floorEntry(LocalDate.parse(request.path("date").asText()));
        if (rate == null) throw new IllegalStateException("no tax rate for " + request);
        return JsonNodeFactory.instance.objectNode().put("rate", rate.getValue().toPlainString());
    }

    @Override
    public synchronized void send(CallSite site, JsonNode command, String idempotencyKey) {
        if (!site.equals(new CallSite("billing", "invoice"))) throw new IllegalArgumentException("no such command " + site);
        received.putIfAbsent(idempotencyKey, new Received(idempotencyKey, command.deepCopy()));
    }

    synchronized List<JsonNode> invoices() {
        return received.values().stream().map(Received::command).toList();
    }

    /** Per invoice id, the sum of the totals of the invoice and its corrections, as the invoice service sees it. */
    synchronized Map<String, BigDecimal> totalPerInvoice() {
        Map<String, BigDecimal> total = new LinkedHashMap<>();
        for (Received r : received.values()) {
            total.merge(r.command().path("invoiceId").asText(), new BigDecimal(r.command().path("total").asText()), BigDecimal::add);
        }
        return total;
    }
}

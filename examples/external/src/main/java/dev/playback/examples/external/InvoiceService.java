package dev.playback.examples.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local invoice service. {@code POST /invoices} with {@code {invoiceId, customer, period, currency, net, tax, total}}
 * and an {@code Idempotency-Key} header records the invoice (201), or answers 200 with the first one for a key it has
 * seen (never recording it twice). Corrections and take-backs arrive as invoices of the same id with the differences
 * (negative to take back). {@code GET /invoices} lists every invoice received, in order, the total per invoice id, and
 * how many deliveries repeated a key already seen. Kept in {@code invoices.json} under the data directory when there is one.
 */
public final class InvoiceService extends HttpService {
    private static final List<String> AMOUNTS = List.of("net", "tax", "total");

    /** One invoice (or correction) as received. */
    public record Received(long seq, String idempotencyKey, String invoiceId, String customer, String period, String currency,
                           BigDecimal net, BigDecimal tax, BigDecimal total) {
    }

    private final Map<String, Received> byKey = new LinkedHashMap<>();
    private final JsonFileState state;
    private long repeated;

    public InvoiceService(Path file) throws IOException {
        super("invoice-service", "/invoices");
        this.state = new JsonFileState(file);
        state.load().ifPresent(n -> {
            for (JsonNode i : n.path("invoices")) {
                Received r = received(i.path("seq").asLong(), i.path("idempotencyKey").asText(), i);
                byKey.put(r.idempotencyKey(), r);
            }
            repeated = n.path("repeatedDeliveries").asLong();
        });
    }

    /** How many times an invoice arrived again with a key already seen (answered with the first, not recorded). */
    public synchronized long repeatedDeliveries() {
        return repeated;
    }

    /** Every invoice and correction received, in order, once per idempotency key. */
    public synchronized List<Received> invoices() {
        return new ArrayList<>(byKey.values());
    }

    /** Per invoice id, the sum of {@code total} over the invoice and its corrections. */
    public synchronized Map<String, BigDecimal> totalPerInvoice() {
        Map<String, BigDecimal> total = new LinkedHashMap<>();
        for (Received r : byKey.values()) total.merge(r.invoiceId(), r.total(), BigDecimal::add);
        return total;
    }

    @Override
    synchronized Response handle(String method, String path, Map<String, String> query, HttpExchange exchange, byte[] body) throws IOException {
        if (!path.equals("/invoices")) return error(404, "no such resource " + path);
        if (method.equals("GET")) return new Response(200, list());
        if (!method.equals("POST")) return error(405, "method " + method + " not allowed on /invoices");
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank()) return error(400, "header 'Idempotency-Key' is required");
        Received seen = byKey.get(key);
        if (seen != null) {
            repeated++;
            state.save(list());
            return new Response(200, json(seen).put("duplicate", true));
        }
        JsonNode n;
        try {
            n = JsonFileState.JSON.readTree(body);
        } catch (IOException e) {
            return error(400, "body is not JSON: " + e.getMessage());
        }
        for (String f : List.of("invoiceId", "customer", "period", "currency", "net", "tax", "total")) {
            if (n == null || !n.hasNonNull(f)) return error(400, "field '" + f + "' is required");
        }
        for (String f : AMOUNTS) {
            try {
                new BigDecimal(n.get(f).asText());
            } catch (NumberFormatException e) {
                return error(400, "field '" + f + "' must be a decimal string like \"24.99\"");
            }
        }
        Received r = received(byKey.size() + 1, key, n);
        byKey.put(key, r);
        state.save(list());
        return new Response(201, json(r));
    }

    private static Received received(long seq, String key, JsonNode n) {
        return new Received(seq, key, n.path("invoiceId").asText(), n.path("customer").asText(), n.path("period").asText(),
                n.path("currency").asText(), new BigDecimal(n.path("net").asText()), new BigDecimal(n.path("tax").asText()),
                new BigDecimal(n.path("total").asText()));
    }

    private static ObjectNode json(Received r) {
        ObjectNode o = JsonFileState.JSON.createObjectNode();
        o.put("seq", r.seq()).put("idempotencyKey", r.idempotencyKey()).put("invoiceId", r.invoiceId()).put("customer", r.customer())
                .put("period", r.period()).put("currency", r.currency()).put("net", r.net().toPlainString())
                .put("tax", r.tax().toPlainString()).put("total", r.total().toPlainString());
        return o;
    }

    private ObjectNode list() {
        ObjectNode n = JsonFileState.JSON.createObjectNode();
        ArrayNode arr = n.putArray("invoices");
        byKey.values().forEach(r -> arr.add(json(r)));
        ObjectNode totals = n.putObject("totalByInvoice");
        totalPerInvoice().forEach((k, v) -> totals.put(k, v.toPlainString()));
        n.put("repeatedDeliveries", repeated);
        return n;
    }
}

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
 * The local partner bank. {@code POST /payouts} with {@code {payoutId, beneficiary, currency, amount}} and an
 * {@code Idempotency-Key} header records the payout (201), or answers 200 with the first one for a key it has
 * seen (never recording it twice). {@code GET /payouts} lists every payout received, in order, the net
 * amount per payout id, and how many deliveries repeated a key already seen ({@code repeatedDeliveries}). Kept in {@code bank.json} under the data directory when there is one.
 */
public final class PartnerBank extends HttpService {
    /** One payout as received. {@code amount} is negative for corrections and compensations. */
    public record Received(long seq, String idempotencyKey, String payoutId, String beneficiary, String currency, BigDecimal amount) {
    }

    private final Map<String, Received> byKey = new LinkedHashMap<>();
    private final JsonFileState state;
    private long repeated;

    public PartnerBank(Path file) throws IOException {
        super("partner-bank", "/payouts");
        this.state = new JsonFileState(file);
        state.load().ifPresent(n -> {
            for (JsonNode p : n.path("payouts")) {
                Received r = new Received(p.path("seq").asLong(), p.path("idempotencyKey").asText(), p.path("payoutId").asText(),
                        p.path("beneficiary").asText(), p.path("currency").asText(), new BigDecimal(p.path("amount").asText()));
                byKey.put(r.idempotencyKey(), r);
            }
            repeated = n.path("repeatedDeliveries").asLong();
        });
    }

    /** How many times a payout arrived again with a key already seen (answered with the first, not recorded). */
    public synchronized long repeatedDeliveries() {
        return repeated;
    }

    public synchronized List<Received> payouts() {
        return new ArrayList<>(byKey.values());
    }

    public synchronized Map<String, BigDecimal> netPerPayout() {
        Map<String, BigDecimal> net = new LinkedHashMap<>();
        for (Received r : byKey.values()) net.merge(r.payoutId(), r.amount(), BigDecimal::add);
        return net;
    }

    @Override
    synchronized Response handle(String method, String path, Map<String, String> query, HttpExchange exchange, byte[] body) throws IOException {
        if (!path.equals("/payouts")) return error(404, "no such resource " + path);
        if (method.equals("GET")) return new Response(200, list());
        if (!method.equals("POST")) return error(405, "method " + method + " not allowed on /payouts");
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank()) return error(400, "header 'Idempotency-Key' is required");
        Received seen = byKey.get(key);
        if (seen != null) {
            repeated++;
            state.save(list());
            ObjectNode n = json(seen);
            n.put("duplicate", true);
            return new Response(200, n);
        }
        JsonNode n;
        try {
            n = JsonFileState.JSON.readTree(body);
        } catch (IOException e) {
            return error(400, "body is not JSON: " + e.getMessage());
        }
        for (String f : List.of("payoutId", "beneficiary", "currency", "amount")) {
            if (n == null || !n.hasNonNull(f)) return error(400, "field '" + f + "' is required");
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(n.get("amount").asText());
        } catch (NumberFormatException e) {
            return error(400, "field 'amount' must be a decimal string");
        }
        Received r = new Received(byKey.size() + 1, key, n.get("payoutId").asText(), n.get("beneficiary").asText(),
                n.get("currency").asText(), amount);
        byKey.put(key, r);
        state.save(list());
        return new Response(201, json(r));
    }

    private static ObjectNode json(Received r) {
        ObjectNode o = JsonFileState.JSON.createObjectNode();
        o.put("seq", r.seq()).put("idempotencyKey", r.idempotencyKey()).put("payoutId", r.payoutId())
                .put("beneficiary", r.beneficiary()).put("currency", r.currency()).put("amount", r.amount().toPlainString());
        return o;
    }

    private ObjectNode list() {
        ObjectNode n = JsonFileState.JSON.createObjectNode();
        ArrayNode arr = n.putArray("payouts");
        byKey.values().forEach(r -> arr.add(json(r)));
        ObjectNode net = n.putObject("netByPayout");
        netPerPayout().forEach((k, v) -> net.put(k, v.toPlainString()));
        n.put("repeatedDeliveries", repeated);
        return n;
    }
}

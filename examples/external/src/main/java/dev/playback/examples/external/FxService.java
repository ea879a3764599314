package dev.playback.examples.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The local FX service. {@code GET /rates?from=EUR&to=USD} → {@code {"from","to","rate"}} (404 for an
 * unknown pair; 1 for the same currency); {@code GET /rates} → every rate; {@code PUT /rates} with
 * {@code {"EUR/USD": "1.2000", ...}} (or {@code {"from","to","rate"}}) changes rates, so they can move
 * while replays happen. Kept in {@code fx.json} under the data directory when there is one.
 */
public final class FxService extends HttpService {
    static final Map<String, String> SEED = Map.of("EUR/USD", "1.0850", "EUR/GBP", "0.8600", "EUR/CHF", "0.9400",
            "USD/EUR", "0.9200", "GBP/EUR", "1.1600", "USD/GBP", "0.7900", "GBP/USD", "1.2650");

    private final Map<String, BigDecimal> rates = new TreeMap<>();
    private final JsonFileState state;

    public FxService(Path file) throws IOException {
        super("fx-service", "/rates");
        this.state = new JsonFileState(file);
        JsonNode stored = state.load().orElse(null);
        if (stored != null) {
            stored.path("rates").fields().forEachRemaining(e -> rates.put(e.getKey(), new BigDecimal(e.getValue().asText())));
        } else {
            SEED.forEach((k, v) -> rates.put(k, new BigDecimal(v)));
        }
    }

    public synchronized void setRate(String from, String to, String rate) {
        rates.put(from + "/" + to, positive(rate));
        persist();
    }

    public synchronized Map<String, BigDecimal> rates() {
        return Map.copyOf(rates);
    }

    @Override
    synchronized Response handle(String method, Map<String, String> query, HttpExchange exchange, byte[] body) throws IOException {
        if (method.equals("GET")) {
            if (!query.containsKey("from") && !query.containsKey("to")) return new Response(200, all());
            String from = query.get("from");
            String to = query.get("to");
            if (from == null || to == null) return error(400, "query parameters 'from' and 'to' are required");
            BigDecimal rate = from.equals(to) ? BigDecimal.ONE : rates.get(from + "/" + to);
            if (rate == null) return error(404, "no rate from " + from + " to " + to);
            return new Response(200, JsonFileState.JSON.createObjectNode().put("from", from).put("to", to).put("rate", rate.toPlainString()));
        }
        if (method.equals("PUT")) {
            JsonNode n = jsonBody(body);
            if (n == null || !n.isObject()) return error(400, "body must be {\"EUR/USD\": \"1.0850\", ...} or {\"from\",\"to\",\"rate\"}");
            try {
                if (n.has("from") && n.has("to") && n.has("rate")) {
                    rates.put(n.get("from").asText() + "/" + n.get("to").asText(), positive(n.get("rate").asText()));
                } else {
                    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                        var e = it.next();
                        if (!e.getKey().matches("[A-Z]{3}/[A-Z]{3}")) return error(400, "rate key must look like EUR/USD, got " + e.getKey());
                        rates.put(e.getKey(), positive(e.getValue().asText()));
                    }
                }
            } catch (NumberFormatException e) {
                return error(400, "rates must be positive decimals like \"1.0850\"");
            }
            persist();
            return new Response(200, all());
        }
        return notAllowed(method);
    }

    private static BigDecimal positive(String text) {
        BigDecimal r = new BigDecimal(text);
        if (r.signum() <= 0) throw new NumberFormatException("rate must be > 0");
        return r;
    }

    private ObjectNode all() {
        ObjectNode n = JsonFileState.JSON.createObjectNode();
        ObjectNode r = n.putObject("rates");
        rates.forEach((k, v) -> r.put(k, v.toPlainString()));
        return n;
    }

    private void persist() {
        state.save(all());
    }
}

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
 * A partner's command endpoint as real ones behave: {@code POST <resource>} with a JSON command and an
 * {@code Idempotency-Key} header records the command (201), or answers 200 with the first one for a key it has seen,
 * never recording it twice; {@code GET <resource>} lists every command received, in order, a summary, and how many
 * deliveries repeated a key already seen ({@code repeatedDeliveries}). Kept in a JSON file when there is one.
 *
 * @param <R> one command as received
 */
abstract class IdempotentCommands<R> extends HttpService {
    private final String listField;
    private final List<String> required;
    private final List<String> amounts;
    private final Map<String, R> byKey = new LinkedHashMap<>();
    private final JsonFileState state;
    private long repeated;

    /**
     * @param resource  the path, e.g. {@code /payouts}
     * @param listField the list's field in {@code GET}'s answer and in the file, e.g. {@code payouts}
     * @param required  the fields a command must have
     * @param amounts   those of them that are decimal strings
     */
    IdempotentCommands(String name, String resource, String listField, List<String> required, List<String> amounts, Path file)
            throws IOException {
        super(name, resource);
        this.listField = listField;
        this.required = List.copyOf(required);
        this.amounts = List.copyOf(amounts);
        this.state = new JsonFileState(file);
        state.load().ifPresent(n -> {
            for (JsonNode c : n.path(listField)) {
                String key = c.path("idempotencyKey").asText();
                byKey.put(key, read(c.path("seq").asLong(), key, c));
            }
            repeated = n.path("repeatedDeliveries").asLong();
        });
    }

    /** A command as received, from its JSON (the required fields present, the amounts decimal). */
    abstract R read(long seq, String idempotencyKey, JsonNode command);

    /** A received command as JSON, with {@code seq} and {@code idempotencyKey}. */
    abstract ObjectNode json(R received);

    /** Adds the summary to {@code GET}'s answer (e.g. the net amount per payout). */
    abstract void summarise(ObjectNode answer);

    /** How many times a command arrived again with a key already seen (answered with the first, not recorded). */
    public synchronized long repeatedDeliveries() {
        return repeated;
    }

    /** Every command received, in order, once per idempotency key. */
    synchronized List<R> received() {
        return new ArrayList<>(byKey.values());
    }

    @Override
    synchronized Response handle(String method, Map<String, String> query, HttpExchange exchange, byte[] body) throws IOException {
        if (method.equals("GET")) return new Response(200, list());
        if (!method.equals("POST")) return notAllowed(method);
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank()) return error(400, "header 'Idempotency-Key' is required");
        R seen = byKey.get(key);
        if (seen != null) {
            repeated++;
            state.save(list());
            return new Response(200, json(seen).put("duplicate", true));
        }
        JsonNode n = jsonBody(body);
        for (String f : required) {
            if (n == null || !n.hasNonNull(f)) return error(400, "field '" + f + "' is required");
        }
        for (String f : amounts) {
            try {
                new BigDecimal(n.get(f).asText());
            } catch (NumberFormatException e) {
                return error(400, "field '" + f + "' must be a decimal string like \"24.99\"");
            }
        }
        R r = read(byKey.size() + 1, key, n);
        byKey.put(key, r);
        state.save(list());
        return new Response(201, json(r));
    }

    private ObjectNode list() {
        ObjectNode n = JsonFileState.JSON.createObjectNode();
        ArrayNode arr = n.putArray(listField);
        byKey.values().forEach(r -> arr.add(json(r)));
        summarise(n);
        n.put("repeatedDeliveries", repeated);
        return n;
    }
}

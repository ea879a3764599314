package dev.playback.examples.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The local tax service: tax rates by country, each in effect from a date on until the next one.
 * {@code GET /rates?country=DE&date=2026-03-01} → {@code {"country","date","rate":"0.19"}} (404 when the country has
 * no rate on that date); {@code GET /rates} → every rate; {@code PUT /rates} with {@code {"country":"DE","from":"2026-07-01","rate":"0.16"}}
 * sets a rate from a date on, so that the answer changes over time. Seeded with DE 0.19 from 2000-01-01. Kept in
 * {@code tax.json} under the data directory when there is one.
 */
public final class TaxService extends HttpService {
    static final String SEED_COUNTRY = "DE";
    static final LocalDate SEED_FROM = LocalDate.parse("2000-01-01");
    static final BigDecimal SEED_RATE = new BigDecimal("0.19");

    private final Map<String, NavigableMap<LocalDate, BigDecimal>> rates = new TreeMap<>();
    private final JsonFileState state;

    public TaxService(Path file) throws IOException {
        super("tax-service", "/rates");
        this.state = new JsonFileState(file);
        JsonNode stored = state.load().orElse(null);
        if (stored != null) {
            stored.path("rates").fields().forEachRemaining(country -> country.getValue().fields().forEachRemaining(from ->
                    put(country.getKey(), LocalDate.parse(from.getKey()), new BigDecimal(from.getValue().asText()))));
        } else {
            put(SEED_COUNTRY, SEED_FROM, SEED_RATE);
        }
    }

    /** From {@code from} on, {@code country}'s rate is {@code rate} (until a later rate of the country). */
    public synchronized void setRate(String country, LocalDate from, BigDecimal rate) {
        if (country == null || !country.matches("[A-Z]{2}")) throw new IllegalArgumentException("country must look like DE, got " + country);
        if (rate.signum() < 0) throw new IllegalArgumentException("rate must be 0 or more, got " + rate);
        put(country, from, rate);
        persist();
    }

    /** The rate of {@code country} in effect on {@code date}; null when it has none. */
    public synchronized BigDecimal rate(String country, LocalDate date) {
        NavigableMap<LocalDate, BigDecimal> byDate = rates.get(country);
        Map.Entry<LocalDate, BigDecimal> e = byDate == null ? null : byDate.floorEntry(date);
        return e == null ? null : e.getValue();
    }

    @Override
    synchronized Response handle(String method, Map<String, String> query, HttpExchange exchange, byte[] body) throws IOException {
        if (method.equals("GET")) {
            if (!query.containsKey("country") && !query.containsKey("date")) return new Response(200, all());
            String country = query.get("country");
            LocalDate date = date(query.get("date"));
            if (country == null || date == null) return error(400, "query parameters 'country' and 'date' (yyyy-MM-dd) are required");
            BigDecimal rate = rate(country, date);
            if (rate == null) return error(404, "no tax rate for " + country + " on " + date);
            return new Response(200, JsonFileState.JSON.createObjectNode().put("country", country).put("date", date.toString())
                    .put("rate", rate.toPlainString()));
        }
        if (method.equals("PUT")) {
            JsonNode n = jsonBody(body);
            LocalDate from = n == null ? null : date(n.path("from").asText(null));
            if (from == null || !n.path("country").asText("").matches("[A-Z]{2}") || !n.hasNonNull("rate")) {
                return error(400, "body must be {\"country\":\"DE\",\"from\":\"2026-07-01\",\"rate\":\"0.16\"}");
            }
            BigDecimal rate;
            try {
                rate = new BigDecimal(n.get("rate").asText());
            } catch (NumberFormatException e) {
                return error(400, "field 'rate' must be a decimal string like \"0.19\"");
            }
            if (rate.signum() < 0) return error(400, "field 'rate' must be 0 or more");
            put(n.get("country").asText(), from, rate);
            persist();
            return new Response(200, all());
        }
        return notAllowed(method);
    }

    private void put(String country, LocalDate from, BigDecimal rate) {
        rates.computeIfAbsent(country, c -> new TreeMap<>()).put(from, rate);
    }

    private static LocalDate date(String text) {
        if (text == null) return null;
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private ObjectNode all() {
        ObjectNode n = JsonFileState.JSON.createObjectNode();
        ObjectNode r = n.putObject("rates");
        rates.forEach((country, byDate) -> {
            ObjectNode c = r.putObject(country);
            byDate.forEach((from, rate) -> c.put(from.toString(), rate.toPlainString()));
        });
        return n;
    }

    private void persist() {
        state.save(all());
    }
}

package dev.playback.tools.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * List prices and service quotas as dated configuration: {@code prices/aws-us-east-1.json} on the class path, or a file
 * of the same shape ({@code --prices FILE}). Every price and quota names its source; a missing one is an error that names
 * it and the file, never a zero.
 */
public record PriceList(String region, LocalDate asOf, String origin, Map<String, Price> prices, Map<String, Quota> quotas) {
    public static final String DEFAULT_RESOURCE = "/prices/aws-us-east-1.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One price: {@code usd} per {@code unit}. */
    public record Price(double usd, String unit, String source) {
    }

    /** One quota: {@code value} in {@code unit}. */
    public record Quota(double value, String unit, String source) {
    }

    /** The list shipped with the tools (us-east-1). */
    public static PriceList standard() {
        try (InputStream in = PriceList.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) throw new IllegalStateException("price list " + DEFAULT_RESOURCE + " is not on the class path");
            return parse(JSON.readTree(in), "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read price list " + DEFAULT_RESOURCE, e);
        }
    }

    /** A price list file ({@code --prices FILE}). */
    public static PriceList of(Path file) {
        try {
            return parse(JSON.readTree(Files.readAllBytes(file)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read price list " + file + ": " + e.getMessage(), e);
        }
    }

    static PriceList parse(JsonNode root, String origin) {
        String asOf = text(root, "asOf", origin);
        LocalDate date;
        try {
            date = LocalDate.parse(asOf);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("price list " + origin + ": asOf '" + asOf + "' is not a date such as 2026-12-01", e);
        }
        Map<String, Price> prices = new LinkedHashMap<>();
        root.path("prices").fields().forEachRemaining(e -> prices.put(e.getKey(),
                new Price(number(e.getValue(), "usd", origin + " prices." + e.getKey()), e.getValue().path("unit").asText(""),
                        text(e.getValue(), "source", origin + " prices." + e.getKey()))));
        Map<String, Quota> quotas = new LinkedHashMap<>();
        root.path("quotas").fields().forEachRemaining(e -> quotas.put(e.getKey(),
                new Quota(number(e.getValue(), "value", origin + " quotas." + e.getKey()), e.getValue().path("unit").asText(""),
                        text(e.getValue(), "source", origin + " quotas." + e.getKey()))));
        return new PriceList(root.path("region").asText("unknown region"), date, origin, Map.copyOf(prices), Map.copyOf(quotas));
    }

    /** The price named {@code name} in USD per unit. */
    public double price(String name) {
        Price p = prices.get(name);
        if (p == null) throw new IllegalArgumentException("price list " + origin + " has no price '" + name + "'");
        return p.usd();
    }

    /** The quota named {@code name}. */
    public double quota(String name) {
        Quota q = quotas.get(name);
        if (q == null) throw new IllegalArgumentException("price list " + origin + " has no quota '" + name + "'");
        return q.value();
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException(where + ": field '" + field + "' is missing");
        return v.asText();
    }

    private static double number(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber() || v.asDouble() < 0) {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be a number >= 0, not " + v);
        }
        return v.asDouble();
    }
}

package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Reading the fields of an action's input, with errors that name the field. */
public final class Requests {
    private Requests() {
    }

    static JsonNode object(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException("field '" + field + "' must be a string, got " + v);
        return v.asText();
    }

    public static String requireText(JsonNode n, String field) {
        String v = text(n, field);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("field '" + field + "' is required");
        return v;
    }

    public static int integer(JsonNode n, String field, int defaultValue, int min, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return defaultValue;
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer from " + min + " to " + max + ", got " + v);
        }
        return v.asInt();
    }

    public static int requireInteger(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber()) throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + v);
        return v.asInt();
    }

    static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw new IllegalArgumentException("field '" + field + "' must be true or false, got " + v);
        return v.asBoolean();
    }

    /** A list of non-blank strings, or null when the field is absent. */
    static List<String> strings(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw new IllegalArgumentException("field '" + field + "' must be an array of strings, got " + v);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode x = v.get(i);
            if (!x.isTextual() || x.asText().isBlank()) throw new IllegalArgumentException("field '" + field + "[" + i + "]' must be a non-empty string, got " + x);
            if (!out.contains(x.asText())) out.add(x.asText());
        }
        return out;
    }

    static Instant instant(JsonNode n, String field) {
        String v = text(n, field);
        if (v == null) return null;
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field '" + field + "' must be an ISO-8601 instant such as 2026-01-31T00:00:00Z, got '" + v + "'");
        }
    }
}

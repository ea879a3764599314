package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.event.Submission;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks of the subscription events' payload fields; each refusal names the field at fault as {@code payload.<name>}. */
final class Fields {
    private static final Pattern PRICE = Pattern.compile("\\d{1,12}(\\.\\d{1,2})?");
    private static final Pattern PERIOD = Pattern.compile("\\d{4}-\\d{2}");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    private Fields() {
    }

    /** Refuses a field the type does not know. */
    static void only(ObjectNode payload, String... allowed) {
        List<String> names = List.of(allowed);
        payload.fieldNames().forEachRemaining(f -> {
            if (!names.contains(f)) {
                throw new InvalidEventException(path(f), "unknown field '" + path(f) + "'; allowed: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
        });
    }

    static String text(ObjectNode payload, String field, int maxLength) {
        JsonNode v = required(payload, field);
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > maxLength) {
            throw new InvalidEventException(path(field), "field '" + path(field) + "' must be a non-blank string of at most "
                    + maxLength + " characters");
        }
        return v.asText();
    }

    /** A monthly price: a decimal string greater than 0 with at most two decimals, e.g. {@code "30.00"}. */
    static BigDecimal price(JsonNode payload, String field) {
        JsonNode v = required(payload, field);
        String s = v.isTextual() ? v.asText() : null;
        if (s == null || !PRICE.matcher(s).matches()) {
            throw new InvalidEventException(path(field), "field '" + path(field)
                    + "' must be a decimal string greater than 0 with at most 2 decimals, like \"30.00\", got " + v);
        }
        BigDecimal price = new BigDecimal(s);
        if (price.signum() <= 0) throw new InvalidEventException(path(field), "field '" + path(field) + "' must be greater than 0, got " + s);
        return price;
    }

    static String currency(ObjectNode payload, String field) {
        JsonNode v = required(payload, field);
        String code = v.isTextual() ? v.asText() : "";
        if (!code.matches("[A-Z]{3}") || Currency.getAvailableCurrencies().stream().noneMatch(c -> c.getCurrencyCode().equals(code))) {
            throw new InvalidEventException(path(field), "field '" + path(field) + "' must be an ISO 4217 currency code like EUR, got " + v);
        }
        return code;
    }

    static String country(ObjectNode payload, String field) {
        JsonNode v = required(payload, field);
        String code = v.isTextual() ? v.asText() : "";
        if (!code.matches("[A-Z]{2}") || !COUNTRIES.contains(code)) {
            throw new InvalidEventException(path(field), "field '" + path(field) + "' must be an ISO 3166 country code like DE, got " + v);
        }
        return code;
    }

    /** A billing period: a calendar month {@code yyyy-MM}. */
    static YearMonth period(JsonNode payload, String field) {
        JsonNode v = required(payload, field);
        String s = v.isTextual() ? v.asText() : "";
        try {
            if (PERIOD.matcher(s).matches()) return YearMonth.parse(s);
        } catch (DateTimeParseException e) {
            // reported below, with the field
        }
        throw new InvalidEventException(path(field), "field '" + path(field) + "' must be a calendar month yyyy-MM like \"2026-03\", got " + v);
    }

    static String eventId(ObjectNode payload, String field) {
        JsonNode v = required(payload, field);
        if (!v.isTextual() || !Submission.ID.matcher(v.asText()).matches()) {
            throw new InvalidEventException(path(field), "field '" + path(field)
                    + "' must be an event id (1-128 characters of A-Z a-z 0-9 . _ : -), got " + v);
        }
        return v.asText();
    }

    static JsonNode required(JsonNode payload, String field) {
        JsonNode v = payload.get(field);
        if (v == null || v.isNull()) throw new InvalidEventException(path(field), "field '" + path(field) + "' is required");
        return v;
    }

    private static String path(String field) {
        return "payload." + field;
    }
}

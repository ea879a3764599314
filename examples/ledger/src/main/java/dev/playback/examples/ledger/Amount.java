package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.InvalidEventException;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Exact money amounts: decimal strings, greater than zero, at most two decimals. Never {@code double}. */
public final class Amount {
    private static final Pattern FORMAT = Pattern.compile("\\d{1,15}(\\.\\d{1,2})?");

    private Amount() {
    }

    public static BigDecimal parse(JsonNode payload, String field) {
        String path = "payload." + field;
        JsonNode v = payload.get(field);
        if (v == null || v.isNull()) throw new InvalidEventException(path, "field '" + path + "' is required");
        if (!v.isTextual()) {
            throw new InvalidEventException(path, "field '" + path + "' must be a decimal string like \"12.50\", got " + v);
        }
        String s = v.asText();
        if (s.startsWith("-")) throw new InvalidEventException(path, "field '" + path + "' must be greater than 0, got " + s);
        if (!FORMAT.matcher(s).matches()) {
            if (s.matches("\\d+\\.\\d{3,}")) {
                throw new InvalidEventException(path, "field '" + path + "' has more than 2 decimals: " + s);
            }
            throw new InvalidEventException(path, "field '" + path + "' must be a decimal string like \"12.50\" with at most 2 decimals, got '" + s + "'");
        }
        BigDecimal amount = new BigDecimal(s);
        if (amount.signum() <= 0) throw new InvalidEventException(path, "field '" + path + "' must be greater than 0, got " + s);
        return amount;
    }

    public static String format(BigDecimal amount) {
        return amount.setScale(2, java.math.RoundingMode.UNNECESSARY).toPlainString();
    }
}

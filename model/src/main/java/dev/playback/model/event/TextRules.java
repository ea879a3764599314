package dev.playback.model.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * What every string, key and number of a submitted event must be, at every level (ids, payload, metadata), so that
 * what is stored is what was sent and reads back the same:
 * <ul>
 *   <li>no lone UTF-16 surrogate (it cannot be encoded in UTF-8 and would be stored as {@code ?});</li>
 *   <li>no control character: C0 (U+0000–U+001F), DEL (U+007F), C1 (U+0080–U+009F);</li>
 *   <li>no Unicode bidirectional control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which make
 *       text display other than it reads;</li>
 *   <li>a decimal number must be a finite 64-bit float exactly (readers of stored events read decimals as such):
 *       {@code 1e400} or {@code 0.1000000000000000000001} would be stored as something else; send those as strings.</li>
 * </ul>
 * A refusal names the path of the value or, for a key, of the object holding it.
 */
public final class TextRules {
    private TextRules() {
    }

    /** Checks {@code node} and everything in it; {@code path} names it ("" for a whole event). */
    public static void check(JsonNode node, String path) {
        if (node.isTextual()) {
            String problem = problem(node.textValue());
            if (problem != null) throw new InvalidEventException(name(path), "field '" + name(path) + "' " + problem);
        } else if (node.isBigDecimal() || node.isFloatingPointNumber()) {
            checkDecimal(node, path);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String problem = problem(f.getKey());
                if (problem != null) {
                    throw new InvalidEventException(name(path), "a key " + (path.isEmpty() ? "of the event" : "in '" + path + "'")
                            + " ('" + printable(f.getKey()) + "') " + problem);
                }
                check(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) check(node.get(i), path + "[" + i + "]");
        }
    }

    private static void checkDecimal(JsonNode node, String path) {
        double d = node.doubleValue();
        boolean exact = !Double.isInfinite(d) && !Double.isNaN(d)
                && new BigDecimal(Double.toString(d)).compareTo(node.decimalValue()) == 0;
        if (!exact) {
            throw new InvalidEventException(name(path), "field '" + name(path) + "' is a number (" + abbreviate(node.asText())
                    + ") that is not exactly a 64-bit floating point number and would be stored as another; send it as a string");
        }
    }

    /** What is wrong with {@code s}, or null. */
    static String problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains a lone surrogate " + hex(c) + " at position " + i + "; text must be valid Unicode";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains a lone surrogate " + hex(c) + " at position " + i + "; text must be valid Unicode";
            }
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
                return "contains the control character " + hex(c) + " at position " + i + "; control characters are not accepted";
            }
            if (isBidiControl(c)) {
                return "contains the bidirectional control " + hex(c) + " at position " + i + "; bidirectional controls are not accepted";
            }
        }
        return null;
    }

    static boolean isBidiControl(char c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }

    /** {@code s} with every character {@link #problem} refuses written as {@code \\uXXXX}, so that messages show it safely. */
    static String printable(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || isBidiControl(c)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return abbreviate(b.toString());
    }

    private static String name(String path) {
        return path.isEmpty() ? "body" : printable(path);
    }

    private static String hex(char c) {
        return String.format("U+%04X", (int) c);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}

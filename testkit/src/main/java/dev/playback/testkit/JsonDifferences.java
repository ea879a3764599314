package dev.playback.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where two JSON values differ, field by field: {@code payouts.p-1.net: expected "107.42", was "108.50"}. Numbers are
 * equal when their values are ({@code 1.0} and {@code 1.00}); text is never taken for a number.
 */
final class JsonDifferences {
    private JsonDifferences() {
    }

    static List<String> of(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        compare("", expected, actual, out);
        return out;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> out) {
        String at = path.isEmpty() ? "(the whole state)" : path;
        if (expected == null || expected.isMissingNode()) {
            out.add(at + ": not expected, was " + actual);
        } else if (actual == null || actual.isMissingNode()) {
            out.add(at + ": expected " + expected + ", missing");
        } else if (expected.isObject() && actual.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) names.add(it.next());
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) names.add(it.next());
            for (String name : names) compare(path.isEmpty() ? name : path + "." + name, expected.get(name), actual.get(name), out);
        } else if (expected.isArray() && actual.isArray()) {
            for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
                compare(path + "[" + i + "]", expected.get(i), actual.get(i), out);
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) out.add(at + ": expected " + expected + ", was " + actual);
        } else if (!expected.equals(actual)) {
            out.add(at + ": expected " + expected + ", was " + actual);
        }
    }
}

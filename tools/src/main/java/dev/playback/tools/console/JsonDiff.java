package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What differs between two JSON documents, as the console shows it: the dotted paths of the leaves that differ between
 * a live and a rebuilt state ({@link #differences}), and the top-level fields a correction changes ({@link #changes}).
 */
public final class JsonDiff {
    private JsonDiff() {
    }

    /** One top-level field whose value differs; {@code before}/{@code after} as text, null when absent. */
    public record Change(String field, String before, String after) {
    }

    /**
     * The paths of the leaves that differ ({@code balance}, {@code counts.deposits}, {@code items[3].amount}), in the
     * order of {@code left}'s fields, then those only {@code right} has. A side that is null or missing differs at the
     * root: {@code [""]}. Numbers are compared by value (1 and 1.0 are equal).
     */
    public static List<String> differences(JsonNode left, JsonNode right) {
        List<String> out = new ArrayList<>();
        if (absent(left) || absent(right)) {
            if (absent(left) != absent(right)) out.add("");
            return out;
        }
        collect("", left, right, out);
        return out;
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode();
    }

    private static void collect(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a == null || b == null) {
            out.add(path);
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) collect(path.isEmpty() ? name : path + "." + name, a.get(name), b.get(name), out);
            return;
        }
        if (a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) collect(path + "[" + i + "]", a.get(i), b.get(i), out);
            return;
        }
        if (!sameLeaf(a, b)) out.add(path);
    }

    private static boolean sameLeaf(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }

    /**
     * The top-level fields whose values differ between the last command of {@code sent} (none: {@code {}}) and
     * {@code wanted} (null: {@code {}}), in the order of the sent command's fields, then the wanted one's.
     */
    public static List<Change> changes(JsonNode sent, JsonNode wanted) {
        JsonNode before = sent != null && sent.isArray() && !sent.isEmpty() ? sent.get(sent.size() - 1) : emptyObject();
        JsonNode after = absent(wanted) ? emptyObject() : wanted;
        Set<String> names = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        List<Change> out = new ArrayList<>();
        for (String name : names) {
            JsonNode x = before.get(name);
            JsonNode y = after.get(name);
            if (x != null && y != null && differences(x, y).isEmpty()) continue;
            if (x == null && y == null) continue;
            out.add(new Change(name, text(x), text(y)));
        }
        return out;
    }

    private static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static String text(JsonNode n) {
        if (n == null) return null;
        return n.isValueNode() && !n.isNull() ? n.asText() : n.toString();
    }
}

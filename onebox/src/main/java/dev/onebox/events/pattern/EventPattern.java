package dev.onebox.events.pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An EventBridge event pattern, validated and compiled once, then matched against events.
 *
 * <p>Semantics follow Amazon EventBridge (Event Ruler): every field named in the pattern must match (AND);
 * the values listed for a field are alternatives (OR); {@code $or} lists alternative sub-patterns; leaf values
 * in the event that are arrays match when any element matches; a pattern field missing from the event does not
 * match (except {@code exists: false}); objects inside event arrays are matched element by element, so two
 * fields of one sub-pattern must come from the same array element. Filters: {@code prefix}, {@code suffix}
 * (both optionally {@code {"equals-ignore-case": ...}}), {@code equals-ignore-case}, {@code wildcard},
 * {@code anything-but} (values, or prefix/suffix/equals-ignore-case/wildcard), {@code numeric},
 * {@code exists} (leaf nodes only), {@code cidr} (IPv4 and IPv6).
 */
public final class EventPattern {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigDecimal NUMERIC_LIMIT = new BigDecimal("5.0E9");

    private final String source;
    private final PatternObject root;

    private EventPattern(String source, PatternObject root) {
        this.source = source;
        this.root = root;
    }

    /** Parses and validates; throws {@link InvalidEventPatternException} naming the field at fault. */
    public static EventPattern compile(String patternJson) {
        if (patternJson == null || patternJson.isBlank()) {
            throw new InvalidEventPatternException("", "the pattern is empty");
        }
        JsonNode node;
        try {
            node = JSON.readTree(patternJson);
        } catch (JsonProcessingException e) {
            throw new InvalidEventPatternException("", "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidEventPatternException("", "the pattern must be a JSON object");
        }
        return new EventPattern(patternJson, compileObject(node, ""));
    }

    /** The pattern text as given. */
    public String source() {
        return source;
    }

    public boolean matches(JsonNode event) {
        return root.matches(event == null ? MissingNode.getInstance() : event);
    }

    public boolean matches(String eventJson) {
        try {
            return matches(JSON.readTree(eventJson));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return source;
    }

    // ---------------------------------------------------------------- compiled form

    private sealed interface Field permits Leaf, Nested {
        String name();
    }

    private record Leaf(String name, List<ValueMatcher> matchers) implements Field {
    }

    private record Nested(String name, PatternObject pattern) implements Field {
    }

    private record PatternObject(List<Field> fields, List<List<PatternObject>> alternatives) {
        boolean matches(JsonNode event) {
            for (Field f : fields) {
                JsonNode value = event.isObject() ? event.path(f.name()) : MissingNode.getInstance();
                boolean ok;
                if (f instanceof Leaf) {
                    ok = matchLeaf(((Leaf) f).matchers(), value);
                } else {
                    ok = matchNested(((Nested) f).pattern(), value);
                }
                if (!ok) {
                    return false;
                }
            }
            for (List<PatternObject> group : alternatives) {
                boolean any = false;
                for (PatternObject alternative : group) {
                    if (alternative.matches(event)) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return false;
                }
            }
            return true;
        }
    }

    private static boolean matchLeaf(List<ValueMatcher> matchers, JsonNode value) {
        List<JsonNode> leaves = new ArrayList<>();
        collectLeaves(value, leaves);
        for (ValueMatcher m : matchers) {
            if (m instanceof ValueMatcher.Exists) {
                if (((ValueMatcher.Exists) m).present() != leaves.isEmpty()) {
                    return true;
                }
                continue;
            }
            for (JsonNode leaf : leaves) {
                if (m.test(leaf)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void collectLeaves(JsonNode value, List<JsonNode> out) {
        if (value.isMissingNode() || value.isObject()) {
            return; // objects are intermediate nodes, not leaves
        }
        if (value.isArray()) {
            for (JsonNode element : value) {
                collectLeaves(element, out);
            }
            return;
        }
        out.add(value);
    }

    private static boolean matchNested(PatternObject pattern, JsonNode value) {
        if (value.isArray()) {
            List<JsonNode> objects = new ArrayList<>();
            collectObjects(value, objects);
            for (JsonNode element : objects) {
                if (pattern.matches(element)) {
                    return true;
                }
            }
            return objects.isEmpty() && pattern.matches(MissingNode.getInstance());
        }
        return pattern.matches(value);
    }

    private static void collectObjects(JsonNode array, List<JsonNode> out) {
        for (JsonNode element : array) {
            if (element.isArray()) {
                collectObjects(element, out);
            } else if (element.isObject()) {
                out.add(element);
            }
        }
    }

    // ---------------------------------------------------------------- validation and compilation

    private static PatternObject compileObject(JsonNode node, String path) {
        if (node.size() == 0) {
            throw new InvalidEventPatternException(path, "empty objects are not allowed");
        }
        List<Field> fields = new ArrayList<>();
        List<List<PatternObject>> alternatives = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = e.getKey();
            JsonNode value = e.getValue();
            String here = path.isEmpty() ? name : path + "." + name;
            if (name.equals("$or") && value.isArray() && value.size() > 0 && allObjects(value)) {
                if (value.size() < 2) {
                    throw new InvalidEventPatternException(here, "$or needs at least two alternatives");
                }
                List<PatternObject> group = new ArrayList<>();
                int i = 0;
                for (JsonNode alternative : value) {
                    group.add(compileObject(alternative, here + "[" + i++ + "]"));
                }
                alternatives.add(List.copyOf(group));
            } else if (value.isObject()) {
                fields.add(new Nested(name, compileObject(value, here)));
            } else if (value.isArray()) {
                fields.add(new Leaf(name, compileLeaf(value, here)));
            } else {
                throw new InvalidEventPatternException(here,
                        "match values must be inside an array or an object, found " + describe(value));
            }
        }
        return new PatternObject(List.copyOf(fields), List.copyOf(alternatives));
    }

    private static boolean allObjects(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject()) {
                return false;
            }
        }
        return true;
    }

    private static List<ValueMatcher> compileLeaf(JsonNode array, String path) {
        if (array.size() == 0) {
            throw new InvalidEventPatternException(path, "empty arrays are not allowed");
        }
        List<ValueMatcher> matchers = new ArrayList<>();
        for (JsonNode element : array) {
            if (element.isTextual() || element.isNumber() || element.isBoolean() || element.isNull()) {
                if (element.isNumber()) {
                    checkNumber(element, path);
                }
                matchers.add(new ValueMatcher.Exact(element));
            } else if (element.isObject()) {
                matchers.add(compileFilter(element, path));
            } else {
                throw new InvalidEventPatternException(path, "arrays inside match value arrays are not allowed");
            }
        }
        return List.copyOf(matchers);
    }

    private static ValueMatcher compileFilter(JsonNode filter, String path) {
        if (filter.size() != 1) {
            throw new InvalidEventPatternException(path,
                    "a filter object must have exactly one match type, found " + filter.size() + " in " + filter);
        }
        Map.Entry<String, JsonNode> e = filter.properties().iterator().next();
        String type = e.getKey();
        JsonNode arg = e.getValue();
        switch (type) {
            case "prefix":
                return prefixOrSuffix(arg, path, true);
            case "suffix":
                return prefixOrSuffix(arg, path, false);
            case "equals-ignore-case":
                return new ValueMatcher.EqualsIgnoreCase(text(arg, path, "equals-ignore-case"));
            case "wildcard":
                return wildcard(text(arg, path, "wildcard"), path);
            case "anything-but":
                return anythingBut(arg, path);
            case "numeric":
                return numeric(arg, path);
            case "exists":
                if (!arg.isBoolean()) {
                    throw new InvalidEventPatternException(path, "exists match pattern must be either true or false, found " + arg);
                }
                return new ValueMatcher.Exists(arg.booleanValue());
            case "cidr":
                return cidr(text(arg, path, "cidr"), path);
            default:
                throw new InvalidEventPatternException(path, "unrecognized match type " + type);
        }
    }

    private static ValueMatcher prefixOrSuffix(JsonNode arg, String path, boolean prefix) {
        String op = prefix ? "prefix" : "suffix";
        boolean ignoreCase = false;
        String value;
        if (arg.isObject()) {
            if (arg.size() != 1 || !arg.has("equals-ignore-case")) {
                throw new InvalidEventPatternException(path, op + " match pattern must be a string or {\"equals-ignore-case\": string}, found " + arg);
            }
            ignoreCase = true;
            value = text(arg.get("equals-ignore-case"), path, op + " equals-ignore-case");
        } else {
            value = text(arg, path, op);
        }
        return prefix ? new ValueMatcher.Prefix(value, ignoreCase) : new ValueMatcher.Suffix(value, ignoreCase);
    }

    private static String text(JsonNode arg, String path, String op) {
        if (!arg.isTextual()) {
            throw new InvalidEventPatternException(path, op + " match pattern must be a string, found " + describe(arg));
        }
        return arg.textValue();
    }

    private static ValueMatcher wildcard(String wildcard, String path) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        boolean lastWasStar = false;
        for (int i = 0; i < wildcard.length(); i++) {
            char c = wildcard.charAt(i);
            if (c == '\\') {
                if (i + 1 >= wildcard.length() || (wildcard.charAt(i + 1) != '*' && wildcard.charAt(i + 1) != '\\')) {
                    throw new InvalidEventPatternException(path,
                            "wildcard \"" + wildcard + "\": a backslash may only escape * or \\");
                }
                literal.append(wildcard.charAt(++i));
                lastWasStar = false;
            } else if (c == '*') {
                if (lastWasStar) {
                    throw new InvalidEventPatternException(path,
                            "wildcard \"" + wildcard + "\": consecutive wildcard characters are not allowed");
                }
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append("(?s:.*)");
                lastWasStar = true;
            } else {
                literal.append(c);
                lastWasStar = false;
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return new ValueMatcher.Wildcard(wildcard, Pattern.compile(regex.toString()));
    }

    private static ValueMatcher anythingBut(JsonNode arg, String path) {
        List<ValueMatcher> excluded = new ArrayList<>();
        if (arg.isTextual() || arg.isNumber()) {
            if (arg.isNumber()) {
                checkNumber(arg, path);
            }
            excluded.add(new ValueMatcher.Exact(arg));
        } else if (arg.isArray()) {
            if (arg.size() == 0) {
                throw new InvalidEventPatternException(path, "anything-but list must not be empty");
            }
            boolean strings = arg.get(0).isTextual();
            for (JsonNode v : arg) {
                if (!(v.isTextual() || v.isNumber())) {
                    throw new InvalidEventPatternException(path,
                            "inside anything-but list, " + describe(v) + " is not supported; use only strings or only numbers");
                }
                if (v.isTextual() != strings) {
                    throw new InvalidEventPatternException(path, "anything-but list must contain only strings or only numbers");
                }
                if (v.isNumber()) {
                    checkNumber(v, path);
                }
                excluded.add(new ValueMatcher.Exact(v));
            }
        } else if (arg.isObject()) {
            if (arg.size() != 1) {
                throw new InvalidEventPatternException(path, "anything-but object must have exactly one match type, found " + arg);
            }
            Map.Entry<String, JsonNode> e = arg.properties().iterator().next();
            String op = "anything-but " + e.getKey();
            if (!List.of("prefix", "suffix", "equals-ignore-case", "wildcard").contains(e.getKey())) {
                throw new InvalidEventPatternException(path,
                        "unsupported anything-but match type " + e.getKey() + "; use prefix, suffix, equals-ignore-case or wildcard");
            }
            for (JsonNode v : stringsOf(e.getValue(), path, op)) {
                String s = v.textValue();
                switch (e.getKey()) {
                    case "prefix":
                        excluded.add(new ValueMatcher.Prefix(s, false));
                        break;
                    case "suffix":
                        excluded.add(new ValueMatcher.Suffix(s, false));
                        break;
                    case "equals-ignore-case":
                        excluded.add(new ValueMatcher.EqualsIgnoreCase(s));
                        break;
                    default: // "wildcard", checked above
                        excluded.add(wildcard(s, path));
                        break;
                }
            }
        } else {
            throw new InvalidEventPatternException(path,
                    "anything-but must be a string, a number, a list of strings or numbers, or an object, found " + describe(arg));
        }
        return new ValueMatcher.AnythingBut(List.copyOf(excluded));
    }

    private static List<JsonNode> stringsOf(JsonNode arg, String path, String op) {
        List<JsonNode> out = new ArrayList<>();
        if (arg.isTextual()) {
            out.add(arg);
        } else if (arg.isArray() && arg.size() > 0) {
            for (JsonNode v : arg) {
                text(v, path, op);
                out.add(v);
            }
        } else {
            throw new InvalidEventPatternException(path, op + " must be a string or a non-empty list of strings, found " + describe(arg));
        }
        return out;
    }

    private static ValueMatcher numeric(JsonNode arg, String path) {
        if (!arg.isArray() || (arg.size() != 2 && arg.size() != 4)) {
            throw new InvalidEventPatternException(path,
                    "numeric must be an array [op, number] or [lower-op, number, upper-op, number], found " + arg);
        }
        String op1 = numericOperator(arg.get(0), path);
        BigDecimal v1 = numericValue(arg.get(1), path);
        if (arg.size() == 2) {
            switch (op1) {
                case "=":
                    return new ValueMatcher.Numeric(v1, true, v1, true);
                case "<":
                    return new ValueMatcher.Numeric(null, false, v1, false);
                case "<=":
                    return new ValueMatcher.Numeric(null, false, v1, true);
                case ">":
                    return new ValueMatcher.Numeric(v1, false, null, false);
                default: // ">="
                    return new ValueMatcher.Numeric(v1, true, null, false);
            }
        }
        String op2 = numericOperator(arg.get(2), path);
        BigDecimal v2 = numericValue(arg.get(3), path);
        if (!(op1.equals(">") || op1.equals(">=")) || !(op2.equals("<") || op2.equals("<="))) {
            throw new InvalidEventPatternException(path,
                    "a numeric range must be [\">\" or \">=\", low, \"<\" or \"<=\", high], found " + arg);
        }
        if (v1.compareTo(v2) >= 0) {
            throw new InvalidEventPatternException(path, "bottom must be less than top in numeric range " + arg);
        }
        return new ValueMatcher.Numeric(v1, op1.equals(">="), v2, op2.equals("<="));
    }

    private static String numericOperator(JsonNode op, String path) {
        if (op.isTextual()) {
            switch (op.textValue()) {
                case "=":
                case "<":
                case "<=":
                case ">":
                case ">=":
                    return op.textValue();
                default:
                    break;
            }
        }
        throw new InvalidEventPatternException(path, "numeric operator " + op + " is not one of =, <, <=, >, >=");
    }

    private static BigDecimal numericValue(JsonNode v, String path) {
        if (!v.isNumber()) {
            throw new InvalidEventPatternException(path, "numeric value must be a number, found " + describe(v));
        }
        checkNumber(v, path);
        return v.decimalValue();
    }

    private static void checkNumber(JsonNode v, String path) {
        if (v.decimalValue().abs().compareTo(NUMERIC_LIMIT) > 0) {
            throw new InvalidEventPatternException(path, "number " + v + " is outside -5.0E9..5.0E9");
        }
    }

    private static ValueMatcher cidr(String block, String path) {
        int slash = block.indexOf('/');
        String address = slash < 0 ? block : block.substring(0, slash);
        byte[] network = IpAddresses.parse(address);
        if (network == null) {
            throw new InvalidEventPatternException(path, "nonstandard IP address: " + block);
        }
        int max = network.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(block.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new InvalidEventPatternException(path, "CIDR prefix length must be 0.." + max + " in " + block);
            }
        }
        return new ValueMatcher.Cidr(block, network, prefix);
    }

    private static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "string " + v;
        }
        if (v.isNumber()) {
            return "number " + v;
        }
        if (v.isBoolean()) {
            return "boolean " + v;
        }
        if (v.isNull()) {
            return "null";
        }
        return v.getNodeType().name().toLowerCase() + " " + v;
    }
}

package dev.onebox.sfn.asl;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled JSONPath as the Amazon States Language uses it: {@code $...} on the state input,
 * {@code $$...} on the context object, {@code $name...} on a variable. Simple paths (fields,
 * indexes, wildcards, slices, deep scans) are evaluated by hand; filter expressions
 * ({@code [?(...)]}) are delegated to Jayway json-path.
 */
public final class Path {
    /** Marks "no value" (a missing field), distinct from JSON null. */
    public static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "<missing>";
        }
    };

    public enum Root { INPUT, CONTEXT, VARIABLE }

    private sealed interface Step permits Field, Index, Wildcard, Slice, Deep {
    }

    private record Field(String name) implements Step {
    }

    private record Index(int index) implements Step {
    }

    private record Wildcard() implements Step {
    }

    private record Slice(Integer start, Integer end, int step) implements Step {
    }

    private record Deep(String name) implements Step {
    }

    private static final Configuration JAYWAY = Configuration.builder()
            .jsonProvider(new JacksonJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    private final String text;
    private final Root root;
    private final String variable;
    private final Step[] steps;
    private final boolean definite;
    private final JsonPath jayway;

    private Path(String text, Root root, String variable, Step[] steps, boolean definite, JsonPath jayway) {
        this.text = text;
        this.root = root;
        this.variable = variable;
        this.steps = steps;
        this.definite = definite;
        this.jayway = jayway;
    }

    public String text() {
        return text;
    }

    public Root root() {
        return root;
    }

    public String variable() {
        return variable;
    }

    public boolean isDefinite() {
        return definite;
    }

    public boolean isRoot() {
        return steps.length == 0 && jayway == null;
    }

    public static boolean looksLikePath(String s) {
        return s != null && s.startsWith("$");
    }

    /** Compiles a path; throws IllegalArgumentException naming the path when it is malformed. */
    public static Path compile(String text) {
        if (text == null || !text.startsWith("$")) {
            throw new IllegalArgumentException("The value for the field must be a valid JSONPath: " + text);
        }
        Root root;
        String variable = null;
        int pos;
        if (text.startsWith("$$")) {
            root = Root.CONTEXT;
            pos = 2;
        } else if (text.length() > 1 && isIdentStart(text.charAt(1))) {
            root = Root.VARIABLE;
            int i = 1;
            while (i < text.length() && isIdentPart(text.charAt(i))) {
                i++;
            }
            variable = text.substring(1, i);
            pos = i;
        } else {
            root = Root.INPUT;
            pos = 1;
        }
        String rest = text.substring(pos).trim();
        if (rest.contains("[?") || rest.endsWith(")")) { // filters and functions (length(), min(), ...)
            try {
                JsonPath jp = JsonPath.compile("$" + rest);
                return new Path(text, root, variable, new Step[0], false, jp);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("The value for the field must be a valid JSONPath: " + text);
            }
        }
        List<Step> steps = new ArrayList<>();
        boolean definite = true;
        int i = 0;
        int n = rest.length();
        while (i < n) {
            char c = rest.charAt(i);
            if (c == '.') {
                if (i + 1 < n && rest.charAt(i + 1) == '.') {
                    i += 2;
                    int s = i;
                    if (i < n && rest.charAt(i) == '*') {
                        steps.add(new Deep(null));
                        i++;
                    } else {
                        while (i < n && rest.charAt(i) != '.' && rest.charAt(i) != '[') {
                            i++;
                        }
                        steps.add(new Deep(rest.substring(s, i)));
                    }
                    definite = false;
                    continue;
                }
                i++;
                if (i < n && rest.charAt(i) == '*') {
                    steps.add(new Wildcard());
                    definite = false;
                    i++;
                    continue;
                }
                int s = i;
                while (i < n && rest.charAt(i) != '.' && rest.charAt(i) != '[') {
                    i++;
                }
                if (s == i) {
                    throw new IllegalArgumentException("The value for the field must be a valid JSONPath: " + text);
                }
                steps.add(new Field(rest.substring(s, i)));
            } else if (c == '[') {
                int close = findClose(rest, i);
                if (close < 0) {
                    throw new IllegalArgumentException("The value for the field must be a valid JSONPath: " + text);
                }
                String inner = rest.substring(i + 1, close).trim();
                i = close + 1;
                if (inner.equals("*")) {
                    steps.add(new Wildcard());
                    definite = false;
                } else if (inner.startsWith("'") || inner.startsWith("\"")) {
                    String[] names = inner.split("\\s*,\\s*");
                    if (names.length > 1) {
                        throw new IllegalArgumentException("Unsupported JSONPath (multiple names): " + text);
                    }
                    steps.add(new Field(inner.substring(1, inner.length() - 1)));
                } else if (inner.contains(":")) {
                    String[] parts = inner.split(":", -1);
                    Integer start = parts[0].isBlank() ? null : Integer.valueOf(parts[0].trim());
                    Integer end = parts.length > 1 && !parts[1].isBlank() ? Integer.valueOf(parts[1].trim()) : null;
                    int step = parts.length > 2 && !parts[2].isBlank() ? Integer.parseInt(parts[2].trim()) : 1;
                    steps.add(new Slice(start, end, step));
                    definite = false;
                } else {
                    try {
                        steps.add(new Index(Integer.parseInt(inner)));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("The value for the field must be a valid JSONPath: " + text);
                    }
                }
            } else {
                throw new IllegalArgumentException("The value for the field must be a valid JSONPath: " + text);
            }
        }
        return new Path(text, root, variable, steps.toArray(new Step[0]), definite, null);
    }

    private static int findClose(String s, int open) {
        char quote = 0;
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ']') {
                return i;
            }
        }
        return -1;
    }

    static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Evaluates on a root value; returns {@link #MISSING} when a definite path finds nothing. */
    public Object read(Object rootValue) {
        if (jayway != null) {
            if (rootValue == MISSING) {
                return MISSING;
            }
            Object r = jayway.read(rootValue, JAYWAY);
            return r == null ? new ArrayList<>() : Json.normalize(r);
        }
        if (definite) {
            Object cur = rootValue;
            for (Step s : steps) {
                if (s instanceof Field f) {
                    if (cur instanceof Map<?, ?> m) {
                        Object v = m.get(f.name);
                        if (v == null && !m.containsKey(f.name)) {
                            return MISSING;
                        }
                        cur = v;
                    } else {
                        return MISSING;
                    }
                } else {
                    int idx = ((Index) s).index;
                    if (cur instanceof List<?> l) {
                        if (idx < 0) {
                            idx += l.size();
                        }
                        if (idx < 0 || idx >= l.size()) {
                            return MISSING;
                        }
                        cur = l.get(idx);
                    } else {
                        return MISSING;
                    }
                }
            }
            return cur;
        }
        List<Object> current = new ArrayList<>();
        current.add(rootValue);
        for (Step s : steps) {
            List<Object> next = new ArrayList<>();
            for (Object cur : current) {
                apply(s, cur, next);
            }
            current = next;
        }
        return current;
    }

    private static void apply(Step s, Object cur, List<Object> out) {
        if (s instanceof Field f) {
            if (cur instanceof Map<?, ?> m && m.containsKey(f.name)) {
                out.add(m.get(f.name));
            }
        } else if (s instanceof Index ix) {
            if (cur instanceof List<?> l) {
                int idx = ix.index < 0 ? ix.index + l.size() : ix.index;
                if (idx >= 0 && idx < l.size()) {
                    out.add(l.get(idx));
                }
            }
        } else if (s instanceof Wildcard) {
            if (cur instanceof Map<?, ?> m) {
                out.addAll(m.values());
            } else if (cur instanceof List<?> l) {
                out.addAll(l);
            }
        } else if (s instanceof Slice sl) {
            if (cur instanceof List<?> l) {
                int size = l.size();
                int start = sl.start == null ? 0 : sl.start < 0 ? Math.max(0, size + sl.start) : Math.min(sl.start, size);
                int end = sl.end == null ? size : sl.end < 0 ? Math.max(0, size + sl.end) : Math.min(sl.end, size);
                for (int i = start; i < end; i += Math.max(1, sl.step)) {
                    out.add(l.get(i));
                }
            }
        } else if (s instanceof Deep d) {
            deep(d.name, cur, out);
        }
    }

    private static void deep(String name, Object cur, List<Object> out) {
        if (cur instanceof Map<?, ?> m) {
            if (name == null) {
                out.addAll(m.values());
            } else if (m.containsKey(name)) {
                out.add(m.get(name));
            }
            for (Object v : m.values()) {
                deep(name, v, out);
            }
        } else if (cur instanceof List<?> l) {
            if (name == null) {
                out.addAll(l);
            }
            for (Object v : l) {
                deep(name, v, out);
            }
        }
    }

    /** The path in Jayway's bracket notation, as AWS quotes it in error causes. */
    public String bracketNotation() {
        if (jayway != null) {
            return jayway.getPath();
        }
        StringBuilder sb = new StringBuilder("$");
        for (Step s : steps) {
            if (s instanceof Field f) {
                sb.append("['").append(f.name).append("']");
            } else if (s instanceof Index i) {
                sb.append('[').append(i.index).append(']');
            } else if (s instanceof Wildcard) {
                sb.append("[*]");
            } else if (s instanceof Slice sl) {
                sb.append('[').append(sl.start == null ? "" : sl.start).append(':')
                        .append(sl.end == null ? "" : sl.end).append(']');
            } else if (s instanceof Deep d) {
                sb.append("..").append(d.name == null ? "*" : "['" + d.name + "']");
            }
        }
        return sb.toString();
    }

    /**
     * Returns a copy of {@code target} with {@code value} placed at this (definite, field-only)
     * path; missing objects along the way are created. Used by ResultPath.
     */
    @SuppressWarnings("unchecked")
    public Object set(Object target, Object value) {
        if (steps.length == 0) {
            return value;
        }
        if (!definite || jayway != null) {
            throw SfnException.runtime("Invalid ResultPath: " + text);
        }
        return setAt(target, 0, value);
    }

    @SuppressWarnings("unchecked")
    private Object setAt(Object cur, int i, Object value) {
        if (i == steps.length) {
            return value;
        }
        Step s = steps[i];
        if (s instanceof Field f) {
            Map<String, Object> copy;
            if (cur instanceof Map<?, ?> m) {
                copy = new LinkedHashMap<>((Map<String, Object>) m);
            } else if (cur == null || cur == MISSING) {
                copy = new LinkedHashMap<>();
            } else {
                throw new SfnException(Errors.RESULT_PATH_MATCH_FAILURE,
                        "Unable to apply ResultPath \"" + text + "\" to input " + Json.write(cur));
            }
            Object child = copy.containsKey(f.name) ? copy.get(f.name) : MISSING;
            copy.put(f.name, setAt(child, i + 1, value));
            return copy;
        }
        int idx = ((Index) s).index;
        if (cur instanceof List<?> l && idx >= 0 && idx < l.size()) {
            List<Object> copy = new ArrayList<>(l);
            copy.set(idx, setAt(l.get(idx), i + 1, value));
            return copy;
        }
        throw new SfnException(Errors.RESULT_PATH_MATCH_FAILURE,
                "Unable to apply ResultPath \"" + text + "\" to input " + Json.write(cur));
    }

    @Override
    public String toString() {
        return text;
    }
}

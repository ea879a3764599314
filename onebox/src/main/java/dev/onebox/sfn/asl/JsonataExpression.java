package dev.onebox.sfn.asl;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A JSONata expression written as {@code {% ... %}}, compiled once with com.dashjoin:jsonata.
 * Evaluation binds {@code $states} and the workflow variables, and adds the functions Step
 * Functions adds to JSONata ($partition, $range, $hash, $random, $uuid, $parse).
 */
public final class JsonataExpression {
    private final String source;
    private final String field;
    private final ThreadLocal<Jsonata> compiled;

    private JsonataExpression(String source, String field) {
        this.source = source;
        this.field = field;
        Jsonata first = create(source);
        this.compiled = ThreadLocal.withInitial(() -> create(source));
        this.compiled.set(first);
    }

    private static Jsonata create(String source) {
        Jsonata j = Jsonata.jsonata(source);
        j.setOutputConvertNulls(false);
        j.registerFunction("partition", (Jsonata.Fn2<List<Object>, Number, Object>) JsonataExpression::partition);
        j.registerFunction("range", Jsonata.function("range", (Jsonata.Fn3<Number, Number, Number, Object>) JsonataExpression::range, "<nnn:a>"));
        j.registerFunction("hash", (Jsonata.Fn2<Object, String, Object>) JsonataExpression::hash);
        j.registerFunction("random", Jsonata.function("random", (Jsonata.FnVarArgs<Object>) args -> {
            Random r = args.isEmpty() || args.get(0) == null ? ThreadLocalRandom.current()
                    : new Random(((Number) args.get(0)).longValue());
            return r.nextDouble();
        }, null));
        j.registerFunction("uuid", (Jsonata.Fn0<Object>) () -> UUID.randomUUID().toString());
        j.registerFunction("parse", (Jsonata.Fn1<String, Object>) s -> Json.parse(s));
        return j;
    }

    public static boolean isExpression(Object v) {
        return v instanceof String s && s.length() >= 4 && s.startsWith("{%") && s.endsWith("%}");
    }

    /** Compiles {@code {% expr %}}; field names the definition field, for error causes. */
    public static JsonataExpression compile(String text, String field) {
        String src = text.substring(2, text.length() - 2).trim();
        String illegal = illegalRootReference(src);
        if (illegal != null) {
            throw new IllegalArgumentException("The JSONata expression '" + src + "' specified for the field '" + field
                    + "' uses '" + illegal + "', which Step Functions does not allow; use $states.input or $states.context");
        }
        try {
            return new JsonataExpression(src, field);
        } catch (JException | IllegalArgumentException e) {
            throw new IllegalArgumentException("The JSONata expression '" + src + "' specified for the field '"
                    + field + "' is invalid: " + e.getMessage());
        }
    }

    /** "$" or "$$" used on their own (not as a variable or function name), outside string literals. */
    static String illegalRootReference(String src) {
        char quote = 0;
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                continue;
            }
            if (c != '$' || i > 0 && src.charAt(i - 1) == '\\') {
                continue;
            }
            int j = i + 1;
            boolean dollars = j < src.length() && src.charAt(j) == '$';
            if (dollars) {
                j++;
            }
            boolean ident = j < src.length() && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_');
            if (!ident) {
                return dollars ? "$$" : "$";
            }
            i = j;
        }
        return null;
    }

    public String source() {
        return source;
    }

    public String field() {
        return field;
    }

    /** Evaluates; returns {@link Path#MISSING} when the expression yields nothing (undefined). */
    public Object evaluate(Map<String, Object> states, Variables variables) {
        Jsonata j = compiled.get();
        Jsonata.Frame frame = j.createFrame();
        frame.bind("states", states);
        if (variables != null) {
            variables.bindInto(frame);
        }
        Object r;
        try {
            r = j.evaluate(null, frame);
        } catch (JException e) {
            throw SfnException.query("The JSONata expression '" + source + "' specified for the field '" + field
                    + "' threw an error during evaluation. " + e.getMessage());
        } catch (RuntimeException e) {
            throw SfnException.query("The JSONata expression '" + source + "' specified for the field '" + field
                    + "' threw an error during evaluation. " + e.getMessage());
        }
        if (r == null) {
            return Path.MISSING;
        }
        try {
            return fromJsonata(r);
        } catch (UnsupportedResult e) {
            throw SfnException.query("The JSONata expression '" + source + "' specified for the field '" + field
                    + "' returned an unsupported result type.");
        }
    }

    /** Converts a JSONata result into the value model (its null marker becomes null). */
    static Object fromJsonata(Object v) {
        if (v == Jsonata.NULL_VALUE || v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), fromJsonata(e.getValue()));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(fromJsonata(o));
            }
            return out;
        }
        if (v instanceof Number) {
            return Json.normalize(v);
        }
        if (v instanceof String || v instanceof Boolean) {
            return v;
        }
        throw new UnsupportedResult();
    }

    /** A result that is not JSON (e.g. a function). */
    private static final class UnsupportedResult extends RuntimeException {
        UnsupportedResult() {
            super(null, null, false, false);
        }
    }

    private static Object partition(List<Object> list, Number size) {
        int n = size.intValue();
        if (list == null || n <= 0) {
            throw new IllegalArgumentException("$partition needs an array and a positive size");
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += n) {
            out.add(new ArrayList<>(list.subList(i, Math.min(list.size(), i + n))));
        }
        return out;
    }

    private static Object range(Number start, Number end, Number step) {
        List<Object> out = new ArrayList<>();
        long s = start.longValue();
        long e = end.longValue();
        long st = step.longValue();
        if (st == 0) {
            throw new IllegalArgumentException("$range step must not be 0");
        }
        for (long i = s; st > 0 ? i <= e : i >= e; i += st) {
            out.add(i);
            if (out.size() > 1000) {
                throw new IllegalArgumentException("$range produces more than 1000 items");
            }
        }
        // a one-item JSONata sequence is its item
        return out.size() == 1 ? out.get(0) : out;
    }

    private static Object hash(Object data, String algorithm) {
        try {
            String s = data instanceof String str ? str : Json.write(fromJsonata(data));
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unsupported hash algorithm " + algorithm);
        }
    }

    /** JSONata in Java works on doubles; BigDecimal inputs are fine but pass through as they are. */
    static Object toJsonata(Object v) {
        if (v instanceof BigDecimal bd) {
            return bd.doubleValue();
        }
        return v;
    }
}

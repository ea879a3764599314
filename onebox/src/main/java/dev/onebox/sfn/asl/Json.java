package dev.onebox.sfn.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The executor's value model: plain Java values as Jackson reads them — {@code LinkedHashMap}
 * objects, {@code ArrayList} arrays, {@code String}, {@code Number}, {@code Boolean} and
 * {@code null}. Values are treated as immutable once produced, so they are shared between
 * states without copying; only {@link #setPath} copies the spine it changes.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Converts values coming from outside (JSONata, handlers) into the value model. */
    @SuppressWarnings("unchecked")
    public static Object normalize(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>(m.size() * 2);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), normalize(e.getValue()));
            }
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(normalize(o));
            }
            return out;
        }
        if (value instanceof Float f) {
            return normalize(f.doubleValue());
        }
        if (value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value instanceof Object[] arr) {
            return normalize(List.of(arr));
        }
        return value;
    }

    /** Integral values become Integer/Long/BigInteger, others stay BigDecimal. */
    public static Number numberOf(BigDecimal bd) {
        if (bd.signum() == 0) {
            return bd.scale() > 0 ? (Number) bd : Integer.valueOf(0);
        }
        if (bd.scale() <= 0 || bd.stripTrailingZeros().scale() <= 0) {
            if (bd.scale() > 0) {
                return bd; // keep 1.0 as written
            }
            BigInteger bi = bd.toBigIntegerExact();
            if (bi.bitLength() < 32) {
                return bi.intValue();
            }
            if (bi.bitLength() < 64) {
                return bi.longValue();
            }
            return bi;
        }
        return bd;
    }

    public static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal bd) {
            return bd;
        }
        if (n instanceof Integer || n instanceof Long) {
            return BigDecimal.valueOf(n.longValue());
        }
        if (n instanceof BigInteger bi) {
            return new BigDecimal(bi);
        }
        return BigDecimal.valueOf(n.doubleValue());
    }

    /** The JSON type name of a value, as AWS error messages use it. */
    public static String typeName(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "object";
        }
        if (v instanceof List) {
            return "array";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Number) {
            return "number";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        return v.getClass().getSimpleName();
    }

    public static boolean isIntegral(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            return true;
        }
        if (v instanceof BigDecimal bd) {
            return bd.signum() == 0 || bd.stripTrailingZeros().scale() <= 0;
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && !d.isInfinite();
        }
        return false;
    }

    /** JSON value equality: numbers by value, objects regardless of key order. */
    public static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y)) == 0;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            while (i.hasNext()) {
                if (!equal(i.next(), j.next())) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    public static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /**
     * A value whose JSON text is written only when asked for (history events keep the value,
     * which is immutable, instead of serializing every state's input and output eagerly).
     */
    public static final class Lazy {
        private final Object value;
        private volatile String text;

        Lazy(Object value) {
            this.value = value;
        }

        @com.fasterxml.jackson.annotation.JsonValue
        @Override
        public String toString() {
            String t = text;
            if (t == null) {
                t = write(value);
                text = t;
            }
            return t;
        }
    }

    public static Lazy lazy(Object value) {
        return new Lazy(value);
    }

}

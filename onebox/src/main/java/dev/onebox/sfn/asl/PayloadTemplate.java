package dev.onebox.sfn.asl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled payload template (Parameters, ResultSelector, ItemSelector, Assign, Arguments,
 * Output): constant parts are kept as they are, dynamic parts ({@code "key.$"} paths and
 * intrinsic functions, or {@code {% %}} JSONata expressions) are compiled once.
 */
public sealed interface PayloadTemplate {
    Object evaluate(Scope scope);

    /** Whether the template is a constant (so it can be evaluated once). */
    default boolean isConstant() {
        return false;
    }

    record Constant(Object value) implements PayloadTemplate {
        @Override
        public Object evaluate(Scope scope) {
            return value;
        }

        @Override
        public boolean isConstant() {
            return true;
        }
    }

    record PathValue(String field, Path path) implements PayloadTemplate {
        @Override
        public Object evaluate(Scope scope) {
            Object v = scope.read(path);
            if (v == Path.MISSING) {
                throw SfnException.runtime("The JSONPath '" + path.text() + "' specified for the field '" + field
                        + "' could not be found in the input '" + Json.write(scope.input()) + "'");
            }
            return v;
        }
    }

    record IntrinsicValue(String field, Intrinsic function) implements PayloadTemplate {
        @Override
        public Object evaluate(Scope scope) {
            return function.evaluate(scope::read);
        }
    }

    record JsonataValue(JsonataExpression expression) implements PayloadTemplate {
        @Override
        public Object evaluate(Scope scope) {
            Object v = expression.evaluate(scope.states(), scope.variables());
            if (v == Path.MISSING) {
                throw SfnException.query("The JSONata expression '" + expression.source()
                        + "' specified for the field '" + expression.field() + "' returned nothing (undefined).");
            }
            return v;
        }
    }

    record ObjectValue(String[] keys, PayloadTemplate[] values) implements PayloadTemplate {
        @Override
        public Object evaluate(Scope scope) {
            Map<String, Object> out = new LinkedHashMap<>(keys.length * 2);
            for (int i = 0; i < keys.length; i++) {
                out.put(keys[i], values[i].evaluate(scope));
            }
            return out;
        }
    }

    record ArrayValue(PayloadTemplate[] values) implements PayloadTemplate {
        @Override
        public Object evaluate(Scope scope) {
            List<Object> out = new ArrayList<>(values.length);
            for (PayloadTemplate t : values) {
                out.add(t.evaluate(scope));
            }
            return out;
        }
    }

    /** JSONPath payload template: keys ending in ".$" hold a path or an intrinsic function. */
    static PayloadTemplate jsonPath(Object value, String field) {
        if (value instanceof Map<?, ?> m) {
            List<String> keys = new ArrayList<>();
            List<PayloadTemplate> values = new ArrayList<>();
            boolean constant = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = (String) e.getKey();
                PayloadTemplate t;
                if (key.endsWith(".$") && key.length() > 2) {
                    if (!(e.getValue() instanceof String s)) {
                        throw new IllegalArgumentException("The value for the field '" + key
                                + "' must be a STRING that contains a JSONPath or an intrinsic function at /" + field);
                    }
                    key = key.substring(0, key.length() - 2);
                    t = dynamic(s, e.getKey().toString(), field);
                } else {
                    t = jsonPath(e.getValue(), field + "/" + key);
                }
                constant &= t.isConstant();
                keys.add(key);
                values.add(t);
            }
            if (constant) {
                return new Constant(value);
            }
            return new ObjectValue(keys.toArray(new String[0]), values.toArray(new PayloadTemplate[0]));
        }
        if (value instanceof List<?> l) {
            List<PayloadTemplate> values = new ArrayList<>();
            boolean constant = true;
            int i = 0;
            for (Object o : l) {
                PayloadTemplate t = jsonPath(o, field + "[" + i++ + "]");
                constant &= t.isConstant();
                values.add(t);
            }
            return constant ? new Constant(value) : new ArrayValue(values.toArray(new PayloadTemplate[0]));
        }
        return new Constant(value);
    }

    /** A ".$" value: a path ($, $$, $var) or an intrinsic function. */
    static PayloadTemplate dynamic(String text, String key, String field) {
        if (Intrinsic.looksLikeIntrinsic(text)) {
            try {
                return new IntrinsicValue(key, Intrinsic.compile(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The value for the field '" + key
                        + "' must be a valid JSONPath or a valid intrinsic function call (" + e.getMessage() + ") at /" + field);
            }
        }
        try {
            return new PathValue(key, Path.compile(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The value for the field '" + key
                    + "' must be a valid JSONPath or a valid intrinsic function call at /" + field);
        }
    }

    /** JSONata template: strings written {% ... %} are expressions, the rest is constant. */
    static PayloadTemplate jsonata(Object value, String field) {
        if (JsonataExpression.isExpression(value)) {
            return new JsonataValue(JsonataExpression.compile((String) value, field));
        }
        if (value instanceof Map<?, ?> m) {
            List<String> keys = new ArrayList<>();
            List<PayloadTemplate> values = new ArrayList<>();
            boolean constant = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = (String) e.getKey();
                PayloadTemplate t = jsonata(e.getValue(), field + "/" + key);
                constant &= t.isConstant();
                keys.add(key);
                values.add(t);
            }
            return constant ? new Constant(value)
                    : new ObjectValue(keys.toArray(new String[0]), values.toArray(new PayloadTemplate[0]));
        }
        if (value instanceof List<?> l) {
            List<PayloadTemplate> values = new ArrayList<>();
            boolean constant = true;
            int i = 0;
            for (Object o : l) {
                PayloadTemplate t = jsonata(o, field + "[" + i++ + "]");
                constant &= t.isConstant();
                values.add(t);
            }
            return constant ? new Constant(value) : new ArrayValue(values.toArray(new PayloadTemplate[0]));
        }
        return new Constant(value);
    }
}

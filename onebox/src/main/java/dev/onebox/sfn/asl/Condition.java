package dev.onebox.sfn.asl;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A compiled Choice rule condition (JSONPath comparison operators, And/Or/Not, or JSONata). */
public sealed interface Condition {
    boolean test(Scope scope);

    record And(Condition[] all) implements Condition {
        @Override
        public boolean test(Scope scope) {
            for (Condition c : all) {
                if (!c.test(scope)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(Condition[] any) implements Condition {
        @Override
        public boolean test(Scope scope) {
            for (Condition c : any) {
                if (c.test(scope)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(Condition inner) implements Condition {
        @Override
        public boolean test(Scope scope) {
            return !inner.test(scope);
        }
    }

    record JsonataCondition(JsonataExpression expression) implements Condition {
        @Override
        public boolean test(Scope scope) {
            Object v = expression.evaluate(scope.states(), scope.variables());
            if (v instanceof Boolean b) {
                return b;
            }
            if (v == Path.MISSING) {
                throw SfnException.query("The JSONata expression '" + expression.source()
                        + "' specified for the field 'Condition' returned nothing (undefined).");
            }
            throw SfnException.query("The JSONata expression '" + expression.source()
                    + "' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '"
                    + Json.typeName(v) + "' for value: " + Json.write(v));
        }
    }

    /** {@code Variable} compared with a literal or with the value at a second path. */
    record Comparison(Path variable, String operator, Object literal, Path valuePath) implements Condition {
        @Override
        public boolean test(Scope scope) {
            Object v = scope.read(variable);
            if (operator.equals("IsPresent")) {
                return (v != Path.MISSING) == (Boolean) literal;
            }
            if (v == Path.MISSING) {
                throw SfnException.runtime("Invalid path '" + variable.text()
                        + "': The choice state's condition path references an invalid value.");
            }
            Object expected = literal;
            if (valuePath != null) {
                expected = scope.read(valuePath);
                if (expected == Path.MISSING) {
                    throw SfnException.runtime("Invalid path '" + valuePath.text()
                            + "': The choice state's condition path references an invalid value.");
                }
            }
            String op = valuePath != null ? operator.substring(0, operator.length() - 4) : operator;
            switch (op) {
                case "IsNull":
                    return (v == null) == (Boolean) expected;
                case "IsNumeric":
                    return (v instanceof Number) == (Boolean) expected;
                case "IsString":
                    return (v instanceof String) == (Boolean) expected;
                case "IsBoolean":
                    return (v instanceof Boolean) == (Boolean) expected;
                case "IsTimestamp":
                    return (v instanceof String s && timestamp(s) != null) == (Boolean) expected;
                case "BooleanEquals":
                    return v instanceof Boolean && expected instanceof Boolean && v.equals(expected);
                case "StringMatches":
                    return v instanceof String s && expected instanceof String p && wildcard(p).matcher(s).matches();
                default:
                    break;
            }
            if (op.startsWith("String")) {
                if (!(v instanceof String a) || !(expected instanceof String b)) {
                    return false;
                }
                return compare(op.substring(6), a.compareTo(b));
            }
            if (op.startsWith("Numeric")) {
                if (!(v instanceof Number a) || !(expected instanceof Number b)) {
                    return false;
                }
                return compare(op.substring(7), Json.decimal(a).compareTo(Json.decimal(b)));
            }
            if (op.startsWith("Timestamp")) {
                if (!(v instanceof String a) || !(expected instanceof String b)) {
                    return false;
                }
                OffsetDateTime x = timestamp(a);
                OffsetDateTime y = timestamp(b);
                if (x == null || y == null) {
                    return false;
                }
                return compare(op.substring(9), x.toInstant().compareTo(y.toInstant()));
            }
            throw SfnException.runtime("Unsupported Choice operator " + operator);
        }

        private static boolean compare(String kind, int c) {
            switch (kind) {
                case "Equals":
                    return c == 0;
                case "LessThan":
                    return c < 0;
                case "GreaterThan":
                    return c > 0;
                case "LessThanEquals":
                    return c <= 0;
                case "GreaterThanEquals":
                    return c >= 0;
                default:
                    throw SfnException.runtime("Unsupported comparison " + kind);
            }
        }
    }

    /** RFC 3339 timestamps as Step Functions accepts them (an upper-case T, an offset or Z). */
    static OffsetDateTime timestamp(String s) {
        if (s.length() < 20 || s.charAt(10) != 'T') {
            return null;
        }
        try {
            return OffsetDateTime.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** StringMatches: '*' is a wildcard, '\*' and '\\' escape. */
    static Pattern wildcard(String p) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                re.append(Pattern.quote(String.valueOf(p.charAt(++i))));
            } else if (c == '*') {
                re.append(".*");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    List<String> OPERATORS = List.of("StringEquals", "StringLessThan", "StringGreaterThan",
            "StringLessThanEquals", "StringGreaterThanEquals", "StringMatches", "NumericEquals",
            "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
            "BooleanEquals", "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan",
            "TimestampLessThanEquals", "TimestampGreaterThanEquals", "IsNull", "IsPresent", "IsNumeric",
            "IsString", "IsBoolean", "IsTimestamp");

    /** Compiles a JSONPath-mode rule; {@code at} is the definition location for errors. */
    static Condition compileJsonPath(Map<?, ?> rule, String at, List<String> problems) {
        if (rule.containsKey("And") || rule.containsKey("Or")) {
            String key = rule.containsKey("And") ? "And" : "Or";
            if (!(rule.get(key) instanceof List<?> list) || list.isEmpty()) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field '" + key + "' must be a non-empty array at " + at + "/" + key);
                return new Or(new Condition[0]);
            }
            List<Condition> cs = new ArrayList<>();
            int i = 0;
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    cs.add(compileJsonPath(m, at + "/" + key + "[" + i + "]", problems));
                }
                i++;
            }
            Condition[] arr = cs.toArray(new Condition[0]);
            return key.equals("And") ? new And(arr) : new Or(arr);
        }
        if (rule.containsKey("Not")) {
            if (!(rule.get("Not") instanceof Map<?, ?> m)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field 'Not' must be an object at " + at + "/Not");
                return new Or(new Condition[0]);
            }
            return new Not(compileJsonPath(m, at + "/Not", problems));
        }
        Object variable = rule.get("Variable");
        if (!(variable instanceof String vs)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The Choice rule must have a 'Variable' field at " + at);
            return new Or(new Condition[0]);
        }
        Path vp;
        try {
            vp = Path.compile(vs);
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Variable' must be a valid JSONPath at " + at + "/Variable");
            return new Or(new Condition[0]);
        }
        for (Map.Entry<?, ?> e : rule.entrySet()) {
            String key = (String) e.getKey();
            if (OPERATORS.contains(key)) {
                Object lit = e.getValue();
                if (!literalTypeOk(key, lit)) {
                    problems.add("SCHEMA_VALIDATION_FAILED: The value for the field '" + key
                            + "' has the wrong type at " + at + "/" + key);
                }
                return new Comparison(vp, key, lit, null);
            }
            if (key.endsWith("Path") && OPERATORS.contains(key.substring(0, key.length() - 4))) {
                if (!(e.getValue() instanceof String p) || !Path.looksLikePath(p)) {
                    problems.add("SCHEMA_VALIDATION_FAILED: The value for the field '" + key
                            + "' must be a valid JSONPath at " + at + "/" + key);
                    return new Or(new Condition[0]);
                }
                return new Comparison(vp, key, null, Path.compile(p));
            }
        }
        problems.add("SCHEMA_VALIDATION_FAILED: The Choice rule has no comparison operator at " + at);
        return new Or(new Condition[0]);
    }

    private static boolean literalTypeOk(String op, Object lit) {
        if (op.startsWith("Is") || op.equals("BooleanEquals")) {
            return lit instanceof Boolean;
        }
        if (op.startsWith("Numeric")) {
            return lit instanceof Number;
        }
        return lit instanceof String;
    }
}

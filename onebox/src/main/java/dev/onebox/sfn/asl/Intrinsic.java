package dev.onebox.sfn.asl;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A compiled intrinsic function call, {@code States.Name(arg, ...)}. Hand-written: the
 * grammar (quoted literals with \-escapes, nested calls, path arguments) and the semantics
 * (e.g. States.Format prints objects the way AWS's Java implementation does) have no library.
 */
public final class Intrinsic {
    /** One argument: a literal, a path, or a nested call. */
    private sealed interface Arg permits Literal, PathArg, Call {
    }

    private record Literal(Object value) implements Arg {
    }

    private record PathArg(Path path) implements Arg {
    }

    private record Call(String name, Arg[] args) implements Arg {
    }

    private static final List<String> NAMES = List.of("States.Format", "States.StringToJson",
            "States.JsonToString", "States.Array", "States.ArrayPartition", "States.ArrayContains",
            "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength", "States.ArrayUnique",
            "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge",
            "States.MathRandom", "States.MathAdd", "States.StringSplit", "States.UUID");

    private final String text;
    private final Call call;

    private Intrinsic(String text, Call call) {
        this.text = text;
        this.call = call;
    }

    public String text() {
        return text;
    }

    public static boolean looksLikeIntrinsic(String s) {
        return s != null && s.startsWith("States.") && s.contains("(");
    }

    public static Intrinsic compile(String text) {
        Parser p = new Parser(text);
        Arg a = p.parseCall();
        p.skipWs();
        if (p.pos != text.length()) {
            throw new IllegalArgumentException("Unexpected text after intrinsic function: " + text);
        }
        return new Intrinsic(text, (Call) a);
    }

    public Object evaluate(Function<Path, Object> reader) {
        return eval(call, reader);
    }

    private Object eval(Arg arg, Function<Path, Object> reader) {
        if (arg instanceof Literal l) {
            return l.value;
        }
        if (arg instanceof PathArg p) {
            Object v = reader.apply(p.path);
            if (v == Path.MISSING) {
                throw SfnException.runtime("The JsonPath argument for the field '" + p.path.text()
                        + "' could not be found in the input of the intrinsic function " + text);
            }
            return v;
        }
        Call c = (Call) arg;
        Object[] values = new Object[c.args.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = eval(c.args[i], reader);
        }
        return apply(c.name, values);
    }

    private Object apply(String name, Object[] a) {
        switch (name) {
            case "States.Format": {
                String fmt = str(name, a, 0);
                StringBuilder sb = new StringBuilder();
                int arg = 1;
                for (int i = 0; i < fmt.length(); i++) {
                    char ch = fmt.charAt(i);
                    if (ch == '{' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
                        if (arg >= a.length) {
                            throw SfnException.intrinsic("Number of arguments for the function 'States.Format' do not match the number of placeholders");
                        }
                        sb.append(display(a[arg++]));
                        i++;
                    } else {
                        sb.append(ch);
                    }
                }
                if (arg != a.length) {
                    throw SfnException.intrinsic("Number of arguments for the function 'States.Format' do not match the number of placeholders");
                }
                return sb.toString();
            }
            case "States.StringToJson": {
                String s = str(name, a, 0);
                if (s.isBlank()) {
                    return null;
                }
                try {
                    return Json.parse(s);
                } catch (IllegalArgumentException e) {
                    throw SfnException.intrinsic("Invalid JSON string for States.StringToJson: " + s);
                }
            }
            case "States.JsonToString":
                arity(name, a, 1);
                return Json.write(a[0]);
            case "States.Array":
                return new ArrayList<>(java.util.Arrays.asList(a));
            case "States.ArrayPartition": {
                List<?> arr = list(name, a, 0);
                int size = integer(name, a, 1);
                if (size <= 0) {
                    throw SfnException.intrinsic("The chunk size for States.ArrayPartition must be positive");
                }
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < arr.size(); i += size) {
                    out.add(new ArrayList<>(arr.subList(i, Math.min(arr.size(), i + size))));
                }
                return out;
            }
            case "States.ArrayContains": {
                List<?> arr = list(name, a, 0);
                arity(name, a, 2);
                for (Object o : arr) {
                    if (Json.equal(o, a[1])) {
                        return true;
                    }
                }
                return false;
            }
            case "States.ArrayRange": {
                arity(name, a, 3);
                int start = integer(name, a, 0);
                int end = integer(name, a, 1);
                int step = integer(name, a, 2);
                if (step == 0) {
                    throw SfnException.intrinsic("The step for States.ArrayRange must not be 0");
                }
                List<Object> out = new ArrayList<>();
                for (long i = start; step > 0 ? i <= end : i >= end; i += step) {
                    out.add((int) i);
                    if (out.size() > 1000) {
                        throw SfnException.intrinsic("States.ArrayRange produces more than 1000 items");
                    }
                }
                return out;
            }
            case "States.ArrayGetItem": {
                List<?> arr = list(name, a, 0);
                int idx = integer(name, a, 1);
                if (idx < 0 || idx >= arr.size()) {
                    throw SfnException.intrinsic("Index " + idx + " is out of bounds for States.ArrayGetItem");
                }
                return arr.get(idx);
            }
            case "States.ArrayLength":
                return list(name, a, 0).size();
            case "States.ArrayUnique": {
                List<?> arr = list(name, a, 0);
                List<Object> out = new ArrayList<>();
                for (Object o : arr) {
                    boolean seen = false;
                    for (Object p : out) {
                        if (Json.equal(o, p)) {
                            seen = true;
                            break;
                        }
                    }
                    if (!seen) {
                        out.add(o);
                    }
                }
                return out;
            }
            case "States.Base64Encode":
                return Base64.getEncoder().encodeToString(str(name, a, 0).getBytes(StandardCharsets.UTF_8));
            case "States.Base64Decode":
                try {
                    return new String(Base64.getDecoder().decode(str(name, a, 0)), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw SfnException.intrinsic("Invalid base64 input for States.Base64Decode");
                }
            case "States.Hash": {
                String data = a.length > 0 && a[0] != null && !(a[0] instanceof String) ? Json.write(a[0]) : str(name, a, 0);
                String algorithm = str(name, a, 1);
                if (!List.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512").contains(algorithm)) {
                    throw SfnException.intrinsic("The hashing algorithm '" + algorithm
                            + "' is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512");
                }
                try {
                    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                            .digest(data.getBytes(StandardCharsets.UTF_8)));
                } catch (NoSuchAlgorithmException e) {
                    throw SfnException.intrinsic(e.getMessage());
                }
            }
            case "States.JsonMerge": {
                arity(name, a, 3);
                if (!(a[0] instanceof Map<?, ?> x) || !(a[1] instanceof Map<?, ?> y)) {
                    throw SfnException.intrinsic("The arguments of States.JsonMerge must be JSON objects");
                }
                if (Boolean.TRUE.equals(a[2])) {
                    throw SfnException.intrinsic("States.JsonMerge supports only shallow merge (false)");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) x);
                for (Map.Entry<?, ?> e : y.entrySet()) {
                    out.put((String) e.getKey(), e.getValue());
                }
                return out;
            }
            case "States.MathRandom": {
                int start = integer(name, a, 0);
                int end = integer(name, a, 1);
                Random r = a.length > 2 ? new Random(integer(name, a, 2)) : ThreadLocalRandom.current();
                return start + r.nextInt(Math.max(1, end - start));
            }
            case "States.MathAdd": {
                arity(name, a, 2);
                return Json.numberOf(BigDecimal.valueOf(rounded(name, a[0]) + rounded(name, a[1])));
            }
            case "States.StringSplit": {
                String s = str(name, a, 0);
                String delims = str(name, a, 1);
                List<Object> out = new ArrayList<>();
                StringBuilder cur = new StringBuilder();
                for (int i = 0; i < s.length(); i++) {
                    char ch = s.charAt(i);
                    if (delims.indexOf(ch) >= 0) {
                        if (cur.length() > 0) {
                            out.add(cur.toString());
                        }
                        cur.setLength(0);
                    } else {
                        cur.append(ch);
                    }
                }
                if (cur.length() > 0) {
                    out.add(cur.toString());
                }
                return out;
            }
            case "States.UUID":
                return UUID.randomUUID().toString();
            default:
                throw SfnException.intrinsic("Unknown intrinsic function " + name);
        }
    }

    /** How States.Format prints an argument: strings as they are, others as Java prints them. */
    static String display(Object v) {
        if (v instanceof BigDecimal bd) {
            return bd.toPlainString();
        }
        return String.valueOf(v);
    }

    private static long rounded(String name, Object v) {
        if (!(v instanceof Number n)) {
            throw SfnException.intrinsic("The arguments of " + name + " must be numbers, got " + Json.typeName(v));
        }
        return Math.round(n.doubleValue());
    }

    private static void arity(String name, Object[] a, int n) {
        if (a.length != n) {
            throw SfnException.intrinsic("The function " + name + " takes " + n + " arguments, got " + a.length);
        }
    }

    private static String str(String name, Object[] a, int i) {
        if (i >= a.length || !(a[i] instanceof String s)) {
            throw SfnException.intrinsic("The argument " + (i + 1) + " of " + name + " must be a string");
        }
        return s;
    }

    private static List<?> list(String name, Object[] a, int i) {
        if (i >= a.length || !(a[i] instanceof List<?> l)) {
            throw SfnException.intrinsic("The argument " + (i + 1) + " of " + name + " must be an array");
        }
        return l;
    }

    private static int integer(String name, Object[] a, int i) {
        if (i >= a.length || !(a[i] instanceof Number n) || !Json.isIntegral(n)) {
            throw SfnException.intrinsic("The argument " + (i + 1) + " of " + name + " must be an integer");
        }
        return n.intValue();
    }

    /** Recursive-descent parser for the intrinsic function grammar. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        void skipWs() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at position " + pos + " in intrinsic function " + s);
        }

        Arg parseCall() {
            skipWs();
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                pos++;
            }
            String name = s.substring(start, pos);
            if (!NAMES.contains(name)) {
                throw error("Unknown function '" + name + "'");
            }
            skipWs();
            if (pos >= s.length() || s.charAt(pos) != '(') {
                throw error("Expected '('");
            }
            pos++;
            List<Arg> args = new ArrayList<>();
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ')') {
                pos++;
                return new Call(name, new Arg[0]);
            }
            while (true) {
                args.add(parseArg());
                skipWs();
                if (pos >= s.length()) {
                    throw error("Expected ')'");
                }
                char c = s.charAt(pos++);
                if (c == ')') {
                    break;
                }
                if (c != ',') {
                    throw error("Expected ',' or ')'");
                }
            }
            return new Call(name, args.toArray(new Arg[0]));
        }

        Arg parseArg() {
            skipWs();
            if (pos >= s.length()) {
                throw error("Expected an argument");
            }
            char c = s.charAt(pos);
            if (c == '\'') {
                pos++;
                StringBuilder sb = new StringBuilder();
                while (true) {
                    if (pos >= s.length()) {
                        throw error("Unterminated string");
                    }
                    char ch = s.charAt(pos++);
                    if (ch == '\\' && pos < s.length()) {
                        sb.append(s.charAt(pos++));
                    } else if (ch == '\'') {
                        break;
                    } else {
                        sb.append(ch);
                    }
                }
                return new Literal(sb.toString());
            }
            if (c == '$') {
                int start = pos;
                int depth = 0;
                char quote = 0;
                while (pos < s.length()) {
                    char ch = s.charAt(pos);
                    if (quote != 0) {
                        if (ch == quote) {
                            quote = 0;
                        }
                    } else if (ch == '\'' || ch == '"') {
                        quote = ch;
                    } else if (ch == '[' || ch == '(') {
                        depth++;
                    } else if (ch == ']' || (ch == ')' && depth > 0)) {
                        depth--;
                    } else if (depth == 0 && (ch == ',' || ch == ')')) {
                        break;
                    }
                    pos++;
                }
                return new PathArg(Path.compile(s.substring(start, pos).trim()));
            }
            if (s.startsWith("States.", pos)) {
                return parseCall();
            }
            int start = pos;
            while (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != ')') {
                pos++;
            }
            String tok = s.substring(start, pos).trim();
            switch (tok) {
                case "true":
                    return new Literal(Boolean.TRUE);
                case "false":
                    return new Literal(Boolean.FALSE);
                case "null":
                    return new Literal(null);
                default:
                    try {
                        return new Literal(Json.numberOf(new BigDecimal(tok)));
                    } catch (NumberFormatException e) {
                        throw error("Unexpected argument '" + tok + "'");
                    }
            }
        }
    }
}

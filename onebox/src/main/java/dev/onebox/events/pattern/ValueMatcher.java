package dev.onebox.events.pattern;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One element of a leaf array in an event pattern: an exact value or a filter object. A leaf matches
 * when any of its matchers accepts any of the field's leaf values (arrays in the event are flattened).
 * {@link Exists} is decided on the presence of leaf values instead.
 */
sealed interface ValueMatcher {

    boolean test(JsonNode value);

    /** Exact string, number (compared by value), boolean or null. */
    record Exact(JsonNode expected) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            return sameValue(expected, value);
        }
    }

    record Prefix(String prefix, boolean ignoreCase) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            return value.isTextual() && value.textValue().regionMatches(ignoreCase, 0, prefix, 0, prefix.length());
        }
    }

    record Suffix(String suffix, boolean ignoreCase) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            if (!value.isTextual()) {
                return false;
            }
            String s = value.textValue();
            return s.length() >= suffix.length()
                    && s.regionMatches(ignoreCase, s.length() - suffix.length(), suffix, 0, suffix.length());
        }
    }

    record EqualsIgnoreCase(String expected) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            return value.isTextual() && value.textValue().toLowerCase(Locale.ROOT).equals(expected.toLowerCase(Locale.ROOT));
        }
    }

    /** {@code *} matches any run of characters; {@code \*} is a literal star, {@code \\} a backslash. */
    record Wildcard(String wildcard, Pattern regex) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            return value.isTextual() && regex.matcher(value.textValue()).matches();
        }
    }

    /** Numeric comparison; only JSON numbers in the event can match. Null bounds are open ends. */
    record Numeric(BigDecimal lower, boolean lowerInclusive, BigDecimal upper, boolean upperInclusive) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            if (!value.isNumber()) {
                return false;
            }
            BigDecimal v = value.decimalValue();
            if (lower != null) {
                int c = v.compareTo(lower);
                if (c < 0 || (c == 0 && !lowerInclusive)) {
                    return false;
                }
            }
            if (upper != null) {
                int c = v.compareTo(upper);
                return c < 0 || (c == 0 && upperInclusive);
            }
            return true;
        }
    }

    record Cidr(String block, byte[] network, int prefixLength) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            if (!value.isTextual()) {
                return false;
            }
            byte[] address = IpAddresses.parse(value.textValue());
            if (address == null || address.length != network.length) {
                return false;
            }
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    /** Matches every leaf value that none of {@code excluded} accepts. */
    record AnythingBut(List<ValueMatcher> excluded) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            for (ValueMatcher m : excluded) {
                if (m.test(value)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Decided on presence: true = the field has at least one leaf value, false = it has none. */
    record Exists(boolean present) implements ValueMatcher {
        @Override
        public boolean test(JsonNode value) {
            return present;
        }
    }

    static boolean sameValue(JsonNode expected, JsonNode value) {
        if (expected.isNumber()) {
            return value.isNumber() && expected.decimalValue().compareTo(value.decimalValue()) == 0;
        }
        if (expected.isTextual()) {
            return value.isTextual() && expected.textValue().equals(value.textValue());
        }
        if (expected.isBoolean()) {
            return value.isBoolean() && expected.booleanValue() == value.booleanValue();
        }
        return expected.isNull() && value.isNull();
    }
}

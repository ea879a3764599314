package dev.playback.examples.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * The payout fee: 1 % with a minimum of 0.50, rounded half-even to cents. {@link #V2} (correct) takes it
 * on the converted amount; {@link #V1} (the original bug) took it on the amount before conversion.
 * {@link #V3} takes the minimum per target currency ({@link #MINIMUMS}) and has a bug: the table lists the currencies
 * payouts are converted to, so a payout in a currency without an entry — one paid in the account's own currency, such
 * as EUR — throws ({@code NullPointerException}); {@link #V4} is its fix: such a currency takes the default minimum.
 */
public enum FeeRule {
    V1, V2, V3, V4;

    static final BigDecimal MINIMUM = new BigDecimal("0.50");
    static final BigDecimal RATE = new BigDecimal("0.01");
    /** The minimum fee per target currency of {@link #V3} and {@link #V4}. */
    static final Map<String, BigDecimal> MINIMUMS = Map.of("USD", new BigDecimal("0.50"), "GBP", new BigDecimal("0.40"),
            "CHF", new BigDecimal("0.45"));

    /** The fee of a payout of {@code amount}, {@code converted} to {@code currency}. */
    public BigDecimal fee(BigDecimal amount, BigDecimal converted, String currency) {
        BigDecimal base = this == V1 ? amount : converted;
        BigDecimal minimum = switch (this) {
            case V1, V2 -> MINIMUM;
            case V3 -> MINIMUMS.get(currency);
            case V4 -> MINIMUMS.getOrDefault(currency, MINIMUM);
        };
        return minimum.max(base.multiply(RATE).setScale(2, RoundingMode.HALF_EVEN));
    }

    /** The fee of {@link #V1} and {@link #V2}, which do not depend on the currency. */
    public BigDecimal fee(BigDecimal amount, BigDecimal converted) {
        if (this == V3 || this == V4) throw new IllegalArgumentException("fee rule " + label() + " needs the target currency");
        return fee(amount, converted, null);
    }

    /** {@code amount × rate}, rounded half-even to cents. */
    public static BigDecimal convert(BigDecimal amount, BigDecimal rate) {
        return amount.multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
    }

    /** {@code v1} … {@code v4} (as in template.yaml's FeeRule parameter). */
    public static FeeRule parse(String text) {
        if (text == null) throw new IllegalArgumentException("fee rule is missing; expected v1, v2, v3 or v4");
        return switch (text.trim().toLowerCase()) {
            case "v1" -> V1;
            case "v2" -> V2;
            case "v3" -> V3;
            case "v4" -> V4;
            default -> throw new IllegalArgumentException("unknown fee rule '" + text + "'; expected v1, v2, v3 or v4");
        };
    }

    public String label() {
        return name().toLowerCase();
    }
}

package dev.playback.examples.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The payout fee: 1 % with a minimum of 0.50, rounded half-even to cents. {@link #V2} (correct) takes it
 * on the converted amount; {@link #V1} (the original bug) took it on the amount before conversion.
 */
public enum FeeRule {
    V1, V2;

    static final BigDecimal MINIMUM = new BigDecimal("0.50");
    static final BigDecimal RATE = new BigDecimal("0.01");

    public BigDecimal fee(BigDecimal amount, BigDecimal converted) {
        BigDecimal base = this == V1 ? amount : converted;
        return MINIMUM.max(base.multiply(RATE).setScale(2, RoundingMode.HALF_EVEN));
    }

    /** {@code amount × rate}, rounded half-even to cents. */
    public static BigDecimal convert(BigDecimal amount, BigDecimal rate) {
        return amount.multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
    }

    /** {@code v1} or {@code v2} (as in template.yaml's FeeRule parameter). */
    public static FeeRule parse(String text) {
        if (text == null) throw new IllegalArgumentException("fee rule is missing; expected v1 or v2");
        return switch (text.trim().toLowerCase()) {
            case "v1" -> V1;
            case "v2" -> V2;
            default -> throw new IllegalArgumentException("unknown fee rule '" + text + "'; expected v1 or v2");
        };
    }

    public String label() {
        return name().toLowerCase();
    }
}

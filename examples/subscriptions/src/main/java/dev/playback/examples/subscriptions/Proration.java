package dev.playback.examples.subscriptions;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;

/**
 * How a month is prorated: the net of a billing month is the sum, over the days of the month on which the subscription
 * was active, of the daily price in effect that day, summed exactly and rounded half-even to cents once at the end.
 * {@link #V2} (correct): daily price = monthly price / the number of days of that month. {@link #V1} (the original
 * bug, fixed by a {@code diff} replay): monthly price / 30, whatever the month.
 */
public enum Proration {
    V1, V2;

    private static final BigDecimal THIRTY = BigDecimal.valueOf(30);

    /** What a daily price is a fraction of the monthly price: the month's days (v2) or 30 (v1). */
    public BigDecimal daysPerMonth(YearMonth month) {
        return this == V1 ? THIRTY : BigDecimal.valueOf(month.lengthOfMonth());
    }

    /**
     * The net of {@code period} for a subscription whose prices are {@code prices}: sum of the monthly price in effect
     * on each active day, divided once by {@link #daysPerMonth}, rounded half-even to cents.
     */
    public BigDecimal net(Subscription.Prices prices, YearMonth period) {
        BigDecimal sum = BigDecimal.ZERO;
        for (LocalDate day = period.atDay(1); !day.isAfter(period.atEndOfMonth()); day = day.plusDays(1)) {
            if (prices.activeOn(day)) sum = sum.add(prices.monthlyPriceOn(day));
        }
        return sum.divide(daysPerMonth(period), 2, RoundingMode.HALF_EVEN);
    }

    /** {@code v1} or {@code v2} (as in template.yaml's ProrationRule parameter). */
    public static Proration parse(String text) {
        if (text == null) throw new IllegalArgumentException("proration rule is missing; expected v1 or v2");
        return switch (text.trim().toLowerCase()) {
            case "v1" -> V1;
            case "v2" -> V2;
            default -> throw new IllegalArgumentException("unknown proration rule '" + text + "'; expected v1 or v2");
        };
    }

    public String label() {
        return name().toLowerCase();
    }
}

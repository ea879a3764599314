package dev.playback.examples.subscriptions;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One subscription, as the {@code subscriptions} projection (and the {@code invoicing} processor, which decides with
 * the same {@link SubscriptionRules}) keeps it: what deciding the next event needs, nothing that grows with the
 * subscription's length. {@code prices} keeps the latest {@value #KEEP_PRICES} prices, {@code invoiced} the invoices in
 * effect of the latest {@value #KEEP_INVOICES} months invoiced (invoice id → month; {@code forgottenThrough} the latest
 * month of those it no longer keeps: a month up to it cannot be invoiced again), {@code rejected} the latest
 * {@value #KEEP_REJECTIONS} rejections; the counts and {@code invoicedNet} cover everything. What a reversal needs about
 * a single invoice (its net) is noted outside the state ({@link SubscriptionRules#note}).
 *
 * @param invoicesIssued the invoices in effect (requested, not rejected, not voided by a reversal)
 * @param invoicedNet    their net amounts added up, by the proration rule the state was kept with
 * @param reversalCount  the reversals that applied
 */
public record Subscription(boolean started, String customer, String currency, String country, Prices prices,
                           Map<String, YearMonth> invoiced, YearMonth forgottenThrough, long invoicesIssued, BigDecimal invoicedNet,
                           long reversalCount, long rejectedCount, List<Rejection> rejected) {
    public static final int KEEP_PRICES = 6;
    public static final int KEEP_INVOICES = 6;
    public static final int KEEP_REJECTIONS = 5;

    /** A monthly price in effect from day {@code from} (UTC) on, until the next one. */
    public record Price(LocalDate from, String plan, BigDecimal monthlyPrice) {
    }

    public record Rejection(String eventId, long version, String type, String reason) {
    }

    /**
     * The days a subscription is active, {@code startedOn} up to the day before {@code cancelledOn} (null: not
     * cancelled), and its prices by day, oldest first.
     */
    public record Prices(LocalDate startedOn, LocalDate cancelledOn, List<Price> changes) {
        public Prices {
            changes = List.copyOf(changes);
        }

        public boolean activeOn(LocalDate day) {
            return startedOn != null && !day.isBefore(startedOn) && (cancelledOn == null || day.isBefore(cancelledOn));
        }

        /** Whether the price of {@code day} is still kept (false only for days before the oldest price kept). */
        public boolean knowsPriceOn(LocalDate day) {
            return !changes.isEmpty() && !day.isBefore(changes.get(0).from());
        }

        /** The monthly price in effect on {@code day}; the day must be one {@link #knowsPriceOn}. */
        public BigDecimal monthlyPriceOn(LocalDate day) {
            BigDecimal price = null;
            for (Price p : changes) {
                if (p.from().isAfter(day)) break;
                price = p.monthlyPrice();
            }
            if (price == null) throw new IllegalStateException("no price kept for " + day + "; prices kept from " + changes);
            return price;
        }

        public Optional<Price> current() {
            return changes.isEmpty() ? Optional.empty() : Optional.of(changes.get(changes.size() - 1));
        }

        public boolean activeIn(YearMonth period) {
            for (LocalDate d = period.atDay(1); !d.isAfter(period.atEndOfMonth()); d = d.plusDays(1)) {
                if (activeOn(d)) return true;
            }
            return false;
        }
    }

    public Subscription {
        invoiced = Collections.unmodifiableMap(new LinkedHashMap<>(invoiced));
        rejected = List.copyOf(rejected);
    }

    public static Subscription unstarted() {
        return new Subscription(false, null, null, null, new Prices(null, null, List.of()), Map.of(), null, 0,
                BigDecimal.ZERO.setScale(2), 0, 0, List.of());
    }

    /** {@code unstarted}, {@code active} or {@code cancelled}. */
    public String status() {
        if (!started) return "unstarted";
        return prices.cancelledOn() == null ? "active" : "cancelled";
    }

    public Optional<String> plan() {
        return prices.current().map(Price::plan);
    }

    public Optional<BigDecimal> monthlyPrice() {
        return prices.current().map(Price::monthlyPrice);
    }
}

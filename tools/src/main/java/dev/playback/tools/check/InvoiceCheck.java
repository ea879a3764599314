package dev.playback.tools.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.tools.client.PlaybackApi;
import software.amazon.awssdk.services.s3.S3Client;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An independent check of what the invoice service should hold, written apart from the subscriptions domain: from each
 * subscription's history (through the API) the days of the invoiced month it was active (from its start's day, until the
 * day it was cancelled, that day not billed) and the monthly price of each day; net = the sum of the daily prices, a day
 * at {@code monthlyPrice / 30} (v1) or {@code monthlyPrice / days of the month} (v2), computed as one fraction and rounded
 * half-even to cents once; tax = net × the rate recorded when the invoice was first processed (read straight from the
 * record bucket), half-even to cents; total = net + tax. A reversed invoice should be held at 0.
 */
public final class InvoiceCheck {
    private static final BigDecimal THIRTY = BigDecimal.valueOf(30);

    /** One invoice and what each rule bills for it with the recorded rate; {@code reversed}: it should be held at 0. */
    public record Expected(String invoiceId, String subscription, String period, BigDecimal rate, BigDecimal v1, BigDecimal v2,
                           boolean reversed) {
        public BigDecimal total(String rule) {
            return reversed ? BigDecimal.ZERO : rule.equals("v1") ? v1 : v2;
        }
    }

    private InvoiceCheck() {
    }

    /** The invoices of {@code subscriptions} (their histories through the API) whose tax rate was recorded. */
    public static Map<String, Expected> expected(PlaybackApi api, S3Client s3, String recordBucket, Collection<String> subscriptions) {
        Map<String, Expected> out = new TreeMap<>();
        for (String id : subscriptions) {
            LocalDate started = null;
            LocalDate cancelled = null;
            Map<LocalDate, BigDecimal> prices = new TreeMap<>();
            List<JsonNode> invoices = new ArrayList<>();
            Set<String> reversed = new HashSet<>();
            for (JsonNode e : api.history(id).body().path("events")) {
                JsonNode p = e.path("payload");
                LocalDate day = LocalDate.ofInstant(Instant.parse(e.path("occurredAt").asText()), ZoneOffset.UTC);
                switch (e.path("type").asText()) {
                    case "SubscriptionStarted" -> {
                        started = day;
                        prices.put(day, p.has("monthlyPriceCents") ? BigDecimal.valueOf(p.path("monthlyPriceCents").asLong(), 2)
                                : new BigDecimal(p.path("monthlyPrice").asText()));
                    }
                    case "PlanChanged" -> prices.put(day, new BigDecimal(p.path("monthlyPrice").asText()));
                    case "SubscriptionCancelled" -> cancelled = day;
                    case "InvoiceRequested" -> invoices.add(e);
                    case "SubscriptionEventReversed" -> reversed.add(p.path("eventId").asText());
                    default -> throw new IllegalStateException(id + ": the check knows no event type " + e.path("type").asText());
                }
            }
            for (JsonNode e : invoices) {
                String invoiceId = e.path("eventId").asText();
                BigDecimal rate = recordedRate(s3, recordBucket, invoiceId);
                if (rate == null) continue;
                YearMonth period = YearMonth.parse(e.path("payload").path("period").asText());
                BigDecimal v1 = total(net(period, started, cancelled, prices, THIRTY), rate);
                BigDecimal v2 = total(net(period, started, cancelled, prices, BigDecimal.valueOf(period.lengthOfMonth())), rate);
                out.put(invoiceId, new Expected(invoiceId, id, period.toString(), rate, v1, v2, reversed.contains(invoiceId)));
            }
        }
        return out;
    }

    /** The sum over the active days of the monthly price of each day, divided once by {@code daysPerMonth}, in cents. */
    private static BigDecimal net(YearMonth period, LocalDate started, LocalDate cancelled, Map<LocalDate, BigDecimal> prices,
                                  BigDecimal daysPerMonth) {
        BigDecimal sum = BigDecimal.ZERO;
        for (LocalDate d = period.atDay(1); !d.isAfter(period.atEndOfMonth()); d = d.plusDays(1)) {
            if (started == null || d.isBefore(started) || cancelled != null && !d.isBefore(cancelled)) continue;
            BigDecimal price = null;
            for (Map.Entry<LocalDate, BigDecimal> p : prices.entrySet()) if (!p.getKey().isAfter(d)) price = p.getValue();
            sum = sum.add(price);
        }
        return sum.divide(daysPerMonth, 2, RoundingMode.HALF_EVEN);
    }

    private static BigDecimal total(BigDecimal net, BigDecimal rate) {
        return net.add(net.multiply(rate).setScale(2, RoundingMode.HALF_EVEN));
    }

    /** The tax rate recorded for the invoice's query, or null when none was recorded. */
    static BigDecimal recordedRate(S3Client s3, String bucket, String invoiceId) {
        return Reconciliation.recordedResponse(s3, bucket, "invoicing", invoiceId, "tax.rate").map(r -> new BigDecimal(r.path("rate").asText())).orElse(null);
    }

    /** Every invoice whose total at the invoice service differs from what {@code rule} bills, as readable lines. */
    public static List<String> compare(Map<String, Expected> expected, Map<String, BigDecimal> held, String rule) {
        Map<String, BigDecimal> should = new TreeMap<>();
        expected.forEach((id, e) -> should.put(id, e.total(rule)));
        return Reconciliation.differences(should, held, "the invoice service", id -> expected.get(id).reversed() ? "reversed"
                : rule + " with the recorded rate " + expected.get(id).rate() + " bills " + should.get(id));
    }
}

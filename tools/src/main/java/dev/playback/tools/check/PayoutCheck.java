package dev.playback.tools.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.tools.client.PlaybackApi;
import software.amazon.awssdk.services.s3.S3Client;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent check of what the partner bank should hold, written apart from the payouts processor: for
 * every payout of the given accounts, the FX rate recorded when it was first processed (read straight from the
 * record bucket; 1 for the same currency) and what fee rule v1 and v2 send with it —
 * {@code converted = round_half_even(amount × rate, 2)}, {@code fee = max(0.50, round_half_even(base × 0.01, 2))}
 * with {@code base = amount} (v1) or {@code converted} (v2), {@code net = converted − fee}.
 */
public final class PayoutCheck {
    private static final BigDecimal MIN_FEE = new BigDecimal("0.50");
    private static final BigDecimal ONE_PERCENT = new BigDecimal("0.01");

    /** One payout and what each rule sends for it with the recorded rate. */
    public record Expected(String payoutId, String account, BigDecimal amount, String from, String to, BigDecimal rate,
                           BigDecimal v1, BigDecimal v2) {
        public BigDecimal net(String rule) {
            return rule.equals("v1") ? v1 : v2;
        }
    }

    private PayoutCheck() {
    }

    /**
     * The payouts of {@code accounts} (their histories through the API) whose rate was recorded, i.e. that were
     * not declined; a payout in the same currency needs no rate and counts when {@code sent} names it.
     */
    public static Map<String, Expected> expected(PlaybackApi api, S3Client s3, String recordBucket, Collection<String> accounts,
                                                 Collection<String> sent) {
        Map<String, Expected> out = new TreeMap<>();
        for (String account : accounts) {
            String currency = null;
            for (JsonNode e : api.history(account).body().path("events")) {
                String type = e.path("type").asText();
                if (type.equals("AccountOpened")) currency = e.path("payload").path("currency").asText();
                if (!type.equals("PayoutRequested")) continue;
                String id = e.path("eventId").asText();
                BigDecimal amount = new BigDecimal(e.path("payload").path("amount").asText());
                String to = e.path("payload").path("targetCurrency").asText();
                BigDecimal rate;
                if (to.equals(currency)) {
                    if (!sent.contains(id)) continue;
                    rate = BigDecimal.ONE;
                } else {
                    rate = recordedRate(s3, recordBucket, id);
                    if (rate == null) continue; // declined: never asked
                }
                BigDecimal converted = amount.multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
                out.put(id, new Expected(id, account, amount, currency, to, rate, converted.subtract(fee(amount)),
                        converted.subtract(fee(converted))));
            }
        }
        return out;
    }

    private static BigDecimal fee(BigDecimal base) {
        return base.multiply(ONE_PERCENT).setScale(2, RoundingMode.HALF_EVEN).max(MIN_FEE);
    }

    /** The rate recorded for the payout's FX query, or null when none was recorded. */
    static BigDecimal recordedRate(S3Client s3, String bucket, String eventId) {
        return Reconciliation.recordedResponse(s3, bucket, "payouts", eventId, "fx.rate").map(r -> new BigDecimal(r.path("rate").asText())).orElse(null);
    }

    /** Every payout whose net at the bank differs from what {@code rule} sends, as readable lines. */
    public static List<String> compare(Map<String, Expected> expected, Map<String, BigDecimal> bankNet, String rule) {
        Map<String, BigDecimal> should = new TreeMap<>();
        expected.forEach((id, e) -> should.put(id, e.net(rule)));
        return Reconciliation.differences(should, bankNet, "the bank", id -> rule + " with the recorded rate "
                + expected.get(id).rate() + " sends " + should.get(id));
    }
}

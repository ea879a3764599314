package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandRules;
import dev.playback.model.gateway.CommandSite;
import dev.playback.model.gateway.QuerySite;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** The payouts domain's external call sites: the FX rate query and the partner bank payout command. */
public final class Payouts {
    private Payouts() {
    }

    public record RateRequest(String from, String to) {
    }

    /** What the partner bank is asked to pay. {@code amount} may be negative for corrections and compensations. */
    public record PayoutCommand(String payoutId, String beneficiary, String currency, BigDecimal amount) {
        public JsonNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("payoutId", payoutId).put("beneficiary", beneficiary).put("currency", currency)
                    .put("amount", amount.setScale(2).toPlainString());
            return n;
        }

        public static PayoutCommand fromJson(JsonNode n) {
            return new PayoutCommand(n.path("payoutId").asText(), n.path("beneficiary").asText(), n.path("currency").asText(),
                    new BigDecimal(n.path("amount").asText()));
        }
    }

    public static final CallSite FX_RATE_SITE = new CallSite("fx", "rate");
    public static final CallSite BANK_PAYOUT_SITE = new CallSite("bank", "payout");

    /** {@code GET rate from → to}; answer {@code {"rate": "1.0850"}}. */
    public static final QuerySite<RateRequest, BigDecimal> FX_RATE = new QuerySite<>(FX_RATE_SITE,
            r -> JsonNodeFactory.instance.objectNode().put("from", r.from()).put("to", r.to()),
            Payouts::rate);

    /**
     * Payouts add up per payout id at the bank: the correction for a payout is one command of the difference
     * between what it should have received and the net of what it did receive.
     */
    public static final CommandRules NET_PER_PAYOUT = new CommandRules() {
        @Override
        public String key(JsonNode command) {
            return command.path("payoutId").asText();
        }

        @Override
        public Optional<JsonNode> correction(List<JsonNode> sent, JsonNode wanted) {
            BigDecimal net = BigDecimal.ZERO.setScale(2);
            for (JsonNode s : sent) net = net.add(new BigDecimal(s.path("amount").asText()));
            BigDecimal target = wanted == null ? BigDecimal.ZERO.setScale(2) : new BigDecimal(wanted.path("amount").asText());
            BigDecimal delta = target.subtract(net);
            if (delta.signum() == 0) return Optional.empty();
            PayoutCommand shape = PayoutCommand.fromJson(wanted != null ? wanted : sent.get(sent.size() - 1));
            return Optional.of(new PayoutCommand(shape.payoutId(), shape.beneficiary(), shape.currency(), delta).toJson());
        }
    };

    public static final CommandSite<PayoutCommand> BANK_PAYOUT = new CommandSite<>(BANK_PAYOUT_SITE, PayoutCommand::toJson, NET_PER_PAYOUT);

    private static BigDecimal rate(JsonNode response) {
        JsonNode r = response == null ? null : response.get("rate");
        if (r == null || r.isNull()) throw new IllegalStateException("FX answer has no 'rate': " + response);
        BigDecimal rate = new BigDecimal(r.asText());
        if (rate.signum() <= 0) throw new IllegalStateException("FX answer has a rate <= 0: " + response);
        return rate;
    }
}

package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandRules;
import dev.playback.model.gateway.Compensation;
import dev.playback.model.gateway.Gateway;
import dev.playback.model.gateway.GatewayProcessor;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code payouts} processor. It keeps the account's ledger by the same {@link LedgerRules} as the
 * balances, and for a {@code PayoutRequested} that is not declined: asks the FX service for the rate from
 * the account's currency to the target currency (a recorded query), converts (half-even, cents), takes the
 * fee by the configured {@link FeeRule} and sends {@code converted − fee} to the partner bank (a command).
 * A reversal of a payout sends one compensating payout of the opposite amount of what the bank received
 * for it; reversing that reversal pays it again.
 */
public final class PayoutsProcessor implements GatewayProcessor<PayoutsState> {
    public static final String NAME = "payouts";

    private final FeeRule feeRule;

    public PayoutsProcessor(FeeRule feeRule) {
        this.feeRule = feeRule;
    }

    public FeeRule feeRule() {
        return feeRule;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The fee rule decides the fee, so each rule is a logic version of its own: {@code fee-v1}, {@code fee-v2}. */
    @Override
    public String logicVersion() {
        return "fee-" + feeRule.label();
    }

    @Override
    public PayoutsState initial(String aggregateId) {
        return new PayoutsState(AccountBalance.unopened(), Map.of());
    }

    @Override
    public PayoutsState apply(PayoutsState state, EventEnvelope event, Gateway gateway) {
        AccountBalance ledger = LedgerRules.apply(state.ledger(), event);
        if (ledger == state.ledger()) return state;
        PayoutsState next = new PayoutsState(ledger, state.payouts());
        if (ledger.rejectedCount() != state.ledger().rejectedCount()) return next;
        if (event.type().equals(LedgerEvent.PAYOUT_REQUESTED) && LedgerRules.applied(ledger, event.eventId())) {
            return pay(next, event, (LedgerEvent.PayoutRequested) LedgerEvent.of(event), gateway);
        }
        if (event.type().equals(LedgerEvent.EVENT_REVERSED)) compensate(next, event, gateway);
        return next;
    }

    @Override
    public java.util.Optional<String> reverses(EventEnvelope event) {
        return LedgerRules.reverses(event);
    }

    /** A reversal of a payout the account was rebuilt without: recorded, and what reached the bank for it compensated. */
    @Override
    public PayoutsState applyAbsorbed(PayoutsState state, EventEnvelope reversal, Gateway gateway) {
        PayoutsState next = new PayoutsState(LedgerRules.absorb(state.ledger(), reversal), state.payouts());
        compensate(next, reversal, gateway);
        return next;
    }

    @Override
    public PayoutsState applyUnresolvable(PayoutsState state, EventEnvelope reversal, String reason) {
        return new PayoutsState(LedgerRules.rejected(state.ledger(), reversal, reason), state.payouts());
    }

    /**
     * A reversal of a sent payout takes back its net; a reversal of that reversal pays it again, and so on down the
     * chain of reversals (followed in the account's ledger). A payout that was declined or never sent, or any other
     * event, causes nothing.
     */
    @Override
    public List<Compensation> compensations(PayoutsState state, String reversedEventId) {
        int depth = 1;
        String id = reversedEventId;
        AccountBalance.Effect effect = state.ledger().effects().get(id);
        while (effect != null && effect.reverses() != null) {
            depth++;
            id = effect.reverses();
            effect = state.ledger().effects().get(id);
        }
        PayoutsState.Payout payout = state.payouts().get(id);
        if (payout == null || !payout.sent()) return List.of();
        BigDecimal amount = depth % 2 == 1 ? payout.net().negate() : payout.net();
        return List.of(new Compensation(Payouts.BANK_PAYOUT_SITE,
                new Payouts.PayoutCommand(payout.payoutId(), payout.beneficiary(), payout.currency(), amount).toJson()));
    }

    /** The decision for one payout, given the rate the FX service answered. Pure. */
    public PayoutsState.Payout decide(String payoutId, LedgerEvent.PayoutRequested p, BigDecimal rate) {
        BigDecimal converted = FeeRule.convert(p.amount(), rate);
        BigDecimal fee = feeRule.fee(p.amount(), converted, p.targetCurrency());
        BigDecimal net = converted.subtract(fee);
        return new PayoutsState.Payout(payoutId, p.beneficiary(), p.targetCurrency(), p.amount(), rate, converted, fee, net,
                feeRule.label(), net.signum() > 0);
    }

    private PayoutsState pay(PayoutsState s, EventEnvelope event, LedgerEvent.PayoutRequested p, Gateway gateway) {
        String from = s.ledger().currency();
        BigDecimal rate = from.equals(p.targetCurrency()) ? BigDecimal.ONE
                : gateway.query(Payouts.FX_RATE, new Payouts.RateRequest(from, p.targetCurrency()));
        PayoutsState.Payout decided = decide(event.eventId(), p, rate);
        if (decided.sent()) {
            gateway.send(Payouts.BANK_PAYOUT, new Payouts.PayoutCommand(decided.payoutId(), decided.beneficiary(),
                    decided.currency(), decided.net()));
        }
        Map<String, PayoutsState.Payout> payouts = new LinkedHashMap<>(s.payouts());
        payouts.put(decided.payoutId(), decided);
        return new PayoutsState(s.ledger(), payouts);
    }

    /**
     * The gateway compensates what reached the bank for the reversed event (a payout: its net after any
     * corrections; a reversal: its compensation, so the payout is restored).
     */
    private void compensate(PayoutsState s, EventEnvelope reversal, Gateway gateway) {
        gateway.compensate(Payouts.BANK_PAYOUT_SITE, ((LedgerEvent.EventReversed) LedgerEvent.of(reversal)).reversedEventId());
    }

    @Override
    public CommandRules rules(CallSite site) {
        return site.equals(Payouts.BANK_PAYOUT_SITE) ? Payouts.NET_PER_PAYOUT : CommandRules.EXACT;
    }

    @Override
    public JsonNode encode(PayoutsState s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("ledger", BalancesProjection.toJson(s.ledger()));
        ObjectNode ps = n.putObject("payouts");
        for (PayoutsState.Payout p : s.payouts().values()) {
            ObjectNode o = ps.putObject(p.payoutId());
            o.put("beneficiary", p.beneficiary()).put("currency", p.currency()).put("amount", p.amount().toPlainString())
                    .put("rate", p.rate().toPlainString()).put("converted", p.converted().toPlainString())
                    .put("fee", p.fee().toPlainString()).put("net", p.net().toPlainString()).put("feeRule", p.feeRule())
                    .put("sent", p.sent());
        }
        return n;
    }

    @Override
    public PayoutsState decode(JsonNode n) {
        Map<String, PayoutsState.Payout> payouts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("payouts").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode o = e.getValue();
            payouts.put(e.getKey(), new PayoutsState.Payout(e.getKey(), o.path("beneficiary").asText(), o.path("currency").asText(),
                    new BigDecimal(o.path("amount").asText()), new BigDecimal(o.path("rate").asText()),
                    new BigDecimal(o.path("converted").asText()), new BigDecimal(o.path("fee").asText()),
                    new BigDecimal(o.path("net").asText()), o.path("feeRule").asText(), o.path("sent").asBoolean()));
        }
        return new PayoutsState(BalancesProjection.fromJson(n.path("ledger")), payouts);
    }
}

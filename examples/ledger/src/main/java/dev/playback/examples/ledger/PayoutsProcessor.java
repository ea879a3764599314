package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandRules;
import dev.playback.model.gateway.Gateway;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.processor.OutdatedStateShape;
import dev.playback.model.processor.ReversalOutcome;
import dev.playback.model.processor.ReversedEvent;

import java.math.BigDecimal;

/**
 * The {@code payouts} processor. It keeps the account's ledger by the same {@link LedgerRules} as the
 * balances, and for a {@code PayoutRequested} that is not declined: asks the FX service for the rate from
 * the account's currency to the target currency (a recorded query), converts (half-even, cents), takes the
 * fee by the configured {@link FeeRule} and sends {@code converted − fee} to the partner bank (a command).
 * A reversal of a payout sends one compensating payout of the opposite amount of what the bank received
 * for it (the command log knows it); reversing that reversal pays it again. The state is the ledger only.
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

    /**
     * The fee rule decides the fee, so each rule is a logic version of its own: {@code fee-v1.2}, {@code fee-v2.2} (the
     * {@code .2}: the state without per-event effects and payouts; {@code fee-v1}, {@code fee-v2} kept them).
     */
    @Override
    public String logicVersion() {
        return "fee-" + feeRule.label() + ".2";
    }

    @Override
    public PayoutsState initial(String aggregateId) {
        return new PayoutsState(AccountBalance.unopened());
    }

    @Override
    public PayoutsState apply(PayoutsState state, EventEnvelope event, Gateway gateway) {
        AccountBalance ledger = LedgerRules.apply(state.ledger(), event);
        if (ledger == state.ledger()) return state;
        PayoutsState next = new PayoutsState(ledger);
        if (event.type().equals(LedgerEvent.PAYOUT_REQUESTED) && LedgerRules.applied(state.ledger(), ledger)) {
            pay(next, event, (LedgerEvent.PayoutRequested) LedgerEvent.of(event), gateway);
        }
        return next;
    }

    @Override
    public java.util.Optional<String> reverses(EventEnvelope event) {
        return LedgerRules.reverses(event);
    }

    /** Reversals come from the reversed event ({@link LedgerRules#reverse}) and, for the bank, from the command log. */
    @Override
    public boolean reversalsFromEvents() {
        return true;
    }

    /**
     * The ledger undoes the target's effect; the gateway compensates what reached the bank for the target (a payout: its
     * net after any corrections, taken back; a reversal of a payout: its compensation, so the payout is paid again).
     * The compensation is a command of the reversal, sent once.
     */
    @Override
    public ReversalOutcome<PayoutsState> applyReversal(PayoutsState state, EventEnvelope reversal, ReversedEvent target, Gateway gateway) {
        ReversalOutcome<AccountBalance> out = LedgerRules.reverse(state.ledger(), reversal, target);
        if (out.applied()) gateway.compensate(Payouts.BANK_PAYOUT_SITE, target.eventId());
        return new ReversalOutcome<>(new PayoutsState(out.state()), out.applied());
    }

    @Override
    public java.util.Optional<JsonNode> note(PayoutsState before, PayoutsState after, EventEnvelope event) {
        return LedgerRules.note(before.ledger(), after.ledger(), event);
    }

    @Override
    public PayoutsState applyUnresolvable(PayoutsState state, EventEnvelope reversal, String reason) {
        return new PayoutsState(LedgerRules.rejected(state.ledger(), reversal, reason));
    }

    /** The decision for one payout, given the rate the FX service answered. Pure. */
    public PayoutsState.Payout decide(String payoutId, LedgerEvent.PayoutRequested p, BigDecimal rate) {
        BigDecimal converted = FeeRule.convert(p.amount(), rate);
        BigDecimal fee = feeRule.fee(p.amount(), converted, p.targetCurrency());
        BigDecimal net = converted.subtract(fee);
        return new PayoutsState.Payout(payoutId, p.beneficiary(), p.targetCurrency(), p.amount(), rate, converted, fee, net,
                feeRule.label(), net.signum() > 0);
    }

    private void pay(PayoutsState s, EventEnvelope event, LedgerEvent.PayoutRequested p, Gateway gateway) {
        String from = s.ledger().currency();
        BigDecimal rate = from.equals(p.targetCurrency()) ? BigDecimal.ONE
                : gateway.query(Payouts.FX_RATE, new Payouts.RateRequest(from, p.targetCurrency()));
        PayoutsState.Payout decided = decide(event.eventId(), p, rate);
        if (decided.sent()) {
            gateway.send(Payouts.BANK_PAYOUT, new Payouts.PayoutCommand(decided.payoutId(), decided.beneficiary(),
                    decided.currency(), decided.net()));
        }
    }

    @Override
    public CommandRules rules(CallSite site) {
        return site.equals(Payouts.BANK_PAYOUT_SITE) ? Payouts.NET_PER_PAYOUT : CommandRules.EXACT;
    }

    @Override
    public JsonNode encode(PayoutsState s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("ledger", BalancesProjection.toJson(s.ledger()));
        return n;
    }

    /** Throws {@link OutdatedStateShape} for a state of the shape of {@code fee-v1}/{@code fee-v2} (with its payouts). */
    @Override
    public PayoutsState decode(JsonNode n) {
        if (n.has("payouts")) throw new OutdatedStateShape(NAME, "it keeps every payout decided, field 'payouts'");
        return new PayoutsState(BalancesProjection.fromJson(NAME, n.path("ledger")));
    }
}

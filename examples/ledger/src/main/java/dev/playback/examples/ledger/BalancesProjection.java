package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.OutdatedStateShape;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.ReversalOutcome;
import dev.playback.model.processor.ReversedEvent;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code balances} projection: per account its owner, currency, balance and counts, by the
 * {@link LedgerRules}. A withdrawal or payout the balance cannot cover is declined (counted, balance
 * unchanged). Events for an account that was never opened, a second opening, or a reversal that cannot
 * apply are recorded as rejected in the state (counted, the latest few listed), never dropped silently.
 */
public final class BalancesProjection implements Processor<AccountBalance> {
    public static final String NAME = "balances";
    static final String LOGIC_VERSION = "2";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AccountBalance initial(String aggregateId) {
        return AccountBalance.unopened();
    }

    @Override
    public AccountBalance apply(AccountBalance s, EventEnvelope event) {
        return LedgerRules.apply(s, event);
    }

    @Override
    public java.util.Optional<String> reverses(EventEnvelope event) {
        return LedgerRules.reverses(event);
    }

    /** Reversals come from the reversed event ({@link LedgerRules#reverse}): the state keeps no effect per event. */
    @Override
    public boolean reversalsFromEvents() {
        return true;
    }

    @Override
    public ReversalOutcome<AccountBalance> applyReversal(AccountBalance s, EventEnvelope reversal, ReversedEvent target) {
        return LedgerRules.reverse(s, reversal, target);
    }

    @Override
    public java.util.Optional<JsonNode> note(AccountBalance before, AccountBalance after, EventEnvelope event) {
        return LedgerRules.note(before, after, event);
    }

    @Override
    public AccountBalance applyUnresolvable(AccountBalance s, EventEnvelope reversal, String reason) {
        return LedgerRules.rejected(s, reversal, reason);
    }

    /** 2: the state without the effect of each event (version 1 kept the latest 1,000), reversals from the events. */
    @Override
    public String logicVersion() {
        return LOGIC_VERSION;
    }

    @Override
    public JsonNode encode(AccountBalance s) {
        return toJson(s);
    }

    @Override
    public AccountBalance decode(JsonNode n) {
        return fromJson(NAME, n);
    }

    static ObjectNode toJson(AccountBalance s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("opened", s.opened());
        if (s.owner() != null) n.put("owner", s.owner());
        if (s.currency() != null) n.put("currency", s.currency());
        n.put("balance", Amount.format(s.balance()));
        n.put("deposits", s.deposits());
        n.put("withdrawals", s.withdrawals());
        n.put("payouts", s.payouts());
        n.put("declined", s.declined());
        n.put("reversals", s.reversals());
        n.put("rejectedCount", s.rejectedCount());
        ArrayNode r = n.putArray("rejected");
        for (AccountBalance.Rejection x : s.rejected()) {
            r.addObject().put("eventId", x.eventId()).put("version", x.version()).put("type", x.type()).put("reason", x.reason());
        }
        return n;
    }

    /** Throws {@link OutdatedStateShape} naming {@code processor} for a state of the shape before logic version 2. */
    static AccountBalance fromJson(String processor, JsonNode n) {
        if (n.has("effects")) throw new OutdatedStateShape(processor, "it keeps the effects of single events, field 'effects'");
        List<AccountBalance.Rejection> rejected = new ArrayList<>();
        for (JsonNode x : n.path("rejected")) {
            rejected.add(new AccountBalance.Rejection(x.path("eventId").asText(), x.path("version").asLong(),
                    x.path("type").asText(), x.path("reason").asText()));
        }
        return new AccountBalance(n.path("opened").asBoolean(), n.path("owner").textValue(), n.path("currency").textValue(),
                new BigDecimal(n.path("balance").asText("0.00")), n.path("deposits").asLong(), n.path("withdrawals").asLong(),
                n.path("declined").asLong(), n.path("rejectedCount").asLong(), List.copyOf(rejected),
                n.path("payouts").asLong(), n.path("reversals").asLong());
    }
}

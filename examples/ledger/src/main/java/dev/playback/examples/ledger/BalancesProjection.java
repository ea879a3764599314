package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Processor;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code balances} projection: per account its owner, currency, balance and counts, by the
 * {@link LedgerRules}. A withdrawal or payout the balance cannot cover is declined (counted, balance
 * unchanged). Events for an account that was never opened, a second opening, or a reversal that cannot
 * apply are recorded as rejected in the state, never dropped silently.
 */
public final class BalancesProjection implements Processor<AccountBalance> {
    public static final String NAME = "balances";

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

    @Override
    public AccountBalance applyAbsorbed(AccountBalance s, EventEnvelope reversal) {
        return LedgerRules.absorb(s, reversal);
    }

    @Override
    public AccountBalance applyUnresolvable(AccountBalance s, EventEnvelope reversal, String reason) {
        return LedgerRules.rejected(s, reversal, reason);
    }

    @Override
    public JsonNode encode(AccountBalance s) {
        return toJson(s);
    }

    @Override
    public AccountBalance decode(JsonNode n) {
        return fromJson(n);
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
        ObjectNode effects = n.putObject("effects");
        for (var e : s.effects().entrySet()) {
            ObjectNode f = effects.putObject(e.getKey());
            f.put("type", e.getValue().type()).put("delta", e.getValue().delta().toPlainString());
            if (e.getValue().reverses() != null) f.put("reverses", e.getValue().reverses());
            if (e.getValue().reversedBy() != null) f.put("reversedBy", e.getValue().reversedBy());
            if (e.getValue().absent()) f.put("absent", true);
        }
        return n;
    }

    static AccountBalance fromJson(JsonNode n) {
        List<AccountBalance.Rejection> rejected = new ArrayList<>();
        for (JsonNode x : n.path("rejected")) {
            rejected.add(new AccountBalance.Rejection(x.path("eventId").asText(), x.path("version").asLong(),
                    x.path("type").asText(), x.path("reason").asText()));
        }
        Map<String, AccountBalance.Effect> effects = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("effects").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode f = e.getValue();
            effects.put(e.getKey(), new AccountBalance.Effect(f.path("type").asText(), new BigDecimal(f.path("delta").asText("0")),
                    f.path("reverses").textValue(), f.path("reversedBy").textValue(), f.path("absent").asBoolean()));
        }
        return new AccountBalance(n.path("opened").asBoolean(), n.path("owner").textValue(), n.path("currency").textValue(),
                new BigDecimal(n.path("balance").asText("0.00")), n.path("deposits").asLong(), n.path("withdrawals").asLong(),
                n.path("declined").asLong(), n.path("rejectedCount").asLong(), List.copyOf(rejected),
                n.path("payouts").asLong(), n.path("reversals").asLong(), effects);
    }
}

package dev.playback.model.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Processor;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code balances} projection: per account its owner, currency, balance and counts. A withdrawal
 * the balance cannot cover is declined (counted, balance unchanged). Events for an account that was
 * never opened, or a second opening, are recorded as rejected in the state, never dropped silently.
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
        if (!isLedgerType(event.type())) return s;
        LedgerEvent e = LedgerEvent.of(event);
        if (e instanceof LedgerEvent.AccountOpened o) {
            if (s.opened()) return reject(s, event, "account " + event.aggregateId() + " is already open");
            return new AccountBalance(true, o.owner(), o.currency(), s.balance(), s.deposits(), s.withdrawals(),
                    s.declined(), s.rejectedCount(), s.rejected());
        }
        if (!s.opened()) return reject(s, event, "account " + event.aggregateId() + " was never opened");
        if (e instanceof LedgerEvent.MoneyDeposited d) {
            return new AccountBalance(true, s.owner(), s.currency(), s.balance().add(d.amount()), s.deposits() + 1,
                    s.withdrawals(), s.declined(), s.rejectedCount(), s.rejected());
        }
        LedgerEvent.MoneyWithdrawn w = (LedgerEvent.MoneyWithdrawn) e;
        if (s.balance().compareTo(w.amount()) < 0) {
            return new AccountBalance(true, s.owner(), s.currency(), s.balance(), s.deposits(), s.withdrawals(),
                    s.declined() + 1, s.rejectedCount(), s.rejected());
        }
        return new AccountBalance(true, s.owner(), s.currency(), s.balance().subtract(w.amount()), s.deposits(),
                s.withdrawals() + 1, s.declined(), s.rejectedCount(), s.rejected());
    }

    private static boolean isLedgerType(String type) {
        return type.equals(LedgerEvent.ACCOUNT_OPENED) || type.equals(LedgerEvent.MONEY_DEPOSITED)
                || type.equals(LedgerEvent.MONEY_WITHDRAWN);
    }

    private static AccountBalance reject(AccountBalance s, EventEnvelope e, String reason) {
        List<AccountBalance.Rejection> list = new ArrayList<>(s.rejected());
        list.add(new AccountBalance.Rejection(e.eventId(), e.versionOrZero(), e.type(), reason));
        if (list.size() > AccountBalance.KEEP_REJECTIONS) list.remove(0);
        return new AccountBalance(s.opened(), s.owner(), s.currency(), s.balance(), s.deposits(), s.withdrawals(),
                s.declined(), s.rejectedCount() + 1, List.copyOf(list));
    }

    @Override
    public JsonNode encode(AccountBalance s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("opened", s.opened());
        if (s.owner() != null) n.put("owner", s.owner());
        if (s.currency() != null) n.put("currency", s.currency());
        n.put("balance", Amount.format(s.balance()));
        n.put("deposits", s.deposits());
        n.put("withdrawals", s.withdrawals());
        n.put("declined", s.declined());
        n.put("rejectedCount", s.rejectedCount());
        ArrayNode r = n.putArray("rejected");
        for (AccountBalance.Rejection x : s.rejected()) {
            r.addObject().put("eventId", x.eventId()).put("version", x.version()).put("type", x.type()).put("reason", x.reason());
        }
        return n;
    }

    @Override
    public AccountBalance decode(JsonNode n) {
        List<AccountBalance.Rejection> rejected = new ArrayList<>();
        for (JsonNode x : n.path("rejected")) {
            rejected.add(new AccountBalance.Rejection(x.path("eventId").asText(), x.path("version").asLong(),
                    x.path("type").asText(), x.path("reason").asText()));
        }
        return new AccountBalance(n.path("opened").asBoolean(), n.path("owner").textValue(), n.path("currency").textValue(),
                new BigDecimal(n.path("balance").asText("0.00")), n.path("deposits").asLong(), n.path("withdrawals").asLong(),
                n.path("declined").asLong(), n.path("rejectedCount").asLong(), List.copyOf(rejected));
    }
}

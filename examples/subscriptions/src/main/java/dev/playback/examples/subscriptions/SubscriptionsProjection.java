package dev.playback.examples.subscriptions;

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
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code subscriptions} projection: per subscription its customer, plan, monthly price, currency, country, status
 * ({@code active}/{@code cancelled}), the invoices issued (in effect) and their net total, by the {@link SubscriptionRules}.
 * A projection is built without settings, so its net amounts are prorated by the correct rule, {@link Proration#V2}, whatever
 * rule the {@code invoicing} processor runs with; what was billed, with tax, is the processor's state.
 */
public final class SubscriptionsProjection implements Processor<Subscription> {
    public static final String NAME = "subscriptions";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Subscription initial(String aggregateId) {
        return Subscription.unstarted();
    }

    @Override
    public Subscription apply(Subscription s, EventEnvelope event) {
        return SubscriptionRules.apply(s, event, Proration.V2);
    }

    @Override
    public Optional<String> reverses(EventEnvelope event) {
        return SubscriptionRules.reverses(event);
    }

    /** Logic version {@code 2}: the state without the invoices, nets and reversals of single events (version {@code 1} kept them). */
    @Override
    public String logicVersion() {
        return "2";
    }

    /** Reversals come from the reversed event and its note ({@link SubscriptionRules#reverse}). */
    @Override
    public boolean reversalsFromEvents() {
        return true;
    }

    @Override
    public ReversalOutcome<Subscription> applyReversal(Subscription s, EventEnvelope reversal, ReversedEvent target) {
        return SubscriptionRules.reverse(s, reversal, target);
    }

    @Override
    public Optional<JsonNode> note(Subscription before, Subscription after, EventEnvelope event) {
        return SubscriptionRules.note(before, after, event);
    }

    @Override
    public Subscription applyAbsorbed(Subscription s, EventEnvelope reversal) {
        return SubscriptionRules.absorb(s, reversal);
    }

    @Override
    public Subscription applyUnresolvable(Subscription s, EventEnvelope reversal, String reason) {
        return SubscriptionRules.rejected(s, reversal, reason);
    }

    @Override
    public JsonNode encode(Subscription s) {
        return toJson(s);
    }

    @Override
    public Subscription decode(JsonNode n) {
        return fromJson(NAME, n);
    }

    static ObjectNode toJson(Subscription s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("started", s.started());
        if (s.started()) {
            n.put("customer", s.customer()).put("plan", s.plan().orElseThrow()).put("monthlyPrice", s.monthlyPrice().orElseThrow().toPlainString())
                    .put("currency", s.currency()).put("country", s.country());
        }
        n.put("status", s.status());
        if (s.prices().startedOn() != null) n.put("startedOn", s.prices().startedOn().toString());
        if (s.prices().cancelledOn() != null) n.put("cancelledOn", s.prices().cancelledOn().toString());
        n.put("invoicesIssued", s.invoicesIssued());
        n.put("invoicedNet", s.invoicedNet().toPlainString());
        n.put("reversals", s.reversalCount());
        n.put("rejectedCount", s.rejectedCount());
        ArrayNode prices = n.putArray("prices");
        for (Subscription.Price p : s.prices().changes()) {
            prices.addObject().put("from", p.from().toString()).put("plan", p.plan()).put("monthlyPrice", p.monthlyPrice().toPlainString());
        }
        ObjectNode invoiced = n.putObject("invoiced");
        s.invoiced().forEach((id, month) -> invoiced.put(id, month.toString()));
        if (s.forgottenThrough() != null) n.put("forgottenThrough", s.forgottenThrough().toString());
        ArrayNode rejected = n.putArray("rejected");
        for (Subscription.Rejection r : s.rejected()) {
            rejected.addObject().put("eventId", r.eventId()).put("version", r.version()).put("type", r.type()).put("reason", r.reason());
        }
        return n;
    }

    /** Throws {@link OutdatedStateShape} naming {@code processor} for a state of the shape before logic version 2. */
    static Subscription fromJson(String processor, JsonNode n) {
        if (n.has("reversed") || n.has("invoices")) {
            throw new OutdatedStateShape(processor, "it keeps the invoices and reversals of single events, fields 'invoices' and 'reversed'");
        }
        List<Subscription.Price> prices = new ArrayList<>();
        for (JsonNode p : n.path("prices")) {
            prices.add(new Subscription.Price(LocalDate.parse(p.path("from").asText()), p.path("plan").asText(),
                    new BigDecimal(p.path("monthlyPrice").asText())));
        }
        Map<String, YearMonth> invoiced = new LinkedHashMap<>();
        n.path("invoiced").fields().forEachRemaining(e -> invoiced.put(e.getKey(), YearMonth.parse(e.getValue().asText())));
        YearMonth forgotten = n.hasNonNull("forgottenThrough") ? YearMonth.parse(n.get("forgottenThrough").asText()) : null;
        List<Subscription.Rejection> rejected = new ArrayList<>();
        for (JsonNode r : n.path("rejected")) {
            rejected.add(new Subscription.Rejection(r.path("eventId").asText(), r.path("version").asLong(), r.path("type").asText(),
                    r.path("reason").asText()));
        }
        Subscription.Prices days = new Subscription.Prices(day(n, "startedOn"), day(n, "cancelledOn"), prices);
        return new Subscription(n.path("started").asBoolean(), n.path("customer").textValue(), n.path("currency").textValue(),
                n.path("country").textValue(), days, invoiced, forgotten, n.path("invoicesIssued").asLong(),
                new BigDecimal(n.path("invoicedNet").asText("0.00")), n.path("reversals").asLong(),
                n.path("rejectedCount").asLong(), rejected);
    }

    private static LocalDate day(JsonNode n, String field) {
        return n.hasNonNull(field) ? LocalDate.parse(n.get(field).asText()) : null;
    }
}

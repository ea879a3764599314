package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Processor;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Iterator;
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
        return fromJson(n);
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
        ObjectNode invoices = n.putObject("invoices");
        for (var i : s.invoices().entrySet()) {
            ObjectNode o = invoices.putObject(i.getKey()).put("period", i.getValue().period().toString())
                    .put("net", i.getValue().net().toPlainString());
            if (i.getValue().voidedBy() != null) o.put("voidedBy", i.getValue().voidedBy());
        }
        ObjectNode reversals = n.putObject("reversed");
        s.reversals().forEach(reversals::put);
        ArrayNode rejected = n.putArray("rejected");
        for (Subscription.Rejection r : s.rejected()) {
            rejected.addObject().put("eventId", r.eventId()).put("version", r.version()).put("type", r.type()).put("reason", r.reason());
        }
        return n;
    }

    static Subscription fromJson(JsonNode n) {
        List<Subscription.Price> prices = new ArrayList<>();
        for (JsonNode p : n.path("prices")) {
            prices.add(new Subscription.Price(LocalDate.parse(p.path("from").asText()), p.path("plan").asText(),
                    new BigDecimal(p.path("monthlyPrice").asText())));
        }
        Map<String, Subscription.Invoice> invoices = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("invoices").fields(); it.hasNext(); ) {
            var e = it.next();
            invoices.put(e.getKey(), new Subscription.Invoice(YearMonth.parse(e.getValue().path("period").asText()),
                    new BigDecimal(e.getValue().path("net").asText()), e.getValue().path("voidedBy").textValue()));
        }
        Map<String, String> reversals = new LinkedHashMap<>();
        n.path("reversed").fields().forEachRemaining(e -> reversals.put(e.getKey(), e.getValue().asText()));
        List<Subscription.Rejection> rejected = new ArrayList<>();
        for (JsonNode r : n.path("rejected")) {
            rejected.add(new Subscription.Rejection(r.path("eventId").asText(), r.path("version").asLong(), r.path("type").asText(),
                    r.path("reason").asText()));
        }
        Subscription.Prices days = new Subscription.Prices(day(n, "startedOn"), day(n, "cancelledOn"), prices);
        return new Subscription(n.path("started").asBoolean(), n.path("customer").textValue(), n.path("currency").textValue(),
                n.path("country").textValue(), days, invoices, n.path("invoicesIssued").asLong(),
                new BigDecimal(n.path("invoicedNet").asText("0.00")), reversals, n.path("reversals").asLong(),
                n.path("rejectedCount").asLong(), rejected);
    }

    private static LocalDate day(JsonNode n, String field) {
        return n.hasNonNull(field) ? LocalDate.parse(n.get(field).asText()) : null;
    }
}

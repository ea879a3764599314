package dev.playback.examples.subscriptions;

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
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code invoicing} processor. It keeps the subscription by the same {@link SubscriptionRules} as the projection,
 * and for an {@code InvoiceRequested} of month P that the rules accept: prorates the month's net by the configured
 * {@link Proration}, asks the tax service for the rate of the subscription's country on the first day of P (a recorded
 * query), takes tax = net × rate (half-even, cents) and sends the invoice (net, tax, total) to the invoice service (a
 * command). A reversal of an invoice voids it: the gateway takes back what reached the invoice service for it;
 * reversing that reversal bills it again.
 */
public final class InvoicingProcessor implements GatewayProcessor<InvoicingState> {
    public static final String NAME = "invoicing";

    private final Proration proration;

    public InvoicingProcessor(Proration proration) {
        this.proration = proration;
    }

    public Proration proration() {
        return proration;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The proration rule decides the net amounts, so each rule is a logic version of its own: {@code proration-v1}, {@code proration-v2}. */
    @Override
    public String logicVersion() {
        return "proration-" + proration.label();
    }

    @Override
    public InvoicingState initial(String aggregateId) {
        return new InvoicingState(Subscription.unstarted(), Map.of());
    }

    @Override
    public InvoicingState apply(InvoicingState state, EventEnvelope event, Gateway gateway) {
        Subscription s = SubscriptionRules.apply(state.subscription(), event, proration);
        if (s == state.subscription()) return state;
        InvoicingState next = new InvoicingState(s, state.billed());
        if (SubscriptionRules.wasRejected(state.subscription(), s)) return next;
        if (event.type().equals(SubscriptionEvent.INVOICE_REQUESTED)) return bill(next, event.eventId(), gateway);
        if (event.type().equals(SubscriptionEvent.SUBSCRIPTION_EVENT_REVERSED)) compensate(event, gateway);
        return next;
    }

    @Override
    public Optional<String> reverses(EventEnvelope event) {
        return SubscriptionRules.reverses(event);
    }

    /** A reversal of an event the subscription was rebuilt without: recorded, and what reached the invoice service for it taken back. */
    @Override
    public InvoicingState applyAbsorbed(InvoicingState state, EventEnvelope reversal, Gateway gateway) {
        InvoicingState next = new InvoicingState(SubscriptionRules.absorb(state.subscription(), reversal), state.billed());
        compensate(reversal, gateway);
        return next;
    }

    @Override
    public InvoicingState applyUnresolvable(InvoicingState state, EventEnvelope reversal, String reason) {
        return new InvoicingState(SubscriptionRules.rejected(state.subscription(), reversal, reason), state.billed());
    }

    /**
     * A reversal of a billed invoice takes back its net, tax and total; a reversal of that reversal bills it again, and
     * so on down the chain of reversals the state remembers. Reversing an invoice already voided, or any other event,
     * causes nothing outside.
     */
    @Override
    public List<Compensation> compensations(InvoicingState state, String reversedEventId) {
        int depth = 1;
        String id = reversedEventId;
        Map<String, String> reversals = state.subscription().reversals();
        while (reversals.containsKey(id)) {
            depth++;
            id = reversals.get(id);
        }
        InvoicingState.Billed b = state.billed().get(id);
        Subscription.Invoice invoice = state.subscription().invoices().get(id);
        if (b == null || depth == 1 && invoice != null && invoice.voidedBy() != null) return List.of();
        Invoicing.InvoiceCommand billed = command(state.subscription(), b);
        return List.of(new Compensation(Invoicing.INVOICE_SITE, (depth % 2 == 1 ? billed.negate() : billed).toJson()));
    }

    /** The invoice of {@code net} at tax {@code rate}: tax = net × rate rounded half-even to cents, total = net + tax. Pure. */
    public InvoicingState.Billed decide(String invoiceId, String period, BigDecimal net, BigDecimal rate) {
        BigDecimal tax = net.multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
        return new InvoicingState.Billed(invoiceId, period, net, rate, tax, net.add(tax), proration.label());
    }

    private InvoicingState bill(InvoicingState s, String invoiceId, Gateway gateway) {
        Subscription.Invoice invoice = s.subscription().invoices().get(invoiceId);
        BigDecimal rate = gateway.query(Invoicing.TAX_RATE, new Invoicing.TaxRequest(s.subscription().country(), invoice.period().atDay(1)));
        InvoicingState.Billed b = decide(invoiceId, invoice.period().toString(), invoice.net(), rate);
        gateway.send(Invoicing.BILLING_INVOICE, command(s.subscription(), b));
        Map<String, InvoicingState.Billed> billed = new LinkedHashMap<>(s.billed());
        billed.put(invoiceId, b);
        while (billed.size() > Subscription.KEEP_INVOICES) billed.remove(billed.keySet().iterator().next());
        return new InvoicingState(s.subscription(), billed);
    }

    private static Invoicing.InvoiceCommand command(Subscription s, InvoicingState.Billed b) {
        return new Invoicing.InvoiceCommand(b.invoiceId(), s.customer(), b.period(), s.currency(), b.net(), b.tax(), b.total());
    }

    /** The gateway takes back what reached the invoice service for the reversed event (an invoice after any corrections; a reversal's take-back). */
    private static void compensate(EventEnvelope reversal, Gateway gateway) {
        gateway.compensate(Invoicing.INVOICE_SITE, SubscriptionRules.reverses(reversal).orElseThrow());
    }

    @Override
    public CommandRules rules(CallSite site) {
        return site.equals(Invoicing.INVOICE_SITE) ? Invoicing.AMOUNTS_PER_INVOICE : CommandRules.EXACT;
    }

    @Override
    public JsonNode encode(InvoicingState s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("subscription", SubscriptionsProjection.toJson(s.subscription()));
        ObjectNode billed = n.putObject("billed");
        for (InvoicingState.Billed b : s.billed().values()) {
            billed.putObject(b.invoiceId()).put("period", b.period()).put("net", b.net().toPlainString())
                    .put("rate", b.rate().toPlainString()).put("tax", b.tax().toPlainString()).put("total", b.total().toPlainString())
                    .put("rule", b.rule());
        }
        return n;
    }

    @Override
    public InvoicingState decode(JsonNode n) {
        Map<String, InvoicingState.Billed> billed = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("billed").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode o = e.getValue();
            billed.put(e.getKey(), new InvoicingState.Billed(e.getKey(), o.path("period").asText(), new BigDecimal(o.path("net").asText()),
                    new BigDecimal(o.path("rate").asText()), new BigDecimal(o.path("tax").asText()),
                    new BigDecimal(o.path("total").asText()), o.path("rule").asText()));
        }
        return new InvoicingState(SubscriptionsProjection.fromJson(n.path("subscription")), billed);
    }
}

package dev.playback.examples.subscriptions;

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
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.Optional;

/**
 * The {@code invoicing} processor. It keeps the subscription by the same {@link SubscriptionRules} as the projection,
 * and for an {@code InvoiceRequested} of month P that the rules accept: prorates the month's net by the configured
 * {@link Proration}, asks the tax service for the rate of the subscription's country on the first day of P (a recorded
 * query), takes tax = net × rate (half-even, cents) and sends the invoice (net, tax, total) to the invoice service (a
 * command). A reversal of an invoice voids it: the gateway takes back what reached the invoice service for it (the
 * command log knows it); reversing that reversal bills it again. The state is the subscription only.
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

    /**
     * The proration rule decides the net amounts, so each rule is a logic version of its own: {@code proration-v1.2},
     * {@code proration-v2.2} (the {@code .2}: the state without the invoices billed and reversals of single events;
     * {@code proration-v1}, {@code proration-v2} kept them).
     */
    @Override
    public String logicVersion() {
        return "proration-" + proration.label() + ".2";
    }

    @Override
    public InvoicingState initial(String aggregateId) {
        return new InvoicingState(Subscription.unstarted());
    }

    @Override
    public InvoicingState apply(InvoicingState state, EventEnvelope event, Gateway gateway) {
        Subscription s = SubscriptionRules.apply(state.subscription(), event, proration);
        if (s == state.subscription()) return state;
        InvoicingState next = new InvoicingState(s);
        if (event.type().equals(SubscriptionEvent.INVOICE_REQUESTED) && s.invoicesIssued() != state.subscription().invoicesIssued()) {
            bill(next, event.eventId(), ((SubscriptionEvent.InvoiceRequested) SubscriptionEvent.of(event)).period(),
                    SubscriptionRules.netAdded(state.subscription(), s), gateway);
        }
        return next;
    }

    @Override
    public Optional<String> reverses(EventEnvelope event) {
        return SubscriptionRules.reverses(event);
    }

    /** Reversals come from the reversed event ({@link SubscriptionRules#reverse}) and, for the invoice service, from the command log. */
    @Override
    public boolean reversalsFromEvents() {
        return true;
    }

    /**
     * The subscription voids the invoice (or counts it again for a reversal of its reversal); the gateway takes back what
     * reached the invoice service for the target (an invoice after any corrections; a reversal's take-back, so the
     * invoice is billed again). The compensation is a command of the reversal, sent once.
     */
    @Override
    public ReversalOutcome<InvoicingState> applyReversal(InvoicingState state, EventEnvelope reversal, ReversedEvent target, Gateway gateway) {
        ReversalOutcome<Subscription> out = SubscriptionRules.reverse(state.subscription(), reversal, target);
        if (out.applied()) gateway.compensate(Invoicing.INVOICE_SITE, target.eventId());
        return new ReversalOutcome<>(new InvoicingState(out.state()), out.applied());
    }

    @Override
    public Optional<JsonNode> note(InvoicingState before, InvoicingState after, EventEnvelope event) {
        return SubscriptionRules.note(before.subscription(), after.subscription(), event);
    }

    /** A reversal of an event the subscription was rebuilt without: recorded, and what reached the invoice service for it taken back. */
    @Override
    public InvoicingState applyAbsorbed(InvoicingState state, EventEnvelope reversal, Gateway gateway) {
        InvoicingState next = new InvoicingState(SubscriptionRules.absorb(state.subscription(), reversal));
        gateway.compensate(Invoicing.INVOICE_SITE, SubscriptionRules.reverses(reversal).orElseThrow());
        return next;
    }

    @Override
    public InvoicingState applyUnresolvable(InvoicingState state, EventEnvelope reversal, String reason) {
        return new InvoicingState(SubscriptionRules.rejected(state.subscription(), reversal, reason));
    }

    /** The invoice of {@code net} at tax {@code rate}: tax = net × rate rounded half-even to cents, total = net + tax. Pure. */
    public InvoicingState.Billed decide(String invoiceId, String period, BigDecimal net, BigDecimal rate) {
        BigDecimal tax = net.multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
        return new InvoicingState.Billed(invoiceId, period, net, rate, tax, net.add(tax), proration.label());
    }

    private void bill(InvoicingState s, String invoiceId, YearMonth period, BigDecimal net, Gateway gateway) {
        Subscription sub = s.subscription();
        BigDecimal rate = gateway.query(Invoicing.TAX_RATE, new Invoicing.TaxRequest(sub.country(), period.atDay(1)));
        InvoicingState.Billed b = decide(invoiceId, period.toString(), net, rate);
        gateway.send(Invoicing.BILLING_INVOICE, new Invoicing.InvoiceCommand(b.invoiceId(), sub.customer(), b.period(), sub.currency(),
                b.net(), b.tax(), b.total()));
    }

    @Override
    public CommandRules rules(CallSite site) {
        return site.equals(Invoicing.INVOICE_SITE) ? Invoicing.AMOUNTS_PER_INVOICE : CommandRules.EXACT;
    }

    @Override
    public JsonNode encode(InvoicingState s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("subscription", SubscriptionsProjection.toJson(s.subscription()));
        return n;
    }

    /** Throws {@link OutdatedStateShape} for a state of the shape of {@code proration-v1}/{@code proration-v2} (with what it billed). */
    @Override
    public InvoicingState decode(JsonNode n) {
        if (n.has("billed")) throw new OutdatedStateShape(NAME, "it keeps every invoice billed, field 'billed'");
        return new InvoicingState(SubscriptionsProjection.fromJson(NAME, n.path("subscription")));
    }
}

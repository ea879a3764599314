package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.CannotInvert;
import dev.playback.model.processor.ReversalOutcome;
import dev.playback.model.processor.ReversedEvent;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The subscription's rules, shared by the projection and the invoicing processor. Days are the UTC days of the events'
 * {@code occurredAt}, never the clock. An event that cannot apply is recorded as rejected with its reason, never
 * dropped: any event before the start or a second start; a plan change after the cancellation or dated before the
 * price in effect; a second cancellation or one dated before the start; an invoice for a month already invoiced, for
 * a month without an active day, for days whose price is no longer kept, or for a month up to the latest one whose
 * invoices are no longer kept.
 *
 * <p>Reversals come from the reversed event ({@link #reverse}), which the toolkit hands over with the note kept of it
 * ({@link #note}: an invoice's net, or that the event was rejected). A reversal of an invoice in effect voids it; a
 * reversal of that reversal counts it again (unless its month is invoiced again meanwhile or no longer kept). Any other
 * reversal (of a plan change, a cancellation, a start) throws {@link CannotInvert}: Playback then rebuilds the
 * subscription from its events without the reversed ones ({@link dev.playback.model.processor.Reversals}), which hands
 * the reversal to {@link #absorb}, or to {@link #rejected} when it has no target in effect. Invoices already sent are not
 * changed by reversing a plan change: reverse the invoice to void it.
 */
public final class SubscriptionRules {
    /** The note of an invoice that applied: its net. */
    static final String NET = "net";
    /** The note of an event the rules rejected. */
    static final String REJECTED = "rejected";

    private SubscriptionRules() {
    }

    /**
     * The state after {@code event}, invoices prorated by {@code rule}; the same state for events of other domains. A
     * reversal reaches it only in a rebuild without the reversed events, where it has no target in effect: it throws
     * {@link CannotInvert} for that target.
     */
    public static Subscription apply(Subscription s, EventEnvelope event, Proration rule) {
        if (!SubscriptionEvent.isSubscriptionType(event.type())) return s;
        SubscriptionEvent e = SubscriptionEvent.of(event);
        LocalDate day = LocalDate.ofInstant(event.occurredAt(), ZoneOffset.UTC);
        if (e instanceof SubscriptionEvent.SubscriptionStarted started) {
            if (s.started()) return reject(s, event, "subscription " + event.aggregateId() + " is already started");
            return new Subscription(true, started.customer(), started.currency(), started.country(),
                    new Subscription.Prices(day, null, List.of(new Subscription.Price(day, started.plan(), started.monthlyPrice()))),
                    s.invoiced(), s.forgottenThrough(), s.invoicesIssued(), s.invoicedNet(), s.reversalCount(), s.rejectedCount(), s.rejected());
        }
        if (!s.started()) return reject(s, event, "subscription " + event.aggregateId() + " was never started");
        if (e instanceof SubscriptionEvent.PlanChanged change) return changePlan(s, event, day, change);
        if (e instanceof SubscriptionEvent.SubscriptionCancelled) return cancel(s, event, day);
        if (e instanceof SubscriptionEvent.InvoiceRequested invoice) return invoice(s, event, invoice.period(), rule);
        String target = ((SubscriptionEvent.SubscriptionEventReversed) e).eventId();
        if (target.equals(event.eventId())) return reject(s, event, "event " + target + " cannot reverse itself");
        throw new CannotInvert(target, "subscription " + event.aggregateId() + " takes reversals from the reversed event");
    }

    /** The event a reversal reverses; empty for other events. */
    public static Optional<String> reverses(EventEnvelope event) {
        if (!event.type().equals(SubscriptionEvent.SUBSCRIPTION_EVENT_REVERSED)) return Optional.empty();
        return Optional.of(((SubscriptionEvent.SubscriptionEventReversed) SubscriptionEvent.of(event)).eventId());
    }

    /** Whether {@code event} was rejected by the rules when they brought {@code before} to {@code after}. */
    public static boolean wasRejected(Subscription before, Subscription after) {
        return after.rejectedCount() != before.rejectedCount();
    }

    /** The net of the invoice {@code after} holds and {@code before} did not (the invoice just applied). */
    public static BigDecimal netAdded(Subscription before, Subscription after) {
        return after.invoicedNet().subtract(before.invoicedNet());
    }

    /**
     * What a reversal needs to know of how {@code event} applied, kept outside the state: that it was rejected, or an
     * invoice's net (by the rule the state is kept with). Nothing for the other events.
     */
    public static Optional<JsonNode> note(Subscription before, Subscription after, EventEnvelope event) {
        if (wasRejected(before, after)) return Optional.of(JsonNodeFactory.instance.objectNode().put(REJECTED, true));
        if (event.type().equals(SubscriptionEvent.INVOICE_REQUESTED) && after.invoicesIssued() != before.invoicesIssued()) {
            return Optional.of(JsonNodeFactory.instance.objectNode().put(NET, netAdded(before, after).toPlainString()));
        }
        return Optional.empty();
    }

    /**
     * The reversal of {@code target} (in effect, found by the toolkit): an invoice is voided (its net from its note); a
     * reversal of an invoice puts the invoice back, unless its month is invoiced again or no longer kept (then, as for a
     * plan change, a cancellation or a start, {@link CannotInvert}: rebuilt without the reversed events). A rejected
     * event has nothing to undo: the reversal is refused.
     */
    public static ReversalOutcome<Subscription> reverse(Subscription s, EventEnvelope reversal, ReversedEvent target) {
        if (target.note().map(n -> n.path(REJECTED).asBoolean()).orElse(false)) {
            return ReversalOutcome.refused(reject(s, reversal, "event " + target.eventId() + " was rejected; it has nothing to undo"));
        }
        String type = target.event().type();
        if (type.equals(SubscriptionEvent.INVOICE_REQUESTED)) {
            BigDecimal net = net(target);
            Map<String, YearMonth> invoiced = new LinkedHashMap<>(s.invoiced());
            invoiced.remove(target.eventId());
            return ReversalOutcome.applied(withReversal(s, invoiced, s.forgottenThrough(), s.invoicesIssued() - 1, s.invoicedNet().subtract(net)));
        }
        if (type.equals(SubscriptionEvent.SUBSCRIPTION_EVENT_REVERSED) && target.reverses().isPresent()
                && target.reverses().get().event().type().equals(SubscriptionEvent.INVOICE_REQUESTED)) {
            ReversedEvent invoice = target.reverses().get();
            YearMonth period = ((SubscriptionEvent.InvoiceRequested) SubscriptionEvent.of(invoice.event())).period();
            boolean taken = s.invoiced().containsValue(period) || s.forgottenThrough() != null && !period.isAfter(s.forgottenThrough());
            if (taken) {
                throw new CannotInvert(target.eventId(), "month " + period + " of invoice " + invoice.eventId() + " is invoiced again or no longer kept");
            }
            Map<String, YearMonth> invoiced = new LinkedHashMap<>(s.invoiced());
            invoiced.put(invoice.eventId(), period);
            YearMonth forgotten = keepLatest(invoiced, s.forgottenThrough());
            return ReversalOutcome.applied(withReversal(s, invoiced, forgotten, s.invoicesIssued() + 1, s.invoicedNet().add(net(invoice))));
        }
        throw new CannotInvert(target.eventId(), "subscription " + reversal.aggregateId() + " undoes only invoices and their reversals from the events");
    }

    private static BigDecimal net(ReversedEvent invoice) {
        JsonNode net = invoice.note().map(n -> n.get(NET)).orElse(null);
        if (net == null) throw new IllegalStateException("invoice " + invoice.eventId() + " in effect has no net noted");
        return new BigDecimal(net.asText());
    }

    /**
     * A reversal whose target the subscription was rebuilt without: nothing to undo (the target never entered the
     * state), the reversal is counted.
     */
    public static Subscription absorb(Subscription s, EventEnvelope reversal) {
        if (reverses(reversal).isEmpty()) throw new IllegalArgumentException(reversal.eventId() + " is not a reversal");
        return withReversal(s, s.invoiced(), s.forgottenThrough(), s.invoicesIssued(), s.invoicedNet());
    }

    /** The event recorded as rejected with {@code reason} (the state otherwise unchanged). */
    public static Subscription rejected(Subscription s, EventEnvelope event, String reason) {
        return reject(s, event, reason);
    }

    private static Subscription changePlan(Subscription s, EventEnvelope event, LocalDate day, SubscriptionEvent.PlanChanged change) {
        Subscription.Prices p = s.prices();
        if (p.cancelledOn() != null) {
            return reject(s, event, "subscription " + event.aggregateId() + " is cancelled since " + p.cancelledOn());
        }
        Subscription.Price current = p.current().orElseThrow();
        if (day.isBefore(current.from())) {
            return reject(s, event, "a plan change on " + day + " precedes the price in effect since " + current.from());
        }
        List<Subscription.Price> changes = new ArrayList<>(p.changes());
        if (day.equals(current.from())) changes.remove(changes.size() - 1);
        changes.add(new Subscription.Price(day, change.plan(), change.monthlyPrice()));
        while (changes.size() > Subscription.KEEP_PRICES) changes.remove(0);
        return withPrices(s, new Subscription.Prices(p.startedOn(), null, changes));
    }

    private static Subscription cancel(Subscription s, EventEnvelope event, LocalDate day) {
        Subscription.Prices p = s.prices();
        if (p.cancelledOn() != null) {
            return reject(s, event, "subscription " + event.aggregateId() + " is already cancelled since " + p.cancelledOn());
        }
        if (day.isBefore(p.startedOn())) return reject(s, event, "a cancellation on " + day + " precedes the start on " + p.startedOn());
        return withPrices(s, new Subscription.Prices(p.startedOn(), day, p.changes()));
    }

    private static Subscription invoice(Subscription s, EventEnvelope event, YearMonth period, Proration rule) {
        for (var i : s.invoiced().entrySet()) {
            if (i.getValue().equals(period)) return reject(s, event, "period " + period + " is already invoiced by " + i.getKey());
        }
        if (s.forgottenThrough() != null && !period.isAfter(s.forgottenThrough())) {
            return reject(s, event, "the invoices of " + s.forgottenThrough() + " and before are no longer kept (those of the latest "
                    + Subscription.KEEP_INVOICES + " months invoiced are)");
        }
        Subscription.Prices p = s.prices();
        if (!p.activeIn(period)) return reject(s, event, "subscription " + event.aggregateId() + " was not active on any day of " + period);
        for (LocalDate d = period.atDay(1); !d.isAfter(period.atEndOfMonth()); d = d.plusDays(1)) {
            if (p.activeOn(d) && !p.knowsPriceOn(d)) {
                return reject(s, event, "the price of " + d + " is no longer kept (the latest " + Subscription.KEEP_PRICES + " prices are)");
            }
        }
        BigDecimal net = rule.net(p, period);
        Map<String, YearMonth> invoiced = new LinkedHashMap<>(s.invoiced());
        invoiced.put(event.eventId(), period);
        YearMonth forgotten = keepLatest(invoiced, s.forgottenThrough());
        return new Subscription(true, s.customer(), s.currency(), s.country(), p, invoiced, forgotten, s.invoicesIssued() + 1,
                s.invoicedNet().add(net), s.reversalCount(), s.rejectedCount(), s.rejected());
    }

    /** Drops the earliest months from {@code invoiced} down to {@value Subscription#KEEP_INVOICES}; the latest month dropped, or {@code forgotten}. */
    private static YearMonth keepLatest(Map<String, YearMonth> invoiced, YearMonth forgotten) {
        while (invoiced.size() > Subscription.KEEP_INVOICES) {
            var earliest = invoiced.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.naturalOrder())).orElseThrow();
            invoiced.remove(earliest.getKey());
            if (forgotten == null || earliest.getValue().isAfter(forgotten)) forgotten = earliest.getValue();
        }
        return forgotten;
    }

    private static Subscription withReversal(Subscription s, Map<String, YearMonth> invoiced, YearMonth forgotten, long issued, BigDecimal net) {
        return new Subscription(s.started(), s.customer(), s.currency(), s.country(), s.prices(), invoiced, forgotten, issued, net,
                s.reversalCount() + 1, s.rejectedCount(), s.rejected());
    }

    private static Subscription withPrices(Subscription s, Subscription.Prices prices) {
        return new Subscription(s.started(), s.customer(), s.currency(), s.country(), prices, s.invoiced(), s.forgottenThrough(),
                s.invoicesIssued(), s.invoicedNet(), s.reversalCount(), s.rejectedCount(), s.rejected());
    }

    private static Subscription reject(Subscription s, EventEnvelope e, String reason) {
        List<Subscription.Rejection> list = new ArrayList<>(s.rejected());
        list.add(new Subscription.Rejection(e.eventId(), e.versionOrZero(), e.type(), reason));
        while (list.size() > Subscription.KEEP_REJECTIONS) list.remove(0);
        return new Subscription(s.started(), s.customer(), s.currency(), s.country(), s.prices(), s.invoiced(), s.forgottenThrough(),
                s.invoicesIssued(), s.invoicedNet(), s.reversalCount(), s.rejectedCount() + 1, list);
    }
}

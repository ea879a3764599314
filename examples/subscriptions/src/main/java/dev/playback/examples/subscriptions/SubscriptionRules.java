package dev.playback.examples.subscriptions;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.CannotInvert;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The subscription's rules, shared by the projection and the invoicing processor. Days are the UTC days of the events'
 * {@code occurredAt}, never the clock. An event that cannot apply is recorded as rejected with its reason, never
 * dropped: any event before the start or a second start; a plan change after the cancellation or dated before the
 * price in effect; a second cancellation or one dated before the start; an invoice for a month already invoiced, for
 * a month without an active day, or for days whose price is no longer kept.
 *
 * <p>A reversal of an invoice in effect voids it from the state. Any other reversal (of a plan change, a
 * cancellation, a start, a reversal, or of an event the state does not remember) throws {@link CannotInvert}: Playback
 * then rebuilds the subscription from its events without the reversed ones ({@link dev.playback.model.processor.Reversals}),
 * which follows the whole chain and hands the reversal to {@link #absorb}, or to {@link #rejected} when it has no
 * target in effect. Invoices already sent are not changed by reversing a plan change: reverse the invoice to void it.
 */
public final class SubscriptionRules {
    private SubscriptionRules() {
    }

    /** The state after {@code event}, invoices prorated by {@code rule}; the same state for events of other domains. */
    public static Subscription apply(Subscription s, EventEnvelope event, Proration rule) {
        if (!SubscriptionEvent.isSubscriptionType(event.type())) return s;
        SubscriptionEvent e = SubscriptionEvent.of(event);
        LocalDate day = LocalDate.ofInstant(event.occurredAt(), ZoneOffset.UTC);
        if (e instanceof SubscriptionEvent.SubscriptionStarted started) {
            if (s.started()) return reject(s, event, "subscription " + event.aggregateId() + " is already started");
            return new Subscription(true, started.customer(), started.currency(), started.country(),
                    new Subscription.Prices(day, null, List.of(new Subscription.Price(day, started.plan(), started.monthlyPrice()))),
                    s.invoices(), s.invoicesIssued(), s.invoicedNet(), s.reversals(), s.reversalCount(), s.rejectedCount(), s.rejected());
        }
        if (!s.started()) return reject(s, event, "subscription " + event.aggregateId() + " was never started");
        if (e instanceof SubscriptionEvent.PlanChanged change) return changePlan(s, event, day, change);
        if (e instanceof SubscriptionEvent.SubscriptionCancelled) return cancel(s, event, day);
        if (e instanceof SubscriptionEvent.InvoiceRequested invoice) return invoice(s, event, invoice.period(), rule);
        return reverse(s, event, ((SubscriptionEvent.SubscriptionEventReversed) e).eventId());
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

    /**
     * A reversal whose target the subscription was rebuilt without: nothing to undo (the target never entered the
     * state), the reversal is counted and remembered.
     */
    public static Subscription absorb(Subscription s, EventEnvelope reversal) {
        String target = reverses(reversal).orElseThrow(() -> new IllegalArgumentException(reversal.eventId() + " is not a reversal"));
        return withReversal(s, s.invoices(), s.invoicesIssued(), s.invoicedNet(), reversal.eventId(), target);
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
        for (var i : s.invoices().entrySet()) {
            if (i.getValue().period().equals(period) && i.getValue().voidedBy() == null) {
                return reject(s, event, "period " + period + " is already invoiced by " + i.getKey());
            }
        }
        Subscription.Prices p = s.prices();
        if (!p.activeIn(period)) return reject(s, event, "subscription " + event.aggregateId() + " was not active on any day of " + period);
        for (LocalDate d = period.atDay(1); !d.isAfter(period.atEndOfMonth()); d = d.plusDays(1)) {
            if (p.activeOn(d) && !p.knowsPriceOn(d)) {
                return reject(s, event, "the price of " + d + " is no longer kept (the latest " + Subscription.KEEP_PRICES + " prices are)");
            }
        }
        BigDecimal net = rule.net(p, period);
        Map<String, Subscription.Invoice> invoices = new LinkedHashMap<>(s.invoices());
        invoices.put(event.eventId(), new Subscription.Invoice(period, net, null));
        while (invoices.size() > Subscription.KEEP_INVOICES) invoices.remove(invoices.keySet().iterator().next());
        return new Subscription(true, s.customer(), s.currency(), s.country(), p, invoices, s.invoicesIssued() + 1,
                s.invoicedNet().add(net), s.reversals(), s.reversalCount(), s.rejectedCount(), s.rejected());
    }

    private static Subscription reverse(Subscription s, EventEnvelope event, String target) {
        if (target.equals(event.eventId())) return reject(s, event, "event " + target + " cannot reverse itself");
        Subscription.Invoice invoice = s.invoices().get(target);
        if (invoice == null) {
            throw new CannotInvert(target, "subscription " + event.aggregateId() + " undoes only the invoices it remembers from its state");
        }
        if (invoice.voidedBy() != null) return reject(s, event, "invoice " + target + " is already voided by " + invoice.voidedBy());
        Map<String, Subscription.Invoice> invoices = new LinkedHashMap<>(s.invoices());
        invoices.put(target, new Subscription.Invoice(invoice.period(), invoice.net(), event.eventId()));
        return withReversal(s, invoices, s.invoicesIssued() - 1, s.invoicedNet().subtract(invoice.net()), event.eventId(), target);
    }

    private static Subscription withReversal(Subscription s, Map<String, Subscription.Invoice> invoices, long issued, BigDecimal net,
                                             String reversal, String target) {
        Map<String, String> reversals = new LinkedHashMap<>(s.reversals());
        reversals.put(reversal, target);
        while (reversals.size() > Subscription.KEEP_REVERSALS) reversals.remove(reversals.keySet().iterator().next());
        return new Subscription(s.started(), s.customer(), s.currency(), s.country(), s.prices(), invoices, issued, net,
                reversals, s.reversalCount() + 1, s.rejectedCount(), s.rejected());
    }

    private static Subscription withPrices(Subscription s, Subscription.Prices prices) {
        return new Subscription(s.started(), s.customer(), s.currency(), s.country(), prices, s.invoices(), s.invoicesIssued(),
                s.invoicedNet(), s.reversals(), s.reversalCount(), s.rejectedCount(), s.rejected());
    }

    private static Subscription reject(Subscription s, EventEnvelope e, String reason) {
        List<Subscription.Rejection> list = new ArrayList<>(s.rejected());
        list.add(new Subscription.Rejection(e.eventId(), e.versionOrZero(), e.type(), reason));
        while (list.size() > Subscription.KEEP_REJECTIONS) list.remove(0);
        return new Subscription(s.started(), s.customer(), s.currency(), s.country(), s.prices(), s.invoices(), s.invoicesIssued(),
                s.invoicedNet(), s.reversals(), s.reversalCount(), s.rejectedCount() + 1, list);
    }
}

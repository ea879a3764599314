package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.CannotInvert;
import dev.playback.model.processor.OutdatedStateShape;
import dev.playback.model.processor.Reversals;
import dev.playback.model.processor.Reversing;
import org.junit.jupiter.api.Test;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.subscriptions.Events.cancelled;
import static dev.playback.examples.subscriptions.Events.invoiceRequested;
import static dev.playback.examples.subscriptions.Events.planChanged;
import static dev.playback.examples.subscriptions.Events.reversed;
import static dev.playback.examples.subscriptions.Events.started;
import static dev.playback.examples.subscriptions.Events.versioned;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subscriptions projection folds a subscription's events into its current state, by the v2 proration. */
class SubscriptionsProjectionTest {
    private final SubscriptionsProjection projection = new SubscriptionsProjection();

    private Subscription fold(List<EventEnvelope> events) {
        return Reversing.fold(projection, Events.SUB, events);
    }

    /** The state as the data store holds it, read back as JSON (numbers as a reader sees them). */
    private JsonNode folded(EventEnvelope... events) {
        return json(projection.encode(fold(versioned(events))).toString());
    }

    @Test
    void aStartAPlanChangeTwoInvoicesAndACancellationFoldIntoTheSubscription() {
        JsonNode s = folded(
                started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"),
                invoiceRequested("inv-03", "2026-04-01T00:05:00Z", "2026-03"),
                planChanged("e-3", "2026-04-16T08:00:00Z", "pro", "60.00"),
                cancelled("e-4", "2026-04-21T12:00:00Z"),
                invoiceRequested("inv-04", "2026-05-01T00:05:00Z", "2026-04"));

        // March: 21 days × 31.00 / 31 = 21.00; April (30 days): 1–15 at 31.00 (465.00), 16–20 at 60.00 (300.00): 765 / 30 = 25.50
        assertEquals(json("""
                {"started":true,"customer":"Ada","plan":"pro","monthlyPrice":"60.00","currency":"EUR","country":"DE",
                 "status":"cancelled","startedOn":"2026-03-11","cancelledOn":"2026-04-21",
                 "invoicesIssued":2,"invoicedNet":"46.50","reversals":0,"rejectedCount":0,
                 "prices":[{"from":"2026-03-11","plan":"basic","monthlyPrice":"31.00"},{"from":"2026-04-16","plan":"pro","monthlyPrice":"60.00"}],
                 "invoiced":{"inv-03":"2026-03","inv-04":"2026-04"},"rejected":[]}"""), s);
    }

    @Test
    void aSubscriptionWithoutEventsIsUnstarted() {
        assertEquals(json("""
                {"started":false,"status":"unstarted","invoicesIssued":0,"invoicedNet":"0.00","reversals":0,"rejectedCount":0,
                 "prices":[],"invoiced":{},"rejected":[]}"""), json(projection.encode(projection.initial("sub-9")).toString()));
    }

    @Test
    void eventsThatCannotApplyAreRecordedAsRejectedWithTheirReason() {
        Subscription s = fold(versioned(
                invoiceRequested("inv-early", "2026-03-01T00:00:00Z", "2026-02"),
                started("e-2", "2026-03-11T10:00:00Z", "basic", "31.00"),
                started("e-3", "2026-03-12T10:00:00Z", "pro", "60.00"),
                invoiceRequested("inv-feb", "2026-03-12T11:00:00Z", "2026-02"),
                invoiceRequested("inv-mar", "2026-04-01T00:05:00Z", "2026-03"),
                invoiceRequested("inv-mar-again", "2026-04-02T00:05:00Z", "2026-03"),
                planChanged("e-7", "2026-03-10T08:00:00Z", "pro", "60.00"),
                cancelled("e-8", "2026-04-10T00:00:00Z"),
                planChanged("e-9", "2026-04-11T08:00:00Z", "pro", "60.00"),
                cancelled("e-10", "2026-04-12T00:00:00Z"),
                reversed("r-11", "2026-04-13T00:00:00Z", "r-11")));

        Subscription early = fold(versioned(
                invoiceRequested("inv-early", "2026-03-01T00:00:00Z", "2026-02"),
                started("e-2", "2026-03-11T10:00:00Z", "basic", "31.00"),
                started("e-3", "2026-03-12T10:00:00Z", "pro", "60.00"),
                invoiceRequested("inv-feb", "2026-03-12T11:00:00Z", "2026-02")));
        assertEquals(List.of(
                "inv-early: subscription sub-1 was never started",
                "e-3: subscription sub-1 is already started",
                "inv-feb: subscription sub-1 was not active on any day of 2026-02"),
                early.rejected().stream().map(r -> r.eventId() + ": " + r.reason()).toList());
        assertEquals(List.of(
                "inv-mar-again: period 2026-03 is already invoiced by inv-mar",
                "e-7: a plan change on 2026-03-10 precedes the price in effect since 2026-03-11",
                "e-9: subscription sub-1 is cancelled since 2026-04-10",
                "e-10: subscription sub-1 is already cancelled since 2026-04-10",
                "r-11: event r-11 cannot reverse itself"),
                s.rejected().stream().map(r -> r.eventId() + ": " + r.reason()).toList(), "the latest 5");
        assertEquals(8, s.rejectedCount());
        assertEquals(1, s.invoicesIssued());
        assertEquals("21.00", s.invoicedNet().toPlainString());
    }

    @Test
    void aPlanChangeOnTheStartDayReplacesTheStartPrice() {
        Subscription s = fold(versioned(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"),
                planChanged("e-2", "2026-03-11T23:59:59Z", "pro", "62.00"),
                invoiceRequested("inv-03", "2026-04-01T00:05:00Z", "2026-03")));

        // 21 days × 62.00 / 31 = 42.00
        assertEquals(List.of(new Subscription.Price(java.time.LocalDate.parse("2026-03-11"), "pro", new java.math.BigDecimal("62.00"))),
                s.prices().changes());
        assertEquals("42.00", s.invoicedNet().toPlainString());
    }

    @Test
    void reversingAnInvoiceVoidsItAndReversingItAgainIsRejected() {
        Subscription s = fold(versioned(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"),
                invoiceRequested("inv-03", "2026-04-01T00:05:00Z", "2026-03"),
                reversed("r-1", "2026-04-02T00:00:00Z", "inv-03"),
                reversed("r-2", "2026-04-03T00:00:00Z", "inv-03"),
                invoiceRequested("inv-03b", "2026-04-04T00:05:00Z", "2026-03")));

        assertEquals(1, s.invoicesIssued(), "the voided invoice no longer counts; the month could be invoiced again");
        assertEquals("21.00", s.invoicedNet().toPlainString());
        assertEquals(Map.of("inv-03b", YearMonth.parse("2026-03")), s.invoiced());
        assertEquals(List.of("r-2: event inv-03 is already reversed by r-1"),
                s.rejected().stream().map(r -> r.eventId() + ": " + r.reason()).toList());
        assertEquals(1, s.reversalCount());
    }

    @Test
    void reversingAPlanChangeAsksForTheSubscriptionToBeRebuiltWithoutIt() {
        List<EventEnvelope> events = versioned(started("e-1", "2026-05-01T10:00:00Z", "basic", "31.00"),
                planChanged("e-2", "2026-05-17T08:00:00Z", "pro", "62.00"),
                reversed("r-3", "2026-05-18T00:00:00Z", "e-2"),
                invoiceRequested("inv-05", "2026-06-01T00:05:00Z", "2026-05"));
        Subscription beforeReversal = fold(events.subList(0, 2));

        CannotInvert asked = assertThrows(CannotInvert.class, () -> projection.apply(beforeReversal, events.get(2)));
        Subscription rebuilt = Reversals.fold(projection, Events.SUB, projection.initial(Events.SUB), List.of(), events);

        assertEquals("e-2", asked.reversedEventId());
        assertEquals("basic", rebuilt.plan().orElseThrow());
        assertEquals("31.00", rebuilt.invoicedNet().toPlainString(), "May billed at 31.00 throughout");
        assertEquals(1, rebuilt.reversalCount());
        assertEquals(0, rebuilt.rejectedCount());
    }

    @Test
    void reversingTheReversalOfAnInvoiceCountsTheInvoiceAgain() {
        List<EventEnvelope> events = versioned(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"),
                invoiceRequested("inv-03", "2026-04-01T00:05:00Z", "2026-03"),
                reversed("r-1", "2026-04-02T00:00:00Z", "inv-03"),
                reversed("r-2", "2026-04-03T00:00:00Z", "r-1"));

        Subscription s = Reversals.fold(projection, Events.SUB, projection.initial(Events.SUB), List.of(), events);

        assertEquals(1, s.invoicesIssued());
        assertEquals("21.00", s.invoicedNet().toPlainString());
    }

    @Test
    void aReversalOfAnEventThatIsNotThisSubscriptionsIsRejected() {
        List<EventEnvelope> events = versioned(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"),
                reversed("r-1", "2026-04-02T00:00:00Z", "elsewhere-7"));

        Subscription s = Reversals.fold(projection, Events.SUB, projection.initial(Events.SUB), List.of(), events);

        assertEquals(1, s.rejectedCount());
        assertEquals("event elsewhere-7 has no recorded effect on sub-1: it is not one of its events before this reversal",
                s.rejected().get(0).reason());
    }

    @Test
    void onlyTheLatestSixPricesAreKept_soAMonthThatNeedsAnOlderOneIsRefusedWithTheReason() {
        List<EventEnvelope> events = new java.util.ArrayList<>();
        events.add(started("e-0", "2026-01-01T10:00:00Z", "basic", "1.00"));
        java.time.LocalDate day = java.time.LocalDate.parse("2026-01-02");
        for (int i = 1; i <= 5; i++, day = day.plusDays(1)) {
            events.add(planChanged("pc-" + i, day + "T08:00:00Z", "basic", i + ".00"));
        }
        events.add(planChanged("pc-6", "2026-02-10T08:00:00Z", "pro", "10.00"));
        events.add(invoiceRequested("inv-01", "2026-05-01T00:05:00Z", "2026-01"));
        events.add(invoiceRequested("inv-02", "2026-05-01T00:06:00Z", "2026-02"));

        Subscription s = fold(versioned(events));

        assertEquals(6, s.prices().changes().size());
        assertEquals(java.time.LocalDate.parse("2026-01-02"), s.prices().changes().get(0).from());
        assertEquals(List.of("inv-01: the price of 2026-01-01 is no longer kept (the latest 6 prices are)"),
                s.rejected().stream().map(r -> r.eventId() + ": " + r.reason()).toList());
        // February: 1st–9th at 5.00 (45.00), 10th–28th at 10.00 (190.00): 235 / 28 = 8.392… → 8.39
        assertEquals("8.39", s.invoicedNet().toPlainString());
    }

    @Test
    void theInvoicesOfTheLatestSixMonthsAreKept_soAnEarlierMonthIsRefusedWithTheReason() {
        List<EventEnvelope> events = new java.util.ArrayList<>();
        events.add(started("e-0", "2026-01-01T00:00:00Z", "basic", "31.00"));
        for (int m = 1; m <= 7; m++) events.add(invoiceRequested("inv-" + m, "2026-08-01T00:0" + m + ":00Z", "2026-0" + m));
        events.add(reversed("r-1", "2026-08-02T00:00:00Z", "inv-1"));
        events.add(invoiceRequested("inv-1b", "2026-08-03T00:00:00Z", "2026-01"));
        events.add(invoiceRequested("inv-7b", "2026-08-03T00:01:00Z", "2026-07"));

        Subscription s = fold(versioned(events));

        assertEquals(List.of("inv-1b: the invoices of 2026-01 and before are no longer kept (those of the latest 6 months invoiced are)",
                        "inv-7b: period 2026-07 is already invoiced by inv-7"),
                s.rejected().stream().map(r -> r.eventId() + ": " + r.reason()).toList());
        assertEquals(6, s.invoicesIssued(), "7 invoices, one voided");
        assertEquals(6, s.invoiced().size());
        // a full month of 31.00 each: February to July
        assertEquals("186.00", s.invoicedNet().toPlainString());
    }

    @Test
    void aStateOfTheShapeBeforeLogicVersion2FailsToDecodeNamingTheProcessorAndTheRebuild() {
        JsonNode old = json("""
                {"started":false,"status":"unstarted","invoicesIssued":0,"invoicedNet":"0.00","reversals":0,"rejectedCount":0,
                 "prices":[],"invoices":{},"reversed":{},"rejected":[]}""");

        OutdatedStateShape e = assertThrows(OutdatedStateShape.class, () -> projection.decode(old));

        assertEquals("subscriptions", e.processor());
        assertTrue(e.getMessage().contains("playback rebuild --processor subscriptions"), e.getMessage());
    }

    @Test
    void anEventOfAnotherDomainLeavesTheStateAsItIs() {
        Subscription s = fold(versioned(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00")));

        assertSame(s, projection.apply(s, Events.at("x-1", "2026-03-12T00:00:00Z", "MoneyDeposited", "{\"amount\":\"5.00\"}")));
    }

    @Test
    void theStateReadsBackAsItWasWritten() {
        Subscription s = fold(versioned(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"),
                invoiceRequested("inv-03", "2026-04-01T00:05:00Z", "2026-03"),
                reversed("r-1", "2026-04-02T00:00:00Z", "inv-03"),
                planChanged("e-4", "2026-04-16T08:00:00Z", "pro", "60.00"),
                cancelled("e-5", "2026-04-21T12:00:00Z"),
                started("e-6", "2026-04-22T00:00:00Z", "basic", "31.00")));

        assertEquals(s, projection.decode(projection.encode(s)));
    }
}

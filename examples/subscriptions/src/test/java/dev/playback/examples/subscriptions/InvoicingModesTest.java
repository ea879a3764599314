package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.Correction;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.Reversals;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.subscriptions.Events.cancelled;
import static dev.playback.examples.subscriptions.Events.invoiceRequested;
import static dev.playback.examples.subscriptions.Events.planChanged;
import static dev.playback.examples.subscriptions.Events.reversed;
import static dev.playback.examples.subscriptions.Events.started;
import static dev.playback.examples.subscriptions.Events.versioned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invoicing processor through the gateway, as the generic handlers run it: live, then a {@code diff} replay with
 * the fixed proration rule that sends only the corrections, then reversals. Every expected amount is worked out by hand
 * in the comments.
 */
class InvoicingModesTest {
    /** DE's rate is 0.19 until March 2026 and 0.20 from April 2026 on. */
    private final FakeTaxAndInvoices external = new FakeTaxAndInvoices().rate("DE", "2000-01-01", "0.19").rate("DE", "2026-04-01", "0.20");
    private final GatewayPorts ports = new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog());

    /**
     * Started on January 11th at 31.00, pro at 60.00 from April 16th, cancelled on May 10th; January, February, April
     * and May invoiced.
     */
    static final List<EventEnvelope> HISTORY = versioned(
            started("s-1", "2026-01-11T10:00:00Z", "basic", "31.00"),
            invoiceRequested("inv-2026-01", "2026-02-01T00:05:00Z", "2026-01"),
            invoiceRequested("inv-2026-02", "2026-03-01T00:05:00Z", "2026-02"),
            planChanged("pc-1", "2026-04-16T08:00:00Z", "pro", "60.00"),
            invoiceRequested("inv-2026-04", "2026-05-01T00:05:00Z", "2026-04"),
            cancelled("c-1", "2026-05-10T12:00:00Z"),
            invoiceRequested("inv-2026-05", "2026-05-31T18:00:00Z", "2026-05"));

    private static String invoice(String id, String period, String net, String tax, String total) {
        return "{\"invoiceId\":\"" + id + "\",\"customer\":\"Ada\",\"period\":\"" + period + "\",\"currency\":\"EUR\",\"net\":\"" + net
                + "\",\"tax\":\"" + tax + "\",\"total\":\"" + total + "\"}";
    }

    /** What v2 bills, worked out by hand (tax: net × 0.19 before April, × 0.20 from April, half-even). */
    private static final Map<String, BigDecimal> V2_TOTALS = Map.of(
            "inv-2026-01", new BigDecimal("24.99"),  // 21 days × 31.00 / 31 = 21.00; tax 3.99
            "inv-2026-02", new BigDecimal("36.89"),  // 28 days × 31.00 / 28 = 31.00; tax 5.89
            "inv-2026-04", new BigDecimal("54.60"),  // (15 × 31.00 + 15 × 60.00) / 30 = 1365 / 30 = 45.50; tax 9.10
            "inv-2026-05", new BigDecimal("20.90")); // 9 days × 60.00 / 31 = 540 / 31 = 17.419… → 17.42; tax 3.484 → 3.48

    private InvoicingState run(Proration rule, GatewayRun run, GatewayReport report, List<EventEnvelope> events) {
        GatewayBinding<InvoicingState> p = new GatewayBinding<>(new InvoicingProcessor(rule), ports, run, report);
        return Reversals.fold(p, Events.SUB, p.initial(Events.SUB), List.of(), events);
    }

    private static List<EventEnvelope> with(List<EventEnvelope> history, EventEnvelope... more) {
        List<EventEnvelope> all = new ArrayList<>(history);
        for (EventEnvelope e : more) all.add(e.withVersion(all.size() + 1));
        return all;
    }

    private static List<String> commands(List<Correction> corrections) {
        return corrections.stream().map(c -> c.eventId() + " " + c.command()).toList();
    }

    @Test
    void liveSendsEachInvoiceOnceWithTheTaxRateOfItsMonth() {
        run(Proration.V1, GatewayRun.live(), new GatewayReport(), HISTORY);

        assertEquals(List.of(
                // v1: 651 / 30 = 21.70, tax 4.123 → 4.12
                invoice("inv-2026-01", "2026-01", "21.70", "4.12", "25.82"),
                // v1: 868 / 30 = 28.933… → 28.93, tax 5.4967 → 5.50
                invoice("inv-2026-02", "2026-02", "28.93", "5.50", "34.43"),
                // April has 30 days: v1 = v2 = 45.50, tax at 0.20: 9.10
                invoice("inv-2026-04", "2026-04", "45.50", "9.10", "54.60"),
                // v1: 540 / 30 = 18.00, tax 3.60
                invoice("inv-2026-05", "2026-05", "18.00", "3.60", "21.60")),
                external.invoices().stream().map(JsonNode::toString).toList());
        assertEquals(List.of("{\"country\":\"DE\",\"date\":\"2026-01-01\"}", "{\"country\":\"DE\",\"date\":\"2026-02-01\"}",
                "{\"country\":\"DE\",\"date\":\"2026-04-01\"}", "{\"country\":\"DE\",\"date\":\"2026-05-01\"}"),
                external.taxRequests.stream().map(JsonNode::toString).toList());
    }

    @Test
    void aDiffReplayWithTheFixedRuleSendsOnlyTheCorrections_andASecondOneSendsNothing() {
        run(Proration.V1, GatewayRun.live(), new GatewayReport(), HISTORY);
        external.rate("DE", "2000-01-01", "0.25").rate("DE", "2026-04-01", "0.25");
        GatewayReport fix = new GatewayReport();

        run(Proration.V2, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), fix, HISTORY);

        assertEquals(List.of(
                // 21.00 − 21.70, 3.99 − 4.12, 24.99 − 25.82
                "inv-2026-01 " + invoice("inv-2026-01", "2026-01", "-0.70", "-0.13", "-0.83"),
                // 31.00 − 28.93, 5.89 − 5.50, 36.89 − 34.43
                "inv-2026-02 " + invoice("inv-2026-02", "2026-02", "2.07", "0.39", "2.46"),
                // April agrees; 17.42 − 18.00, 3.48 − 3.60, 20.90 − 21.60
                "inv-2026-05 " + invoice("inv-2026-05", "2026-05", "-0.58", "-0.12", "-0.70")),
                commands(fix.corrections()));
        assertEquals(7, external.invoices().size(), "4 invoices and 3 corrections");
        assertEquals(4, external.taxRequests.size(), "the replay used the recorded rates, not the service's new ones");
        assertEquals(V2_TOTALS, external.totalPerInvoice());

        GatewayReport again = new GatewayReport();
        run(Proration.V2, GatewayRun.replay("fix-2", GatewayMode.DIFF, MissingRecord.FAIL), again, HISTORY);

        assertEquals(List.of(), again.corrections());
        assertEquals(7, external.invoices().size());
    }

    @Test
    void aReversalAfterTheDiffReplayTakesBackWhatTheInvoiceServiceHolds() {
        run(Proration.V1, GatewayRun.live(), new GatewayReport(), HISTORY);
        run(Proration.V2, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), new GatewayReport(), HISTORY);

        run(Proration.V2, GatewayRun.live(), new GatewayReport(), with(HISTORY, reversed("rev-1", "2026-06-02T09:00:00Z", "inv-2026-02")));

        // 34.43 sent + 2.46 corrected = 36.89 held, taken back whole
        assertEquals(invoice("inv-2026-02", "2026-02", "-31.00", "-5.89", "-36.89"), last());
        assertEquals(0, new BigDecimal("0.00").compareTo(external.totalPerInvoice().get("inv-2026-02")));
        assertEquals(8, external.invoices().size());
    }

    @Test
    void reversingTheReversalBillsTheInvoiceAgain() {
        List<EventEnvelope> voided = with(HISTORY, reversed("rev-1", "2026-06-02T09:00:00Z", "inv-2026-02"));
        run(Proration.V2, GatewayRun.live(), new GatewayReport(), voided);

        InvoicingState s = run(Proration.V2, GatewayRun.live(), new GatewayReport(),
                with(voided, reversed("rev-2", "2026-06-03T09:00:00Z", "rev-1")));

        assertEquals(invoice("inv-2026-02", "2026-02", "31.00", "5.89", "36.89"), last());
        assertEquals(V2_TOTALS, external.totalPerInvoice());
        assertEquals(4, s.subscription().invoicesIssued());
        assertEquals(6, external.invoices().size(), "4 invoices, the take-back and the billing again; nothing sent twice");
    }

    @Test
    void aDiffReplayOverAVoidedInvoiceCorrectsItsTakeBackToo_soItStaysVoided() {
        List<EventEnvelope> voided = with(HISTORY, reversed("rev-1", "2026-06-02T09:00:00Z", "inv-2026-01"));
        run(Proration.V1, GatewayRun.live(), new GatewayReport(), voided);
        GatewayReport fix = new GatewayReport();

        run(Proration.V2, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), fix, voided);

        assertEquals(List.of(
                "inv-2026-01 " + invoice("inv-2026-01", "2026-01", "-0.70", "-0.13", "-0.83"),
                "inv-2026-02 " + invoice("inv-2026-02", "2026-02", "2.07", "0.39", "2.46"),
                "inv-2026-05 " + invoice("inv-2026-05", "2026-05", "-0.58", "-0.12", "-0.70"),
                // the take-back was −25.82; now it must be −24.99
                "rev-1 " + invoice("inv-2026-01", "2026-01", "0.70", "0.13", "0.83")),
                commands(fix.corrections()));
        assertEquals(Map.of("inv-2026-01", new BigDecimal("0.00"), "inv-2026-02", new BigDecimal("36.89"),
                "inv-2026-04", new BigDecimal("54.60"), "inv-2026-05", new BigDecimal("20.90")), external.totalPerInvoice());
    }

    @Test
    void aSuppressReplaySendsNothingAndAsksNothing() {
        run(Proration.V1, GatewayRun.live(), new GatewayReport(), HISTORY);
        GatewayReport look = new GatewayReport();

        run(Proration.V2, GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), look, HISTORY);

        assertEquals(4, look.suppressed().size());
        assertEquals(4, external.invoices().size());
        assertEquals(4, external.taxRequests.size());
        assertTrue(look.corrections().isEmpty());
    }

    private String last() {
        List<JsonNode> all = external.invoices();
        return all.get(all.size() - 1).toString();
    }
}

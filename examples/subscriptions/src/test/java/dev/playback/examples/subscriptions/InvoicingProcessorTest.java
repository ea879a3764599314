package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Gateway;
import dev.playback.model.processor.OutdatedStateShape;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.ReversalOutcome;
import dev.playback.model.processor.ReversedEvent;
import dev.playback.model.processor.Reversing;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.playback.examples.subscriptions.Events.invoiceRequested;
import static dev.playback.examples.subscriptions.Events.reversed;
import static dev.playback.examples.subscriptions.Events.started;
import static dev.playback.examples.subscriptions.Events.versioned;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the invoicing processor asks and sends for an invoice, and what a reversal has the gateway take back. */
class InvoicingProcessorTest {
    /** A gateway that answers every tax query with {@code rate} and keeps what is asked and sent. */
    private static class Recording implements Gateway {
        private final String rate;
        final List<String> calls = new ArrayList<>();
        final List<JsonNode> sent = new ArrayList<>();

        Recording(String rate) {
            this.rate = rate;
        }

        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            calls.add("query " + site.id() + " " + request);
            return json("{\"rate\":\"" + rate + "\"}");
        }

        @Override
        public void send(CallSite site, JsonNode command) {
            calls.add("send " + site.id());
            sent.add(command);
        }

        @Override
        public void compensate(CallSite site, String eventId) {
            calls.add("compensate " + site.id() + " " + eventId);
        }
    }

    /** The processor with {@code gateway} as a processor, so that the toolkit decides its reversals ({@link Reversing}). */
    private record WithGateway(InvoicingProcessor p, Gateway gateway) implements Processor<InvoicingState> {
        public String name() {
            return p.name();
        }

        public InvoicingState initial(String aggregateId) {
            return p.initial(aggregateId);
        }

        public InvoicingState apply(InvoicingState s, EventEnvelope e) {
            return p.apply(s, e, gateway);
        }

        public JsonNode encode(InvoicingState s) {
            return p.encode(s);
        }

        public InvoicingState decode(JsonNode json) {
            return p.decode(json);
        }

        public Optional<String> reverses(EventEnvelope e) {
            return p.reverses(e);
        }

        public boolean reversalsFromEvents() {
            return p.reversalsFromEvents();
        }

        public ReversalOutcome<InvoicingState> applyReversal(InvoicingState s, EventEnvelope reversal, ReversedEvent target) {
            return p.applyReversal(s, reversal, target, gateway);
        }

        public Optional<JsonNode> note(InvoicingState before, InvoicingState after, EventEnvelope e) {
            return p.note(before, after, e);
        }

        public InvoicingState applyUnresolvable(InvoicingState s, EventEnvelope reversal, String reason) {
            return p.applyUnresolvable(s, reversal, reason);
        }
    }

    private static InvoicingState run(InvoicingProcessor p, Gateway gateway, List<EventEnvelope> events) {
        return Reversing.fold(new WithGateway(p, gateway), Events.SUB, events);
    }

    private static final List<EventEnvelope> MARCH = versioned(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"),
            invoiceRequested("inv-03", "2026-04-01T00:05:00Z", "2026-03"));

    @Test
    void anInvoiceAsksTheTaxOfTheCountryOnTheFirstDayOfTheMonthAndSendsNetTaxAndTotal() {
        Recording gateway = new Recording("0.19");

        run(new InvoicingProcessor(Proration.V2), gateway, MARCH);

        assertEquals(List.of("query tax.rate {\"country\":\"DE\",\"date\":\"2026-03-01\"}", "send billing.invoice"), gateway.calls);
        // 21.00 × 0.19 = 3.99
        assertEquals("{\"invoiceId\":\"inv-03\",\"customer\":\"Ada\",\"period\":\"2026-03\",\"currency\":\"EUR\","
                + "\"net\":\"21.00\",\"tax\":\"3.99\",\"total\":\"24.99\"}", gateway.sent.get(0).toString());
    }

    @Test
    void theTaxIsTheNetTimesTheAnsweredRateRoundedHalfEvenToCents() {
        Recording gateway = new Recording("0.07");

        InvoicingState s = run(new InvoicingProcessor(Proration.V1), gateway, MARCH);

        // v1: 21.70 × 0.07 = 1.519 → 1.52; total 23.22
        assertEquals("21.70", s.subscription().invoicedNet().toPlainString());
        assertEquals("{\"invoiceId\":\"inv-03\",\"customer\":\"Ada\",\"period\":\"2026-03\",\"currency\":\"EUR\","
                + "\"net\":\"21.70\",\"tax\":\"1.52\",\"total\":\"23.22\"}", gateway.sent.get(0).toString());
    }

    @Test
    void aHalfCentOfTaxIsRoundedToTheEvenCent() {
        // 12.50 × 0.19 = 2.375 → 2.38 (the even cent); 12.50 × 0.17 = 2.125 → 2.12
        InvoicingProcessor p = new InvoicingProcessor(Proration.V2);

        assertEquals("2.38", p.decide("i", "2026-03", new java.math.BigDecimal("12.50"), new java.math.BigDecimal("0.19")).tax().toPlainString());
        assertEquals("2.12", p.decide("i", "2026-03", new java.math.BigDecimal("12.50"), new java.math.BigDecimal("0.17")).tax().toPlainString());
    }

    @Test
    void aTaxAnswerWithoutARateFailsNamingTheAnswer() {
        Gateway broken = new Recording("0.19") {
            @Override
            public JsonNode query(CallSite site, JsonNode request) {
                return json("{\"percent\":19}");
            }
        };

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(new InvoicingProcessor(Proration.V2), broken, MARCH));

        assertEquals("tax service answer has no 'rate': {\"percent\":19}", e.getMessage());
    }

    @Test
    void aRejectedInvoiceRequestAsksAndSendsNothing() {
        Recording gateway = new Recording("0.19");

        run(new InvoicingProcessor(Proration.V2), gateway, versioned(started("e-1", "2026-03-11T10:00:00Z", "basic", "31.00"),
                invoiceRequested("inv-02", "2026-03-12T00:05:00Z", "2026-02")));

        assertEquals(List.of(), gateway.calls);
    }

    @Test
    void aReversalOfAnInvoiceHasTheGatewayTakeBackWhatReachedTheInvoiceService() {
        Recording gateway = new Recording("0.19");
        List<EventEnvelope> events = new ArrayList<>(MARCH);
        events.add(reversed("r-1", "2026-04-02T00:00:00Z", "inv-03").withVersion(3));

        run(new InvoicingProcessor(Proration.V2), gateway, events);

        assertEquals("compensate billing.invoice inv-03", gateway.calls.get(gateway.calls.size() - 1));
    }

    @Test
    void reversingThatReversalHasTheGatewayTakeBackTheTakeBack_soTheInvoiceIsBilledAgain() {
        Recording gateway = new Recording("0.19");
        List<EventEnvelope> events = new ArrayList<>(MARCH);
        events.add(reversed("r-1", "2026-04-02T00:00:00Z", "inv-03").withVersion(3));
        events.add(reversed("r-2", "2026-04-03T00:00:00Z", "r-1").withVersion(4));

        InvoicingState s = run(new InvoicingProcessor(Proration.V2), gateway, events);

        assertEquals(List.of("compensate billing.invoice inv-03", "compensate billing.invoice r-1"),
                gateway.calls.subList(gateway.calls.size() - 2, gateway.calls.size()));
        assertEquals(1, s.subscription().invoicesIssued());
        assertEquals("21.00", s.subscription().invoicedNet().toPlainString(), "21 days × 31.00 / 31, counted again");
    }

    @Test
    void reversingAnInvoiceAlreadyVoidedTakesNothingBackAgain() {
        Recording gateway = new Recording("0.19");
        List<EventEnvelope> events = new ArrayList<>(MARCH);
        events.add(reversed("r-1", "2026-04-02T00:00:00Z", "inv-03").withVersion(3));
        events.add(reversed("r-2", "2026-04-03T00:00:00Z", "inv-03").withVersion(4));

        InvoicingState s = run(new InvoicingProcessor(Proration.V2), gateway, events);

        assertEquals(1, gateway.calls.stream().filter(c -> c.startsWith("compensate")).count());
        assertEquals(List.of("r-2: event inv-03 is already reversed by r-1"),
                s.subscription().rejected().stream().map(r -> r.eventId() + ": " + r.reason()).toList());
    }

    @Test
    void aStateOfTheShapeThatKeptWhatWasBilledFailsToDecodeNamingTheProcessorAndTheRebuild() {
        InvoicingProcessor p = new InvoicingProcessor(Proration.V2);
        JsonNode old = json("{\"subscription\":{\"started\":false,\"invoices\":{},\"reversed\":{}},\"billed\":{}}");

        OutdatedStateShape e = assertThrows(OutdatedStateShape.class, () -> p.decode(old));

        assertEquals("invoicing", e.processor());
        assertTrue(e.getMessage().contains("playback rebuild --processor invoicing"), e.getMessage());
    }

    @Test
    void theStateReadsBackAsItWasWritten() {
        InvoicingProcessor p = new InvoicingProcessor(Proration.V1);
        InvoicingState s = run(p, new Recording("0.19"), MARCH);

        assertEquals(s, p.decode(p.encode(s)));
    }
}

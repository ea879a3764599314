package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.subscriptions.Events.invoiceRequested;
import static dev.playback.examples.subscriptions.Events.planChanged;
import static dev.playback.examples.subscriptions.Events.reversed;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The domain run by Playback's own {@link Projector} over an event log, as the generic handlers run it: stored events
 * are upcast on read, and a reversal the state cannot undo rebuilds the subscription from the log.
 */
class ThroughTheProjectorTest {
    private static final EventCatalog CATALOG = new EventCatalog(new Subscriptions().eventTypes());
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final FakeTaxAndInvoices external = new FakeTaxAndInvoices().rate("DE", "2000-01-01", "0.19");
    private final GatewayPorts ports = new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog());

    /** A start written by the first release, with its price in cents (schema 1). */
    private static final EventEnvelope STARTED_V1 = new EventEnvelope("s-1", Events.SUB, "SubscriptionStarted", 1, null, null,
            Instant.parse("2026-05-01T10:00:00Z"), Instant.parse("2026-05-01T10:00:00Z"),
            json("{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPriceCents\":3100,\"currency\":\"EUR\",\"country\":\"DE\"}"), null,
            EventMetadata.NONE);

    /** Appends {@code e} as the ingest does: its status claimed (how a reversal's target is found by its id), then the event. */
    private void append(EventEnvelope e) {
        EventEnvelope v = e.withVersion(log.latestVersion(Events.SUB) + 1);
        log.record(new EventStatus.Claimed(v.eventId(), v.aggregateId(), v.versionOrZero(), v.recordedAt()));
        List<EventEnvelope> notWritten = log.write(List.of(v));
        assertEquals(List.of(), notWritten);
    }

    private JsonNode state(String processor, String generation) {
        return states.load(processor, generation, Events.SUB).map(ProcessorState::state).orElseThrow();
    }

    @Test
    void aSchemaOneStartIsReadUpcast_andReversingAPlanChangeRebuildsTheSubscriptionWithoutIt() {
        Projector<Subscription> projector = new Projector<>(new SubscriptionsProjection(), log, states, CATALOG);
        append(STARTED_V1);
        append(planChanged("pc-1", "2026-05-17T08:00:00Z", "pro", "62.00"));
        projector.catchUp("g1", Events.SUB, Long.MAX_VALUE);
        assertEquals("62.00", state("subscriptions", "g1").path("monthlyPrice").asText());

        append(reversed("r-1", "2026-05-18T09:00:00Z", "pc-1"));
        append(invoiceRequested("inv-05", "2026-06-01T00:05:00Z", "2026-05"));
        projector.catchUp("g1", Events.SUB, Long.MAX_VALUE);

        JsonNode s = state("subscriptions", "g1");
        assertEquals("basic", s.path("plan").asText());
        assertEquals("31.00", s.path("monthlyPrice").asText(), "3100 cents");
        assertEquals("31.00", s.path("invoicedNet").asText(), "all of May at 31.00");
        assertEquals(1, s.path("reversals").asInt());
    }

    @Test
    void anInvoiceReversedAfterTheRebuildWithoutAnEarlierPlanChangeIsVoidedByItsRebuiltNet() {
        Projector<Subscription> projector = new Projector<>(new SubscriptionsProjection(), log, states, CATALOG);
        append(STARTED_V1);
        append(planChanged("pc-1", "2026-05-17T08:00:00Z", "pro", "62.00"));
        append(invoiceRequested("inv-05", "2026-06-01T00:05:00Z", "2026-05"));
        projector.catchUp("g1", Events.SUB, Long.MAX_VALUE);
        // May: 16 days at 31.00 and 15 at 62.00 = 1426.00 / 31 = 46.00
        assertEquals("46.00", state("subscriptions", "g1").path("invoicedNet").asText());

        append(reversed("r-1", "2026-06-02T09:00:00Z", "pc-1"));
        projector.catchUp("g1", Events.SUB, Long.MAX_VALUE);
        assertEquals("31.00", state("subscriptions", "g1").path("invoicedNet").asText(), "rebuilt without the plan change: all of May at 31.00");

        append(reversed("r-2", "2026-06-03T09:00:00Z", "inv-05"));
        projector.catchUp("g1", Events.SUB, Long.MAX_VALUE);

        JsonNode s = state("subscriptions", "g1");
        assertEquals("0.00", s.path("invoicedNet").asText(), "the invoice's net as rebuilt (31.00) taken out, not the 46.00 it had before");
        assertEquals(0, s.path("invoicesIssued").asInt());
    }

    @Test
    void liveThenAReversalOfTheInvoiceAndOfThatReversal_thenARebuildThatSendsNothing() {
        Projector<InvoicingState> live = new Projector<>(new GatewayBinding<>(new InvoicingProcessor(Proration.V2), ports,
                GatewayRun.live(), new GatewayReport()), log, states, CATALOG);
        append(STARTED_V1);
        append(invoiceRequested("inv-05", "2026-06-01T00:05:00Z", "2026-05"));
        live.catchUp("g1", Events.SUB, Long.MAX_VALUE);
        append(reversed("r-1", "2026-06-02T09:00:00Z", "inv-05"));
        live.catchUp("g1", Events.SUB, Long.MAX_VALUE);
        append(reversed("r-2", "2026-06-03T09:00:00Z", "r-1"));
        live.catchUp("g1", Events.SUB, Long.MAX_VALUE);

        // all of May at 31.00 = 31.00, tax 5.89: billed, taken back, billed again
        assertEquals(List.of("31.00/5.89/36.89", "-31.00/-5.89/-36.89", "31.00/5.89/36.89"), external.invoices().stream()
                .map(c -> c.path("net").asText() + "/" + c.path("tax").asText() + "/" + c.path("total").asText()).toList());
        assertEquals(Map.of("inv-05", new BigDecimal("36.89")), external.totalPerInvoice());
        assertEquals(1, state("invoicing", "g1").path("subscription").path("invoicesIssued").asInt());

        GatewayReport report = new GatewayReport();
        new Projector<>(new GatewayBinding<>(new InvoicingProcessor(Proration.V2), ports,
                GatewayRun.replay("rebuild-1", GatewayMode.SUPPRESS, MissingRecord.FAIL), report), log, states, CATALOG)
                .rebuild("g2", Events.SUB);

        assertEquals(3, external.invoices().size(), "the rebuild sends nothing");
        assertEquals(List.of(), report.sent());
        assertEquals(state("invoicing", "g1"), state("invoicing", "g2"), "the rebuilt state is the live one");
    }
}

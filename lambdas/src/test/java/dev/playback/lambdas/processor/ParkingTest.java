package dev.playback.lambdas.processor;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.lambdas.aws.kinesis.InMemorySetAside;
import dev.playback.lambdas.telemetry.EmbeddedMetrics;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.parking.Parked;
import dev.playback.model.parking.Parking;
import dev.playback.model.parking.Unpark;
import dev.playback.model.playback.GatewayProcessing;
import dev.playback.model.playback.Projection;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryParkedAggregates;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.playback.lambdas.LogCapture;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.batch;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.record;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parking through the processor function: the balances projection and the payouts processor (fee rule v3 has a real bug:
 * a payout in a currency without a minimum fee throws) on the ledger, then the fix (v4) and {@link Unpark}.
 */
class ParkingTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final FakeExternalSystems bank = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
    private final GatewayPorts ports = new GatewayPorts(bank, new InMemoryQueryRecords(), new InMemoryCommandLog());
    private final InMemoryEventLog events = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemoryReplayStore replays = new InMemoryReplayStore();
    private final InMemoryParkedAggregates parked = new InMemoryParkedAggregates();
    private final Parking parking = new Parking(parked, ProcessorHandler::transientFailure, Clock.fixed(NOW, ZoneOffset.UTC));
    private final AtomicInteger sequence = new AtomicInteger();
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    /** The function running balances and payouts with {@code rule}, aggregates one after another. */
    private ProcessorHandler function(FeeRule rule) {
        Projection balances = new Projection(List.of(new Projector<>(new BalancesProjection(), events, states, Ledger.catalog())),
                states, replays, Runnable::run, true, parking);
        GatewayProcessing payouts = new GatewayProcessing(new PayoutsProcessor(rule), ports, events, states, replays, Ledger.catalog(),
                Optional.empty(), Runnable::run, dev.playback.model.metrics.Metrics.NONE, parking);
        return new ProcessorHandler(Optional.of(balances), List.of(payouts), new InMemorySetAside(),
                new EmbeddedMetrics(EmbeddedMetrics.DEFAULT_NAMESPACE, Clock.systemUTC()), Clock.systemUTC(), parking);
    }

    /** The pump's part: appends {@code stream} and delivers it to {@code function} in one record. */
    private StreamsEventResponse deliver(ProcessorHandler function, List<EventEnvelope> stream) {
        return function.handleRequest(batch(record(Integer.toString(sequence.incrementAndGet()), stream)), null);
    }

    private static EventEnvelope payout(String id, String account, String amount, String currency, long version) {
        return event(id, account, "PayoutRequested", json("{\"amount\":\"" + amount + "\",\"targetCurrency\":\"" + currency
                + "\",\"beneficiary\":\"Bob\"}")).withVersion(version);
    }

    private final List<EventEnvelope> acc1 = List.of(opened("a1-1", "acc-1").withVersion(1), deposited("a1-2", "acc-1", "100.00").withVersion(2),
            payout("p-1", "acc-1", "20.00", "EUR", 3));
    private final EventEnvelope acc1Later = deposited("a1-4", "acc-1", "5.00").withVersion(4);
    private final List<EventEnvelope> acc2 = List.of(opened("a2-1", "acc-2").withVersion(1), deposited("a2-2", "acc-2", "50.00").withVersion(2),
            payout("p-2", "acc-2", "10.00", "USD", 3));

    private long version(String processor, String account) {
        return states.load(processor, "g0", account).orElseThrow().version();
    }

    private JsonNode state(String processor, String account) {
        return states.load(processor, "g0", account).orElseThrow().state();
    }

    /** Under v3: acc-1's payout in EUR parks acc-1 for payouts, acc-2 flows; then acc-1's next event is held back. */
    private ProcessorHandler parkAcc1() {
        ProcessorHandler v3 = function(FeeRule.V3);
        events.write(acc1);
        events.write(acc2);
        assertEquals(List.of(), deliver(v3, acc1).getBatchItemFailures());
        assertEquals(List.of(), deliver(v3, acc2).getBatchItemFailures());
        events.write(List.of(acc1Later));
        assertEquals(List.of(), deliver(v3, List.of(acc1Later)).getBatchItemFailures());
        return v3;
    }

    @Test
    void aBugInOneAggregatesEventParksItForThatProcessorOnlyAndEveryOtherAggregateFlows() {
        parkAcc1();

        assertEquals(List.of(new Parked("payouts", "acc-1", "g0", "p-1", 3, "java.lang.NullPointerException",
                parked.all().get(0).errorMessage(), NOW)), parked.all());
        assertEquals(2, version("payouts", "acc-1"), "the state stays at the version before the failing event");
        assertEquals(3, version("payouts", "acc-2"));
        assertEquals(Map.of("p-2", new BigDecimal("10.35")), bank.netPerPayout(), "10.00 × 1.0850 = 10.85 − the USD minimum 0.50");
        assertEquals(4, version("balances", "acc-1"), "balances does not park it");
        assertEquals("85.00", state("balances", "acc-1").path("balance").asText());
    }

    @Test
    void theParkIsLoggedAndEachBatchWritesTheNumberOfParkedAggregatesPerProcessor() throws Exception {
        parkAcc1();

        assertTrue(logs.messages().stream().anyMatch(m -> m.startsWith("parked acc-1 for payouts at version 3 (event p-1, generation g0): "
                + "java.lang.NullPointerException")), logs.messages().toString());
        List<String> parkedCounts = new ArrayList<>();
        for (String line : logs.metricLines()) {
            JsonNode emf = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            if (emf.has("ParkedAggregates")) parkedCounts.add(emf.path("Processor").asText() + "=" + emf.path("ParkedAggregates").asInt());
        }
        // per batch (acc-1's, which parks it; acc-2's; acc-1's held-back deposit) one line per processor
        java.util.Collections.sort(parkedCounts);
        assertEquals(List.of("balances=0", "balances=0", "balances=0", "payouts=1", "payouts=1", "payouts=1"), parkedCounts);
    }

    @Test
    void theParkedAggregatesLaterEventsAreHeldBackNotRetried() {
        parkAcc1();

        assertEquals(2, version("payouts", "acc-1"));
        assertEquals(List.of("acc-1"), parked.all().stream().map(Parked::aggregateId).toList());
        assertEquals(3, parked.all().get(0).version(), "still parked at the event that failed");
    }

    @Test
    void anExternalSystemsFailureAndAnAwsFailureAreRetriedNotParked() {
        ProcessorHandler v3 = function(FeeRule.V3);
        List<EventEnvelope> acc3 = List.of(opened("a3-1", "acc-3").withVersion(1), deposited("a3-2", "acc-3", "50.00").withVersion(2),
                payout("p-3", "acc-3", "10.00", "GBP", 3));
        events.write(acc3);

        StreamsEventResponse response = deliver(v3, acc3);

        assertEquals(1, response.getBatchItemFailures().size(), "the FX service has no EUR/GBP rate: retried");
        assertEquals(List.of(), parked.all());
        assertTrue(ProcessorHandler.transientFailure(SdkClientException.create("connection reset")));
        assertFalse(ProcessorHandler.transientFailure(new NullPointerException()));
    }

    /** Unparks through a feed that delivers the redelivered event to {@code function}, as the playback stream would. */
    private Unpark unpark(ProcessorHandler function, List<EventEnvelope> redelivered) {
        return new Unpark(parked, events, evs -> {
            redelivered.addAll(evs);
            assertEquals(List.of(), deliver(function, evs).getBatchItemFailures());
        }, states, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);
    }

    @Test
    void afterTheFixUnparkAppliesTheHeldEventsInOrderOnceAndSendsThePayoutOnce() {
        parkAcc1();
        List<EventEnvelope> redelivered = new ArrayList<>();
        Unpark unpark = unpark(function(FeeRule.V4), redelivered);

        List<Unpark.Outcome> outcomes = unpark.unpark(unpark.select(Optional.of("acc-1"), Optional.empty()));

        assertEquals(1, outcomes.size());
        Unpark.Outcome.Unparked done = assertInstanceOf(Unpark.Outcome.Unparked.class, outcomes.get(0));
        assertEquals(4, done.version());
        assertEquals(List.of("a1-4"), redelivered.stream().map(EventEnvelope::eventId).toList(), "the latest event, redelivered");
        assertEquals(List.of(), parked.all());
        JsonNode payouts = state("payouts", "acc-1");
        assertEquals(4, states.load("payouts", "g0", "acc-1").orElseThrow().version());
        assertEquals(List.of(true, 2L, 1L, 0L), List.of(payouts.path("ledger").path("opened").asBoolean(),
                payouts.path("ledger").path("deposits").asLong(), payouts.path("ledger").path("payouts").asLong(),
                payouts.path("ledger").path("rejectedCount").asLong()), "opened, two deposits and the payout: each applied once");
        assertEquals("85.00", payouts.path("ledger").path("balance").asText(), "100.00 − 20.00 + 5.00");
        assertEquals(Map.of("p-2", new BigDecimal("10.35"), "p-1", new BigDecimal("19.50")), bank.netPerPayout(),
                "20.00 − the default minimum 0.50 under v4");
        assertEquals(2, bank.sendCalls.get(), "one send per payout");
    }

    @Test
    void unparkingAgainOrRedeliveringAgainAppliesNothingTwice() {
        parkAcc1();
        ProcessorHandler v4 = function(FeeRule.V4);
        Unpark unpark = unpark(v4, new ArrayList<>());
        unpark.unpark(unpark.select(Optional.empty(), Optional.empty()));
        String before = state("payouts", "acc-1").toString();

        List<Parked> again = unpark.select(Optional.empty(), Optional.empty());
        assertEquals(List.of(), deliver(v4, List.of(acc1Later)).getBatchItemFailures());
        assertEquals(List.of(), deliver(v4, acc1).getBatchItemFailures());

        assertEquals(List.of(), again, "nothing left to unpark");
        assertEquals(before, state("payouts", "acc-1").toString());
        assertEquals(2, bank.sendCalls.get(), "no send repeated");
    }

    @Test
    void anEventThatStillFailsStaysParkedAndSaysWhy() {
        ProcessorHandler v3 = parkAcc1();
        Unpark unpark = unpark(v3, new ArrayList<>());

        List<Unpark.Outcome> outcomes = unpark.unpark(unpark.select(Optional.empty(), Optional.of("payouts")));

        Unpark.Outcome.StillParked still = assertInstanceOf(Unpark.Outcome.StillParked.class, outcomes.get(0));
        assertEquals(3, still.now().version());
        assertEquals("java.lang.NullPointerException", still.now().errorClass());
        assertEquals(2, version("payouts", "acc-1"));
        assertEquals(1, bank.sendCalls.get(), "only acc-2's payout");
    }
}

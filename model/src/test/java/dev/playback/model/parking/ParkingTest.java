package dev.playback.model.parking;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.ExternalCallFailed;
import dev.playback.model.gateway.MissingRecordException;
import dev.playback.model.processor.EventNotApplied;
import dev.playback.model.store.memory.InMemoryParkedAggregates;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParkingTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final InMemoryParkedAggregates store = new InMemoryParkedAggregates();
    /** The deployment knows one more transient failure: {@link IllegalMonitorStateException} stands for the SDK's. */
    private final Parking parking = new Parking(store, t -> t instanceof IllegalMonitorStateException, Clock.fixed(NOW, ZoneOffset.UTC));
    private final EventEnvelope event = event("p-1", "acc-1", "PayoutRequested", json("{\"amount\":\"20.00\"}")).withVersion(3);

    private EventNotApplied failed(RuntimeException cause) {
        return new EventNotApplied("payouts", event, cause);
    }

    @Test
    void aBugInTheProcessorParksItsAggregate() {
        assertTrue(parking.parks(failed(new NullPointerException("minimum is null"))));
        assertTrue(parking.parks(failed(new IllegalStateException("unexpected state"))));
        assertTrue(parking.parks(failed(new ArithmeticException("Non-terminating decimal expansion"))));
    }

    @Test
    void transientFailuresAndTheToolkitsSignalsAreRetriedNotParked() {
        assertFalse(parking.parks(failed(new UncheckedIOException(new IOException("connection reset")))));
        assertFalse(parking.parks(failed(new ExternalCallFailed(new CallSite("fx", "rate"), "p-1",
                new IllegalStateException("FX service answered 503")))));
        assertFalse(parking.parks(failed(new MissingRecordException("payouts", "p-1", new CallSite("fx", "rate"), "h"))));
        assertFalse(parking.parks(failed(new IllegalStateException("wrapped", new IllegalMonitorStateException("throttled")))),
                "a failure the deployment knows as transient, anywhere in the cause chain");
    }

    @Test
    void parkingOffParksNothingAndHoldsNothingBack() {
        assertFalse(Parking.OFF.parks(failed(new NullPointerException())));
        assertEquals(Set.of(), Parking.OFF.held("payouts"));
    }

    @Test
    void aParkRecordsTheEventTheErrorAndTheTimeAndIsCounted() {
        Parked parked = parking.park("g0", failed(new NullPointerException("minimum is null")));

        assertEquals(new Parked("payouts", "acc-1", "g0", "p-1", 3, "java.lang.NullPointerException", "minimum is null", NOW), parked);
        assertEquals(List.of(parked), store.all());
        assertEquals(Set.of("acc-1"), parking.held("payouts"));
        assertEquals(Map.of("payouts", 1), parking.drainCounts());
        assertEquals(Map.of(), parking.drainCounts(), "drained");
    }

    @Test
    void aLongErrorMessageIsCut() {
        Parked parked = parking.park("g0", failed(new IllegalStateException("x".repeat(5000))));
        assertEquals(1000, parked.errorMessage().length());
    }

    @Test
    void describesAParkOnOneLineWithItsGenerationWhenKnown() {
        Parked inG1 = new Parked("payouts", "acc-1", "g1", "p-1", 3, "java.lang.NullPointerException", "minimum is null", NOW);
        assertEquals("parked acc-1 for payouts at version 3 (event p-1, generation g1): java.lang.NullPointerException: minimum is null",
                Parking.describe(inG1));
        Parked anywhere = new Parked("payouts", "acc-1", null, "p-1", 3, "java.lang.NullPointerException", null, NOW);
        assertEquals("parked acc-1 for payouts at version 3 (event p-1): java.lang.NullPointerException: ", Parking.describe(anywhere));
    }
}

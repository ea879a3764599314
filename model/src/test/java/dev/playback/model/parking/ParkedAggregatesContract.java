package dev.playback.model.parking;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link ParkedAggregates} keeps: one record per processor and aggregate, read back as written. */
public abstract class ParkedAggregatesContract {
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

    protected abstract ParkedAggregates newParkedAggregates();

    private static Parked parked(String processor, String aggregateId, long version, String message) {
        return new Parked(processor, aggregateId, "g0", "e-" + version, version, "java.lang.NullPointerException", message, AT);
    }

    @Test
    void aParkedAggregateIsReadBackAsItWasWritten() {
        ParkedAggregates store = newParkedAggregates();
        Parked p = parked("payouts", "acc-1", 3, "minimum is null");

        store.park(p);

        assertEquals(Optional.of(p), store.find("payouts", "acc-1"));
        assertEquals(List.of(p), store.all());
        assertEquals(Set.of("acc-1"), store.aggregates("payouts"));
    }

    @Test
    void aggregatesAreParkedPerProcessor() {
        ParkedAggregates store = newParkedAggregates();
        store.park(parked("payouts", "acc-1", 3, "a"));
        store.park(parked("payouts", "acc-2", 7, "b"));
        store.park(parked("balances", "acc-1", 2, "c"));

        assertEquals(Set.of("acc-1", "acc-2"), store.aggregates("payouts"));
        assertEquals(Set.of("acc-1"), store.aggregates("balances"));
        assertEquals(Set.of(), store.aggregates("invoicing"));
        assertEquals(List.of("balances/acc-1", "payouts/acc-1", "payouts/acc-2"),
                store.all().stream().map(x -> x.processor() + "/" + x.aggregateId()).toList());
    }

    @Test
    void parkingAgainReplacesTheRecord() {
        ParkedAggregates store = newParkedAggregates();
        store.park(parked("payouts", "acc-1", 3, "first"));
        Parked again = parked("payouts", "acc-1", 3, "second");

        store.park(again);

        assertEquals(List.of(again), store.all());
    }

    @Test
    void removingTakesOnlyThatRecordAndSaysWhetherThereWasOne() {
        ParkedAggregates store = newParkedAggregates();
        store.park(parked("payouts", "acc-1", 3, "a"));
        store.park(parked("balances", "acc-1", 2, "b"));

        assertTrue(store.remove("payouts", "acc-1"));
        assertFalse(store.remove("payouts", "acc-1"));

        assertEquals(Optional.empty(), store.find("payouts", "acc-1"));
        assertEquals(Set.of("acc-1"), store.aggregates("balances"));
    }

    @Test
    void anEmptyErrorMessageAndNoGenerationAreKept() {
        ParkedAggregates store = newParkedAggregates();
        Parked p = new Parked("payouts", "acc-1", null, "e-3", 3, "java.lang.NullPointerException", "", AT);

        store.park(p);

        assertEquals(Optional.of(p), store.find("payouts", "acc-1"));
    }
}

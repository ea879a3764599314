package dev.playback.model.parking;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryParkedAggregates;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.playback.model.event.Envelopes.added;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnparkTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private final InMemoryParkedAggregates parked = new InMemoryParkedAggregates();
    private final InMemoryEventLog events = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final List<EventEnvelope> fed = new ArrayList<>();
    /** What the processor does with a redelivered event; nothing by default. */
    private Consumer<EventEnvelope> processor = e -> {
    };

    private Unpark unpark(Clock clock, Duration wait) {
        return new Unpark(parked, events, list -> {
            fed.addAll(list);
            list.forEach(processor);
        }, states, clock, wait);
    }

    private Unpark unpark() {
        return unpark(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO);
    }

    private void append(String aggregateId, int count) {
        for (int i = 0; i < count; i++) {
            long v = events.latestVersion(aggregateId) + 1;
            EventEnvelope e = added(aggregateId + "-" + v, aggregateId, "1").withVersion(v);
            events.record(new EventStatus.Claimed(e.eventId(), aggregateId, v, NOW));
            events.write(List.of(e));
        }
    }

    private static Parked park(String processor, String aggregateId, String generation, long version) {
        return new Parked(processor, aggregateId, generation, aggregateId + "-" + version, version, "java.lang.IllegalStateException", "bug", NOW);
    }

    private void saveState(String processor, String generation, String aggregateId, long version) {
        states.save(new ProcessorState(processor, generation, aggregateId, version, JsonNodeFactory.instance.objectNode()), 0);
    }

    @Test
    void redeliversTheLatestEventAndReportsTheStateTheProcessorReached() {
        append("a", 3);
        Parked p = park("sum", "a", "g0", 2);
        parked.park(p);
        processor = e -> saveState("sum", "g0", e.aggregateId(), e.versionOrZero());
        Unpark.Outcome outcome = unpark().unpark(p);
        assertEquals(new Unpark.Outcome.Unparked(p, 3), outcome);
        assertEquals(List.of("a-3"), fed.stream().map(EventEnvelope::eventId).toList());
        assertTrue(parked.find("sum", "a").isEmpty());
    }

    @Test
    void aRedeliveryThatCannotBePublishedLeavesTheAggregateParked() {
        append("a", 3);
        Parked p = park("sum", "a", "g0", 2);
        parked.park(p);
        processor = e -> {
            throw new IllegalStateException("stream unavailable");
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> unpark().unpark(p));
        assertEquals("could not put a's latest event (a-3) on the playback stream for sum; it stays parked: stream unavailable",
                e.getMessage());
        assertEquals(Optional.of(p), parked.find("sum", "a"));
    }

    @Test
    void aRedeliveryThatCannotBePublishedAfterTheProcessorAppliedPastTheFailingEventUnparks() {
        append("a", 3);
        Parked p = park("sum", "a", "g0", 2);
        parked.park(p);
        processor = e -> {
            saveState("sum", "g0", "a", 2); // a live event of the aggregate came in meanwhile and filled the gap
            throw new IllegalStateException("stream unavailable");
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> unpark().unpark(p));
        assertEquals("could not put a's latest event (a-3) on the playback stream for sum; the processor applied past the failing "
                + "event meanwhile, so it is unparked: stream unavailable", e.getMessage());
        assertTrue(parked.find("sum", "a").isEmpty());
    }

    @Test
    void findsTheLatestEventBeyondOnePageOfTheEventsTable() {
        append("a", 1001);
        Parked p = park("sum", "a", "g0", 1);
        parked.park(p);
        assertEquals(new Unpark.Outcome.NotYetApplied(p, 0, 1001), unpark().unpark(p));
        assertEquals(1001, fed.get(0).versionOrZero());
    }

    @Test
    void findsTheLatestEventOfExactlyOnePage() {
        append("a", 1000);
        Parked p = park("sum", "a", "g0", 1);
        assertEquals(new Unpark.Outcome.NotYetApplied(p, 0, 1000), unpark().unpark(p));
    }

    @Test
    void saysWhenTheProcessorParkedTheAggregateAgain() {
        append("a", 2);
        Parked p = park("sum", "a", "g0", 2);
        parked.park(p);
        Parked again = new Parked("sum", "a", "g0", "a-2", 2, "java.lang.ArithmeticException", "still", NOW);
        processor = e -> parked.park(again);
        assertEquals(new Unpark.Outcome.StillParked(p, again), unpark().unpark(p));
    }

    @Test
    void aStateAtTheTargetIsUnparkedAndOneBelowItIsNotYet() {
        append("a", 4);
        Parked p = park("sum", "a", "g0", 4);
        saveState("sum", "g0", "a", 4);
        assertEquals(new Unpark.Outcome.Unparked(p, 4), unpark().unpark(p));
        Parked q = park("sum", "b", "g0", 1);
        append("b", 2);
        saveState("sum", "g0", "b", 1);
        assertEquals(new Unpark.Outcome.NotYetApplied(q, 1, 2), unpark().unpark(q));
    }

    @Test
    void readsTheStateOfTheGenerationTheParkHappenedInWhileItIsLive() {
        append("a", 1);
        states.startBuilding("sum", "g1");
        saveState("sum", "g1", "a", 1);
        assertEquals(new Unpark.Outcome.Unparked(park("sum", "a", "g1", 1), 1), unpark().unpark(park("sum", "a", "g1", 1)));
        // a generation no longer live, or none: the active one
        saveState("sum", "g0", "a", 0);
        assertInstanceOf(Unpark.Outcome.NotYetApplied.class, unpark().unpark(park("sum", "a", "g7", 1)));
        assertInstanceOf(Unpark.Outcome.NotYetApplied.class, unpark().unpark(park("sum", "a", null, 1)));
        states.activate("sum", "g1");
        assertInstanceOf(Unpark.Outcome.Unparked.class, unpark().unpark(park("sum", "a", null, 1)));
    }

    @Test
    void pollsUntilTheWaitIsOver() {
        append("a", 1);
        // the first two readings of the clock are at NOW (deadline, first check), then an hour later
        Clock ticking = new Clock() {
            private int reads;

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return reads++ < 2 ? NOW : NOW.plus(Duration.ofHours(1));
            }
        };
        Parked p = park("sum", "a", "g0", 1);
        assertEquals(new Unpark.Outcome.NotYetApplied(p, 0, 1), unpark(ticking, Duration.ofSeconds(1)).unpark(p));
    }

    @Test
    void anInterruptedWaitStopsAndKeepsTheInterrupt() {
        append("a", 1);
        Parked p = park("sum", "a", "g0", 1);
        Thread.currentThread().interrupt();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> unpark(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(1)).unpark(p));
        assertTrue(Thread.interrupted(), "the interrupt is kept");
        assertEquals("interrupted while waiting for sum to apply a", e.getMessage());
    }

    @Test
    void refusesAnAggregateWithoutEventsAtOrAfterItsParkedVersion() {
        append("a", 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> unpark().unpark(park("sum", "a", "g0", 3)));
        assertEquals("events table holds no event of a at or after version 3 (parked for sum at event a-3)", e.getMessage());
        assertEquals(List.of(), fed);
    }

    @Test
    void selectsByAggregateAndProcessorAndUnparksEachInTurn() {
        Parked a = park("sum", "a", "g0", 1), b = park("sum", "b", "g0", 1), c = park("other", "a", "g0", 1);
        List.of(a, b, c).forEach(parked::park);
        Unpark u = unpark();
        assertEquals(List.of(c, a, b), u.select(Optional.empty(), Optional.empty()));
        assertEquals(List.of(c, a), u.select(Optional.of("a"), Optional.empty()));
        assertEquals(List.of(a, b), u.select(Optional.empty(), Optional.of("sum")));
        assertEquals(List.of(a), u.select(Optional.of("a"), Optional.of("sum")));
        append("a", 1);
        append("b", 1);
        assertEquals(List.of(new Unpark.Outcome.NotYetApplied(a, 0, 1), new Unpark.Outcome.NotYetApplied(b, 0, 1)),
                u.unpark(List.of(a, b)));
        assertEquals(a, u.unpark(List.of(a)).get(0).parked());
    }
}

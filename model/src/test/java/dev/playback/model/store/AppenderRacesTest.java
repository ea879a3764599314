package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.memory.InMemoryEventLog;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.created;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The append path where claims are stale or contested, and its bounds. */
class AppenderRacesTest {
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final Appender appender = new Appender(log);

    private List<String> stored(String aggregateId) {
        return log.read(aggregateId, 1, 10_000).stream().map(e -> e.version() + ":" + e.eventId()).toList();
    }

    @Test
    void aClaimTwoVersionsStaleIsMovedAboveTheLatestVersionNotWrittenAtItsTakenOne() {
        // a1 was claimed at version 1, its record was set aside, and x1 and x2 went ahead at versions 1 and 2
        log.record(new EventStatus.Claimed("a1", "acc-1", 1, T0));
        appender.append(List.of(created("x1", "acc-1"), added("x2", "acc-1", "1.00")), T0);

        List<Long> attempted = new java.util.ArrayList<>();
        EventLog watched = new ForwardingEventLog(log) {
            @Override
            public List<EventEnvelope> write(List<EventEnvelope> events) {
                events.forEach(e -> attempted.add(e.version()));
                return delegate.write(events);
            }
        };

        List<AppendOutcome> outcomes = new Appender(watched).append(List.of(added("a1", "acc-1", "5.00")), T0);

        assertEquals(List.of(new AppendOutcome.Appended("a1", "acc-1", 3)), outcomes);
        assertEquals(List.of(3L), attempted, "written at the next free version at once, never tried at a taken one");
        assertEquals(List.of("1:x1", "2:x2", "3:a1"), stored("acc-1"));
        assertEquals(new EventStatus.Claimed("a1", "acc-1", 3, T0), log.statuses(List.of("a1")).get("a1"));
    }

    @Test
    void aClaimMovedByAnotherPumpFirstIsAppendedOnceAtTheVersionThatPumpGaveIt() {
        // a1 was claimed at version 1 and x1 went ahead there. While this pump moves the claim to 2, another pump
        // (a stale instance) appends x2 at 2, moves a1's claim to 3 and writes a1 there: this pump's move loses.
        log.record(new EventStatus.Claimed("a1", "acc-1", 1, T0));
        appender.append(List.of(created("x1", "acc-1")), T0);
        AtomicBoolean once = new AtomicBoolean(true);
        AtomicInteger moves = new AtomicInteger();
        EventLog racing = new ForwardingEventLog(log) {
            @Override
            public boolean moveClaim(EventStatus.Claimed claim, long toVersion) {
                moves.incrementAndGet();
                if (once.compareAndSet(true, false)) {
                    new Appender(log).append(List.of(added("x2", "acc-1", "1.00")), T0);
                    assertTrue(log.moveClaim(claim, 3));
                    log.write(List.of(added("a1", "acc-1", "5.00").withVersion(3)));
                }
                return delegate.moveClaim(claim, toVersion);
            }
        };

        List<AppendOutcome> outcomes = new Appender(racing).append(List.of(added("a1", "acc-1", "5.00")), T0);

        assertEquals(List.of(new AppendOutcome.Duplicate("a1", "acc-1", 3L)), outcomes);
        assertEquals(List.of("1:x1", "2:x2", "3:a1"), stored("acc-1"));
        assertEquals(new EventStatus.Claimed("a1", "acc-1", 3, T0), log.statuses(List.of("a1")).get("a1"));
    }

    @Test
    void aBatchWhoseVersionsAreTakenInEveryRoundFailsAfterFiveRoundsNamingTheAggregate() {
        AtomicInteger writes = new AtomicInteger();
        EventLog alwaysTaken = new ForwardingEventLog(log) {
            @Override
            public List<EventEnvelope> write(List<EventEnvelope> events) {
                writes.incrementAndGet();
                return events;
            }
        };

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Appender(alwaysTaken).append(List.of(created("a1", "acc-1")), T0));

        assertEquals(5, writes.get());
        assertEquals("the versions claimed for aggregates [acc-1] were taken by other events in 5 rounds; the batch is retried", e.getMessage());
        assertEquals(List.of(), stored("acc-1"));
    }

    @Test
    void aClaimThatKeepsMovingUnderItFailsAfterSixAttemptsNamingTheEvent() {
        log.record(new EventStatus.Claimed("a1", "acc-1", 1, T0));
        appender.append(List.of(created("x1", "acc-1")), T0);
        AtomicInteger moves = new AtomicInteger();
        EventLog contested = new ForwardingEventLog(log) {
            @Override
            public boolean moveClaim(EventStatus.Claimed claim, long toVersion) {
                moves.incrementAndGet();
                return false;
            }
        };

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Appender(contested).append(List.of(added("a1", "acc-1", "5.00")), T0));

        assertEquals("could not claim event a1 after 5 attempts", e.getMessage());
        assertEquals(6, moves.get());
        assertEquals(List.of("1:x1"), stored("acc-1"));
    }
}

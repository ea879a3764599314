package dev.playback.model.snapshot;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.processor.TimeTravel;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeTravelTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant R0 = Instant.parse("2026-03-02T00:00:00Z");
    private final InMemorySnapshotStore store = new InMemorySnapshotStore();
    private final Tally.Stream stream = new Tally.Stream("acc-1");
    private final TimeTravel travel = new TimeTravel(stream.log, store, Tally.CATALOG);

    /**
     * Events 1..350: amount v; occurred v minutes after T0 except every 25th, which occurred v minutes before T0 (a late
     * arrival); recorded v seconds after R0 except every 30th, recorded an hour earlier than its neighbours.
     */
    TimeTravelTest() {
        for (int v = 1; v <= 350; v++) {
            Instant occurred = v % 25 == 0 ? T0.minusSeconds(60L * v) : T0.plusSeconds(60L * v);
            Instant recorded = v % 30 == 0 ? R0.plusSeconds(v - 3600) : R0.plusSeconds(v);
            stream.added(v, occurred, recorded);
        }
        Snapshots writer = new Snapshots(store, stream.log, Tally.CATALOG, new SnapshotPolicy(100, Map.of(), 3), (m, p, n) -> {
        }, line -> {
            throw new AssertionError(line);
        });
        for (long v = 100; v <= 300; v += 100) writer.take(Tally.v1(), "acc-1", v);
    }

    /** The sum of the amounts of the events {@code admitted} keeps, computed from the events written here. */
    private long expected(Predicate<EventEnvelope> admitted) {
        return stream.events.stream().filter(admitted).mapToLong(EventEnvelope::versionOrZero).sum();
    }

    /** The highest of the snapshot versions 100, 200, 300 whose events 1..v all pass {@code admitted}; 0 if none. */
    private long newestHolding(Predicate<EventEnvelope> admitted) {
        long newest = 0;
        for (long v = 100; v <= 300; v += 100) {
            if (stream.events.subList(0, (int) v).stream().allMatch(admitted)) newest = v;
        }
        return newest;
    }

    private TimeTravel.Answer at(Optional<Instant> asOf, Optional<Instant> knownAt, OptionalLong version) {
        return travel.at(Tally.v1(), "acc-1", new PointInTime(asOf, knownAt, version)).orElseThrow();
    }

    @Test
    void asOfATimeFoldsTheEventsThatHadOccurredByThenStartingFromTheNewestSnapshotHoldingNoLaterOne() {
        for (long minutes : new long[]{50, 150, 230, 299, 310, 351}) {
            Instant t = T0.plusSeconds(60 * minutes);
            TimeTravel.Answer a = at(Optional.of(t), Optional.empty(), OptionalLong.empty());
            assertEquals(expected(e -> !e.occurredAt().isAfter(t)), a.state().get("total").asLong(), "as of " + t);
            long snapshot = a.snapshot().map(Snapshot::version).orElse(0L);
            assertEquals(newestHolding(e -> !e.occurredAt().isAfter(t)), snapshot, "snapshot as of minute " + minutes);
            assertTrue(a.eventsFolded() <= 100, "folded " + a.eventsFolded() + " as of minute " + minutes);
            assertEquals(350 - snapshot, a.eventsRead(), "every event after the snapshot is read: a later one may have occurred earlier");
        }
    }

    @Test
    void knownAtATimeFoldsTheEventsRecordedByThen() {
        for (long seconds : new long[]{40, 120, 205, 300, 349}) {
            Instant t = R0.plusSeconds(seconds);
            TimeTravel.Answer a = at(Optional.empty(), Optional.of(t), OptionalLong.empty());
            assertEquals(expected(e -> !e.recordedAt().isAfter(t)), a.state().get("total").asLong(), "known at " + t);
            assertTrue(a.eventsFolded() <= 100, "folded " + a.eventsFolded());
            assertEquals(newestHolding(e -> !e.recordedAt().isAfter(t)), a.snapshot().map(Snapshot::version).orElse(0L), "known at second " + seconds);
        }
    }

    @Test
    void atAVersionFoldsTheEventsUpToItFromTheSnapshotBelow() {
        for (long version : new long[]{1, 99, 100, 101, 250, 300, 350, 1000}) {
            TimeTravel.Answer a = at(Optional.empty(), Optional.empty(), OptionalLong.of(version));
            long last = Math.min(version, 350);
            assertEquals(expected(e -> e.versionOrZero() <= version), a.state().get("total").asLong(), "at version " + version);
            assertEquals(last, a.version());
            long snapshot = Math.min(last / 100 * 100, 300);
            assertEquals(snapshot, a.snapshot().map(Snapshot::version).orElse(0L));
            assertEquals(last - snapshot, a.eventsFolded());
        }
    }

    @Test
    void whatWasKnownAtOneTimeAboutAnotherAndUpToAVersionTakesAllThree() {
        Instant asOf = T0.plusSeconds(60 * 280);
        Instant knownAt = R0.plusSeconds(260);
        TimeTravel.Answer a = at(Optional.of(asOf), Optional.of(knownAt), OptionalLong.of(270));
        assertEquals(expected(e -> !e.occurredAt().isAfter(asOf) && !e.recordedAt().isAfter(knownAt) && e.versionOrZero() <= 270),
                a.state().get("total").asLong());
        assertEquals(200, a.snapshot().orElseThrow().version());
    }

    @Test
    void aQueryWithAnotherLogicVersionIgnoresTheSnapshotsAndFoldsFromTheFirstEvent() {
        TimeTravel.Answer a = travel.at(Tally.v2(), "acc-1", new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.of(250))).orElseThrow();
        assertEquals(2 * expected(e -> e.versionOrZero() <= 250), a.state().get("total").asLong());
        assertEquals(Optional.empty(), a.snapshot());
        assertEquals(250, a.eventsFolded());
        assertEquals("2", a.logicVersion());
    }

    @Test
    void aReversalAfterTheSnapshotOfAnEventTheQueryLeavesOutStillAnswersTheFold() {
        EventEnvelope reversedInside = stream.events.get(309); // version 310
        stream.reversed(reversedInside.eventId(), T0.plusSeconds(60 * 400), R0.plusSeconds(400));
        TimeTravel.Answer a = at(Optional.empty(), Optional.empty(), OptionalLong.empty());
        assertEquals(expected(e -> !e.eventId().equals(reversedInside.eventId()) && e.type().equals("Added")), a.state().get("total").asLong());
        assertEquals(351, a.version());
    }

    @Test
    void nothingIsAnsweredWhenNoEventHadOccurredYet() {
        assertEquals(Optional.empty(), travel.at(Tally.v1(), "acc-1", new PointInTime(Optional.of(T0.minusSeconds(60L * 400)),
                Optional.empty(), OptionalLong.empty())));
        assertEquals(Optional.empty(), travel.at(Tally.v1(), "acc-9", PointInTime.latest()));
    }
}

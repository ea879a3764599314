package dev.playback.model.snapshot;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PointInTimeTest {
    private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");

    private static Snapshot at(long version, Instant latestOccurred, Instant latestRecorded) {
        return new Snapshot("tally", "1", "acc-1", version, json("{}"), latestOccurred, latestRecorded);
    }

    private static PointInTime asOf(Instant t) {
        return new PointInTime(Optional.of(t), Optional.empty(), OptionalLong.empty());
    }

    private static PointInTime knownAt(Instant t) {
        return new PointInTime(Optional.empty(), Optional.of(t), OptionalLong.empty());
    }

    @Test
    void aSnapshotServesAnAsOfQueryOnlyIfEveryEventItHoldsHadOccurredByThen() {
        Snapshot s = at(100, NOON, NOON.plusSeconds(3600));
        assertTrue(asOf(NOON).admits(s), "its latest event occurred exactly at T");
        assertTrue(asOf(NOON.plusSeconds(1)).admits(s));
        assertFalse(asOf(NOON.minusSeconds(1)).admits(s), "one of its events occurred after T");
    }

    @Test
    void aSnapshotServesAKnownAtQueryOnlyIfEveryEventItHoldsWasRecordedByThen() {
        Snapshot s = at(100, NOON, NOON.plusSeconds(3600));
        assertTrue(knownAt(NOON.plusSeconds(3600)).admits(s));
        assertFalse(knownAt(NOON.plusSeconds(3599)).admits(s));
        assertFalse(knownAt(NOON.plusSeconds(3599)).admits(at(100, NOON, null)), "an unknown recorded time serves no knownAt query");
        assertTrue(asOf(NOON).admits(at(100, NOON, null)), "but an asOf query");
    }

    @Test
    void aSnapshotServesAVersionQueryAtOrAboveItsVersionAndBothTimesMustHold() {
        Snapshot s = at(100, NOON, NOON.plusSeconds(60));
        assertTrue(new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.of(100)).admits(s));
        assertFalse(new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.of(99)).admits(s));
        assertTrue(new PointInTime(Optional.of(NOON), Optional.of(NOON.plusSeconds(60)), OptionalLong.of(150)).admits(s));
        assertFalse(new PointInTime(Optional.of(NOON), Optional.of(NOON.plusSeconds(59)), OptionalLong.of(150)).admits(s));
        assertFalse(new PointInTime(Optional.of(NOON.minusMillis(1)), Optional.of(NOON.plusSeconds(60)), OptionalLong.of(150)).admits(s));
    }

    @Test
    void theNewestSnapshotTheQueryAdmitsIsChosenEvenWhenANewerOneHoldsAnEventThatOccurredEarlier() {
        // occurredAt is not monotonic in version: 300 holds only events up to 11:00, 200 one that occurred at 13:00.
        Snapshot v100 = at(100, NOON.minusSeconds(7200), NOON);
        Snapshot v200 = at(200, NOON.plusSeconds(3600), NOON);
        Snapshot v300 = at(300, NOON.plusSeconds(7200), NOON);
        assertEquals(Optional.of(v100), asOf(NOON).choose(List.of(v300, v200, v100)));
        assertEquals(Optional.of(v300), asOf(NOON.plusSeconds(7200)).choose(List.of(v100, v300, v200)));
        assertEquals(Optional.empty(), asOf(NOON.minusSeconds(7201)).choose(List.of(v300, v200, v100)));
    }

    @Test
    void aVersionBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.of(-1)));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
    }

    @Test
    void anEventIsAdmittedUnlessItIsBeyondTheVersionOccurredLaterOrWasRecordedLaterOrAtNoKnownTime() {
        Instant noon = Instant.parse("2026-01-01T12:00:00Z");
        dev.playback.model.event.EventEnvelope e = new dev.playback.model.event.EventEnvelope("e-1", "acc-1", "T", 1, 5L, null,
                noon, noon.plusSeconds(10), json("{}"), null, null);
        assertTrue(new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.of(5)).admits(e));
        assertFalse(new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.of(4)).admits(e));
        assertTrue(new PointInTime(Optional.of(noon), Optional.empty(), OptionalLong.empty()).admits(e));
        assertFalse(new PointInTime(Optional.of(noon.minusMillis(1)), Optional.empty(), OptionalLong.empty()).admits(e));
        assertTrue(new PointInTime(Optional.empty(), Optional.of(noon.plusSeconds(10)), OptionalLong.empty()).admits(e));
        assertFalse(new PointInTime(Optional.empty(), Optional.of(noon.plusSeconds(9)), OptionalLong.empty()).admits(e));
        dev.playback.model.event.EventEnvelope unrecorded = new dev.playback.model.event.EventEnvelope("e-2", "acc-1", "T", 1, 5L, null,
                noon, null, json("{}"), null, null);
        assertFalse(new PointInTime(Optional.empty(), Optional.of(noon.plusSeconds(10)), OptionalLong.empty()).admits(unrecorded));
        assertTrue(new PointInTime(Optional.of(noon), Optional.empty(), OptionalLong.empty()).admits(unrecorded));
    }

    @Test
    void aSnapshotPolicyNeedsIntervalsAndAKeepOfAtLeastOne() {
        SnapshotPolicy ones = new SnapshotPolicy(1, java.util.Map.of("tally", 1), 1);
        assertEquals(1, ones.interval("tally"));
        assertEquals(1, ones.interval("other"));
        assertEquals("snapshot interval must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new SnapshotPolicy(0, java.util.Map.of(), 1)).getMessage());
        assertEquals("snapshot interval of processor tally must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new SnapshotPolicy(1, java.util.Map.of("tally", 0), 1)).getMessage());
        assertEquals("snapshots kept must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new SnapshotPolicy(1, java.util.Map.of(), 0)).getMessage());
        assertEquals(new SnapshotPolicy(100, java.util.Map.of(), 3), SnapshotPolicy.defaults());
    }

    @Test
    void aSnapshotStartsAtVersionOne() {
        Instant noon = Instant.parse("2026-01-01T12:00:00Z");
        assertEquals(1, new Snapshot("tally", "1", "acc-1", 1, json("{}"), noon, noon).version());
        assertEquals("snapshot of acc-1 in tally: version must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new Snapshot("tally", "1", "acc-1", 0, json("{}"), noon, noon)).getMessage());
    }
}

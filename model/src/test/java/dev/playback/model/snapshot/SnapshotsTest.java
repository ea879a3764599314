package dev.playback.model.snapshot;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private final InMemorySnapshotStore store = new InMemorySnapshotStore();
    private final Tally.Stream stream = new Tally.Stream("acc-1");
    private final List<String> warnings = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();

    private Snapshots snapshots(int interval, int keep) {
        return new Snapshots(store, stream.log, Tally.CATALOG, new SnapshotPolicy(interval, Map.of("other", 7), keep),
                (metric, processor, n) -> counted.add(metric + "/" + processor + "/" + n), warnings::add);
    }

    /** Events 1..n: amount v, occurred one minute apart except every 10th that occurred a day earlier; recorded a second apart. */
    private void write(int n) {
        for (int i = stream.events.size() + 1; i <= n; i++) {
            Instant occurred = i % 10 == 0 ? T0.minusSeconds(86_400 - i) : T0.plusSeconds(60L * i);
            stream.added(i, occurred, T0.plusSeconds(100_000 + i));
        }
    }

    /** The sum of amounts 1..v, computed here. */
    private static long total(long v) {
        return v * (v + 1) / 2;
    }

    /** Snapshots every 100 events into a store that cannot be written. */
    private Snapshots failing() {
        SnapshotStore unavailable = new SnapshotStore() {
            @Override
            public void put(Snapshot snapshot) {
                throw new IllegalStateException("table unavailable");
            }

            @Override
            public List<Snapshot> latest(String processor, String logicVersion, String aggregateId, long atMost, int limit) {
                return List.of();
            }

            @Override
            public void delete(String processor, String logicVersion, String aggregateId, long version) {
            }
        };
        return new Snapshots(unavailable, stream.log, Tally.CATALOG, SnapshotPolicy.defaults(), (m, p, n) -> counted.add(m + "/" + p + "/" + n),
                warnings::add);
    }

    private List<Long> versions(String logic) {
        return store.latest("tally", logic, "acc-1", Long.MAX_VALUE, 100).stream().map(Snapshot::version).toList();
    }

    @Test
    void aSaveThatCrossesAMultipleOfTheIntervalWritesTheFoldAtThatMultipleWithItsLatestTimes() {
        write(130);
        snapshots(50, 3).saved(Tally.v1(), "acc-1", 95, 130);
        assertEquals(List.of(100L), versions("1"));
        Snapshot s = store.latest("tally", "1", "acc-1", 100, 1).get(0);
        assertEquals(total(100), s.state().get("total").asLong());
        assertEquals(100, s.state().get("count").asLong());
        assertEquals(T0.plusSeconds(60L * 99), s.latestOccurredAt(), "event 99 occurred last; event 100 a day earlier");
        assertEquals(T0.plusSeconds(100_100), s.latestRecordedAt());
    }

    @Test
    void aSaveThatCrossesNoMultipleWritesNothing() {
        write(130);
        snapshots(50, 3).saved(Tally.v1(), "acc-1", 100, 130);
        snapshots(50, 3).saved(Tally.v1(), "acc-1", 0, 49);
        assertEquals(List.of(), versions("1"));
        assertEquals(0, store.puts());
    }

    @Test
    void eachProcessorHasItsOwnInterval() {
        assertEquals(7, snapshots(50, 3).policy().interval("other"));
        assertEquals(50, snapshots(50, 3).policy().interval("tally"));
    }

    @Test
    void onlyTheNewestSnapshotsAreKeptAndEachIsFoldedFromTheOneBefore() {
        write(600);
        Snapshots s = snapshots(100, 3);
        for (long v = 100; v <= 600; v += 100) s.saved(Tally.v1(), "acc-1", v - 1, v);
        assertEquals(List.of(600L, 500L, 400L), versions("1"));
        for (Snapshot kept : store.latest("tally", "1", "acc-1", Long.MAX_VALUE, 10)) {
            assertEquals(total(kept.version()), kept.state().get("total").asLong(), "snapshot at " + kept.version());
        }
    }

    @Test
    void aWriteDeletesAtMostTenOfTheSnapshotsBeyondThoseKept() {
        write(2100);
        for (long v = 100; v <= 2000; v += 100) snapshots(100, 100).saved(Tally.v1(), "acc-1", v - 1, v);
        assertEquals(20, versions("1").size());

        snapshots(100, 3).saved(Tally.v1(), "acc-1", 2099, 2100);

        assertEquals(List.of(2100L, 2000L, 1900L, 800L, 700L, 600L, 500L, 400L, 300L, 200L, 100L), versions("1"),
                "the three newest kept, 1800..900 deleted, the rest left to the next writes");
    }

    /** This test's store with its queries written down as "atMost/limit". */
    private Snapshots counting(List<String> queries, int keep) {
        SnapshotStore counted = new SnapshotStore() {
            @Override
            public void put(Snapshot snapshot) {
                store.put(snapshot);
            }

            @Override
            public List<Snapshot> latest(String processor, String logicVersion, String aggregateId, long atMost, int limit) {
                queries.add((atMost == Long.MAX_VALUE ? "max" : Long.toString(atMost)) + "/" + limit);
                return store.latest(processor, logicVersion, aggregateId, atMost, limit);
            }

            @Override
            public void delete(String processor, String logicVersion, String aggregateId, long version) {
                store.delete(processor, logicVersion, aggregateId, version);
            }
        };
        return new Snapshots(counted, stream.log, Tally.CATALOG, new SnapshotPolicy(100, Map.of(), keep), (m, p, n) -> {
        }, warnings::add);
    }

    @Test
    void aSnapshotAboveAllOthersIsWrittenAndPrunedAfterOneQuery() {
        write(500);
        List<String> queries = new ArrayList<>();
        Snapshots s = counting(queries, 3);
        for (long v = 100; v <= 500; v += 100) s.saved(Tally.v1(), "acc-1", v - 1, v);

        assertEquals(List.of("max/13", "max/13", "max/13", "max/13", "max/13"), queries, "one query per snapshot written");
        assertEquals(List.of(500L, 400L, 300L), versions("1"));
        assertEquals(total(500), store.latest("tally", "1", "acc-1", 500, 1).get(0).state().get("total").asLong());
    }

    @Test
    void aSnapshotBelowAWindowOfNewerOnesFindsTheOneToFoldFromWithASecondQuery() {
        write(1500);
        for (long v = 200; v <= 1500; v += 100) snapshots(100, 100).saved(Tally.v1(), "acc-1", v - 1, v); // 14 snapshots, 200..1500
        List<String> queries = new ArrayList<>();

        counting(queries, 100).saved(Tally.v1(), "acc-1", 99, 100);

        assertEquals(List.of("max/110"), queries, "fewer than 110 snapshots: the query saw them all, none at or below 100");
        assertEquals(total(100), store.latest("tally", "1", "acc-1", 100, 1).get(0).state().get("total").asLong());
        queries.clear();
        counting(queries, 3).saved(Tally.v1(), "acc-1", 99, 100);
        assertEquals(List.of("max/13", "100/1"), queries, "the 13 newest are all above 100: the one at or below it is asked for, "
                + "found at 100, and not written again");
        assertEquals(15, versions("1").size(), "nothing written, nothing pruned");
    }

    @Test
    void aSnapshotAtTheOldestOfAFullWindowIsFoundByTheOneQuery() {
        write(1500);
        for (long v = 200; v <= 1500; v += 100) snapshots(100, 100).saved(Tally.v1(), "acc-1", v - 1, v); // 14 snapshots, 200..1500
        List<String> queries = new ArrayList<>();

        counting(queries, 3).saved(Tally.v1(), "acc-1", 299, 300);

        assertEquals(List.of("max/13"), queries, "the 13 newest reach down to 300 itself: found there, no second query");
        assertEquals(14, versions("1").size(), "nothing written, nothing pruned");
    }

    @Test
    void aSnapshotIsWrittenOnceThoughTwoGenerationsCrossTheSameMultiple() {
        write(120);
        snapshots(100, 3).saved(Tally.v1(), "acc-1", 90, 110);
        snapshots(100, 3).saved(Tally.v1(), "acc-1", 99, 120);
        assertEquals(1, store.puts());
    }

    @Test
    void newLogicNeverStartsFromASnapshotOfTheOldLogic() {
        write(200);
        snapshots(100, 3).saved(Tally.v1(), "acc-1", 0, 100);
        snapshots(100, 3).saved(Tally.v2(), "acc-1", 100, 200);
        assertEquals(List.of(100L), versions("1"));
        assertEquals(List.of(200L), versions("2"));
        assertEquals(2 * total(200), store.latest("tally", "2", "acc-1", 200, 1).get(0).state().get("total").asLong(),
                "folded from the first event with factor 2, not from the factor-1 snapshot at 100");
    }

    @Test
    void aSnapshotThatCannotBeWrittenIsLoggedAndCountedAndThrowsNothing() {
        write(120);
        Snapshots failing = failing();
        failing.saved(Tally.v1(), "acc-1", 99, 101);
        assertEquals(List.of("SnapshotWriteFailures/tally/1"), counted);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("acc-1") && warnings.get(0).contains("100") && warnings.get(0).contains("table unavailable"), warnings.get(0));
        assertTrue(warnings.get(0).startsWith("tally: snapshot of acc-1 at version 100 not written (the next one at 200 is tried): "),
                warnings.get(0));
    }

    @Test
    void theProjectorWritesASnapshotWhenItsSaveCrossesAMultiple() {
        write(250);
        InMemoryStateStore states = new InMemoryStateStore();
        Projector<long[]> projector = new Projector<>(Tally.v1(), stream.log, states, Tally.CATALOG, snapshots(100, 3));
        projector.catchUp("g0", "acc-1", 150);
        projector.catchUp("g0", "acc-1", 250);
        assertEquals(List.of(200L, 100L), versions("1"));
        assertEquals(total(250), states.load("tally", "g0", "acc-1").orElseThrow().state().get("total").asLong());
    }

    /**
     * 150 additions, then a reversal of the one at {@code target} (the tally cannot undo it), a snapshot at 100, and the
     * projector caught up to 150: what catching up to 151 reads is counted from here on.
     */
    private InMemoryStateStore reversedAfterCatchUp(int target, CountingLog counting) {
        write(150);
        stream.reversed(stream.events.get(target - 1).eventId(), T0.plusSeconds(60L * 151), T0.plusSeconds(100_151));
        snapshots(100, 3).take(Tally.v1(), "acc-1", 100);
        InMemoryStateStore states = new InMemoryStateStore();
        Projector<long[]> projector = new Projector<>(Tally.v1(), counting, states, Tally.CATALOG, snapshots(100, 3));
        projector.catchUp("g0", "acc-1", 150);
        counting.events = 0;
        projector.catchUp("g0", "acc-1", 151);
        return states;
    }

    @Test
    void aProjectorWhoseSnapshotCannotBeWrittenStillSavesItsStateAndAppliesTheNextEvents() {
        write(230);
        InMemoryStateStore states = new InMemoryStateStore();
        Projector<long[]> projector = new Projector<>(Tally.v1(), stream.log, states, Tally.CATALOG, failing());
        assertEquals(new dev.playback.model.processor.CatchUp("acc-1", 150, 150, true), projector.catchUp("g0", "acc-1", 150));
        assertEquals(new dev.playback.model.processor.CatchUp("acc-1", 80, 230, true), projector.catchUp("g0", "acc-1", 230));
        assertEquals(total(230), states.load("tally", "g0", "acc-1").orElseThrow().state().get("total").asLong());
        assertEquals(List.of("SnapshotWriteFailures/tally/1", "SnapshotWriteFailures/tally/1"), counted, "at 100, then again at 200");
    }

    @Test
    void theReversalFallbackStartsFromASnapshotWhenTheReversedEventIsAfterIt() {
        CountingLog counting = new CountingLog(stream.log);
        InMemoryStateStore states = reversedAfterCatchUp(120, counting);
        assertEquals(total(150) - 120, states.load("tally", "g0", "acc-1").orElseThrow().state().get("total").asLong());
        assertEquals(150, states.load("tally", "g0", "acc-1").orElseThrow().state().get("count").asLong(), "149 added and the absorbed reversal");
        assertEquals(51 + 1, counting.events, "event 151 read to apply it, then 101..151 for the refold from the snapshot at 100");
    }

    @Test
    void theReversalFallbackReadsTheWholeStreamWhenTheReversedEventIsInTheSnapshot() {
        CountingLog counting = new CountingLog(stream.log);
        InMemoryStateStore states = reversedAfterCatchUp(50, counting);
        assertEquals(total(150) - 50, states.load("tally", "g0", "acc-1").orElseThrow().state().get("total").asLong());
        assertEquals(1 + 51 + 151, counting.events, "event 151, the tail after the snapshot (not closed), then 1..151");
    }

    /** Counts the events read. */
    static final class CountingLog implements dev.playback.model.store.EventStore {
        private final dev.playback.model.store.EventStore next;
        int events;

        CountingLog(dev.playback.model.store.EventStore next) {
            this.next = next;
        }

        @Override
        public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
            List<EventEnvelope> page = next.read(aggregateId, fromVersion, limit);
            events += page.size();
            return page;
        }

        @Override
        public Map<String, dev.playback.model.store.EventStatus> statuses(java.util.Collection<String> eventIds) {
            return next.statuses(eventIds);
        }
    }
}

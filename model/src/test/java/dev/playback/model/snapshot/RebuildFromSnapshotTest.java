package dev.playback.model.snapshot;

import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rebuild in place (what a partial replay does to each aggregate in scope) starts from the newest snapshot of the
 * processor's own logic version and folds only the events after it: at most the snapshot interval of a long stream.
 * A snapshot of another logic version is never used. The state equals a fold of the whole stream.
 */
class RebuildFromSnapshotTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final int INTERVAL = 100;
    private final InMemorySnapshotStore store = new InMemorySnapshotStore();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final Tally.Stream stream = new Tally.Stream("acc-1");
    private final Snapshots snapshots = new Snapshots(store, stream.log, Tally.CATALOG, new SnapshotPolicy(INTERVAL, Map.of(), 3), (m, p, n) -> {
    }, line -> {
        throw new AssertionError(line);
    });

    /** Events 1..n, amount v each. */
    private void added(int n) {
        for (int v = 1; v <= n; v++) stream.added(v, T0.plusSeconds(v), T0.plusSeconds(v));
    }

    /** 1 + 2 + … + n times {@code factor}, computed here. */
    private static long sum(int n, long factor) {
        long s = 0;
        for (int v = 1; v <= n; v++) s += factor * v;
        return s;
    }

    private Projector.Rebuilt rebuild(Tally logic) {
        return new Projector<>(logic, stream.log, states, Tally.CATALOG, snapshots).rebuild("g0", "acc-1");
    }

    private long total() {
        ProcessorState s = states.load("tally", "g0", "acc-1").orElseThrow();
        return s.state().get("total").asLong();
    }

    @Test
    void aRebuildOfALongStreamStartsFromTheNewestSnapshotOfItsLogicVersionAndFoldsOnlyTheEventsAfterIt() {
        added(350);
        for (long v = 100; v <= 300; v += 100) snapshots.take(Tally.v1(), "acc-1", v);

        Projector.Rebuilt r = rebuild(Tally.v1());

        assertEquals(Optional.of(300L), r.snapshot().map(Snapshot::version));
        assertEquals(50, r.result().applied(), "events folded after the snapshot");
        assertTrue(r.result().applied() <= INTERVAL);
        assertEquals(350, r.result().version());
        assertEquals(sum(350, 1), total(), "the fold of the whole stream");
    }

    @Test
    void aRebuildWithChangedLogicIgnoresTheSnapshotsOfTheOldLogicAndFoldsFromTheFirstEvent() {
        added(350);
        for (long v = 100; v <= 300; v += 100) snapshots.take(Tally.v1(), "acc-1", v);

        Projector.Rebuilt r = rebuild(Tally.v2());

        // from the old logic's snapshot at 300 it would be sum(300, 1) + 2 × (301 + … + 350)
        assertEquals(sum(350, 2), total());
        assertEquals(Optional.empty(), r.snapshot());
        assertEquals(350, r.result().applied());
        // its own snapshots (the rebuild wrote the one at 300) are where the next rebuild starts
        Projector.Rebuilt again = rebuild(Tally.v2());
        assertEquals(Optional.of(300L), again.snapshot().map(Snapshot::version));
        assertEquals(50, again.result().applied());
        assertEquals(sum(350, 2), total());
    }

    @Test
    void aReversalOfAnEventTheSnapshotHoldsStillGivesTheFoldWithoutIt() {
        added(250);
        snapshots.take(Tally.v1(), "acc-1", 200);
        stream.reversed("e-acc-1-5", T0.plusSeconds(251), T0.plusSeconds(251));

        Projector.Rebuilt r = rebuild(Tally.v1());

        assertEquals(251, r.result().version());
        assertEquals(sum(250, 1) - 5, total());
    }

    @Test
    void aReversalThatCannotBeInvertedPagesAfterTheSnapshotIsRefoldedFromEveryPageOfTheStream() {
        added(2300);
        snapshots.take(Tally.v1(), "acc-1", 200);
        // version 2301 reverses event 5: the tally cannot invert it, so the stream is refolded from its first event,
        // read in pages of 1,000 events
        stream.reversed("e-acc-1-5", T0.plusSeconds(2301), T0.plusSeconds(2301));

        Projector.Rebuilt r = rebuild(Tally.v1());

        assertEquals(2301, r.result().version());
        assertEquals(sum(2300, 1) - 5, total());
    }

    @Test
    void aStreamOfWholePagesAfterTheSnapshotIsFoldedToItsLastEvent() {
        added(2200); // after the snapshot at 200: exactly two pages of 1,000 events
        snapshots.take(Tally.v1(), "acc-1", 200);

        Projector.Rebuilt r = rebuild(Tally.v1());

        assertEquals(Optional.of(200L), r.snapshot().map(Snapshot::version));
        assertEquals(2000, r.result().applied());
        assertEquals(2200, r.result().version());
        assertEquals(sum(2200, 1), total());
    }

    @Test
    void withoutASnapshotTheRebuildFoldsTheWholeStream() {
        added(99);

        Projector.Rebuilt r = rebuild(Tally.v1());

        assertEquals(Optional.empty(), r.snapshot());
        assertEquals(99, r.result().applied());
        assertEquals(sum(99, 1), total());
    }
}

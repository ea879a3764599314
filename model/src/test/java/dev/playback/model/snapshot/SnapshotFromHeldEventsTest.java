package dev.playback.model.snapshot;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A snapshot written after a batch was applied is folded from the previous snapshot over the batch's events as the
 * caller holds them: the events table is read only for the versions the batch does not hold (or holds without their
 * payload), and the snapshot is the one a fold of the table gives.
 */
class SnapshotFromHeldEventsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private final Tally.Stream stream = new Tally.Stream("acc-1");
    private final List<String> reads = new ArrayList<>();
    /** The events table, each read written down as "from+limit". */
    private final EventStore table = new EventStore() {
        @Override
        public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
            reads.add(fromVersion + "+" + limit);
            return stream.log.read(aggregateId, fromVersion, limit);
        }

        @Override
        public Map<String, EventStatus> statuses(Collection<String> eventIds) {
            return stream.log.statuses(eventIds);
        }
    };
    private final InMemorySnapshotStore store = new InMemorySnapshotStore();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final Snapshots snapshots = new Snapshots(store, table, Tally.CATALOG, new SnapshotPolicy(10, Map.of(), 3), (m, p, n) -> {
    }, line -> {
        throw new AssertionError(line);
    });
    private final Projector<long[]> projector = new Projector<>(Tally.v1(), table, states, Tally.CATALOG, snapshots);

    private List<EventEnvelope> added(int from, int to) {
        List<EventEnvelope> out = new ArrayList<>();
        for (int v = from; v <= to; v++) out.add(stream.added(v, T0.plusSeconds(v), T0.plusSeconds(v)));
        return out;
    }

    /** The snapshot at {@code version} as a fold of the events table from the first event gives it. */
    private Snapshot fromTheTable(long version) {
        Snapshots fresh = new Snapshots(new InMemorySnapshotStore(), stream.log, Tally.CATALOG, new SnapshotPolicy(10, Map.of(), 3),
                (m, p, n) -> {
                }, line -> {
                    throw new AssertionError(line);
                });
        return fresh.take(Tally.v1(), "acc-1", version);
    }

    @Test
    void aBatchThatHoldsEveryEventAfterThePreviousSnapshotIsFoldedWithoutReadingTheTable() {
        projector.applyPlayback("g0", added(1, 10));
        projector.applyPlayback("g0", added(11, 25));
        reads.clear();

        projector.applyPlayback("g0", added(26, 31)); // crosses 30; the previous snapshot is at 20, events 21..25 are not held

        assertEquals(List.of("21+5"), reads, "only the versions between the previous snapshot and the batch are read");
        Snapshot at30 = store.latest("tally", "1", "acc-1", 30, 1).get(0);
        assertEquals(30, at30.version());
        assertEquals(fromTheTable(30), at30);
    }

    @Test
    void aBatchFromThePreviousSnapshotOnReadsNothing() {
        projector.applyPlayback("g0", added(1, 10));
        List<EventEnvelope> next = added(11, 20);
        reads.clear();

        projector.applyPlayback("g0", next);

        assertEquals(List.of(), reads, "events 11..20 held: the snapshot at 20 reads nothing");
        assertEquals(fromTheTable(20), store.latest("tally", "1", "acc-1", 20, 1).get(0));
    }
}

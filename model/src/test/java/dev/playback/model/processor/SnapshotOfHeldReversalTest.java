package dev.playback.model.processor;

import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A snapshot written after a playback batch is folded from the events the batch holds ({@link InHandEvents}); a
 * reversal among them whose target is an event of an earlier batch finds that target by its id in the events table, so
 * the snapshot holds the reversal's effect, as a fold of the table does.
 */
class SnapshotOfHeldReversalTest {
    private static final String AGG = "acc-1";
    private static final EventCatalog CATALOG = new EventCatalog(List.of(ReversingTest.type("Added"),
            ReversingTest.type("Withdrawn"), ReversingTest.type("Reversed")));
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemorySnapshotStore store = new InMemorySnapshotStore();

    private void append(String id, String type, String payload) {
        EventEnvelope e = event(id, AGG, type, json(payload)).withVersion(log.latestVersion(AGG) + 1);
        log.record(new EventStatus.Claimed(e.eventId(), AGG, e.versionOrZero(), Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals(List.of(), log.write(List.of(e)));
    }

    private Snapshots snapshots(InMemorySnapshotStore into) {
        return new Snapshots(into, log, CATALOG, new SnapshotPolicy(10, Map.of(), 3), Metrics.NONE, line -> {
        });
    }

    @Test
    void aReversalInTheBatchOfAnEventOfAnEarlierBatchIsInTheSnapshot() {
        RebuildInPlaceNotesTest.Capped capped = new RebuildInPlaceNotesTest.Capped(1_000);
        Projector<Long> projector = new Projector<>(capped, log, states, CATALOG, snapshots(store));
        append("a", "Added", "{\"amount\":100}");
        append("w", "Withdrawn", "{\"amount\":30}");
        for (int i = 3; i <= 5; i++) append("b" + i, "Added", "{\"amount\":1}");
        projector.applyPlayback("g1", log.read(AGG, 1, 5));
        for (int i = 6; i <= 9; i++) append("b" + i, "Added", "{\"amount\":1}");
        append("r", "Reversed", "{\"reverses\":\"w\"}");

        projector.applyPlayback("g1", log.read(AGG, 6, 5)); // versions 6..10 held; the snapshot at 10 is folded from them

        Snapshot at10 = store.latest("capped", capped.logicVersion(), AGG, 10, 1).get(0);
        assertEquals(10, at10.version());
        assertEquals(107, at10.state().path("total").asLong(), "100 added, 30 withdrawn and put back, 7 × 1 added");
        assertEquals(snapshots(new InMemorySnapshotStore()).take(capped, AGG, 10), at10, "the snapshot a fold of the table gives");
    }
}

package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An aggregate rebuilt in place (a partial replay rebuilds the aggregates in scope in the active generation) with
 * changed logic keeps no note of the earlier fold: a later reversal is decided by what the new logic noted.
 */
class RebuildInPlaceNotesTest {
    private static final String AGG = "acc-1";
    private static final EventCatalog CATALOG = new EventCatalog(List.of(ReversingTest.type("Added"),
            ReversingTest.type("Withdrawn"), ReversingTest.type("Reversed")));

    /** A balance; a withdrawal above {@code limit} is declined (noted), a reversal of it puts back what it took. */
    record Capped(long limit) implements Processor<Long> {
        @Override
        public String name() {
            return "capped";
        }

        @Override
        public Long initial(String aggregateId) {
            return 0L;
        }

        @Override
        public Long apply(Long total, EventEnvelope e) {
            long amount = e.payload().path("amount").asLong();
            return switch (e.type()) {
                case "Added" -> total + amount;
                case "Withdrawn" -> amount > limit ? total : total - amount;
                default -> total;
            };
        }

        @Override
        public Optional<String> reverses(EventEnvelope e) {
            return e.type().equals("Reversed") ? Optional.of(e.payload().path("reverses").asText()) : Optional.empty();
        }

        @Override
        public boolean reversalsFromEvents() {
            return true;
        }

        @Override
        public Optional<JsonNode> note(Long before, Long after, EventEnvelope e) {
            boolean declined = e.type().equals("Withdrawn") && before.equals(after);
            return declined ? Optional.of(JsonNodeFactory.instance.objectNode().put("declined", true)) : Optional.empty();
        }

        @Override
        public ReversalOutcome<Long> applyReversal(Long total, EventEnvelope reversal, ReversedEvent target) {
            if (target.note().map(n -> n.path("declined").asBoolean()).orElse(false)) return ReversalOutcome.refused(total);
            long amount = target.event().payload().path("amount").asLong();
            return ReversalOutcome.applied(target.event().type().equals("Withdrawn") ? total + amount : total - amount);
        }

        @Override
        public Long applyUnresolvable(Long total, EventEnvelope reversal, String reason) {
            return total;
        }

        @Override
        public JsonNode encode(Long total) {
            return JsonNodeFactory.instance.objectNode().put("total", total);
        }

        @Override
        public Long decode(JsonNode json) {
            return json.path("total").asLong();
        }
    }

    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();

    private void append(String id, String type, String payload) {
        EventEnvelope e = event(id, AGG, type, json(payload)).withVersion(log.latestVersion(AGG) + 1);
        log.record(new EventStatus.Claimed(e.eventId(), AGG, e.versionOrZero(), Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals(List.of(), log.write(List.of(e)));
    }

    private long total() {
        return total("g1");
    }

    @Test
    void aWithdrawalDeclinedByTheEarlierLogicAndAcceptedByTheRebuildIsPutBackByItsReversal() {
        append("a", "Added", "{\"amount\":100}");
        append("w", "Withdrawn", "{\"amount\":50}");
        new Projector<>(new Capped(10), log, states, CATALOG).catchUp("g1", AGG, Long.MAX_VALUE);
        assertEquals(100, total(), "declined by a limit of 10");

        Projector<Long> fixed = new Projector<>(new Capped(1_000), log, states, CATALOG);
        fixed.rebuild("g1", AGG);
        assertEquals(50, total(), "accepted by a limit of 1,000");

        append("r", "Reversed", "{\"reverses\":\"w\"}");
        fixed.catchUp("g1", AGG, Long.MAX_VALUE);

        assertEquals(100, total(), "the withdrawal the new logic accepted is put back");
    }

    @Test
    void aReversalTheEarlierLogicAppliedAndTheRebuildRefusedLeavesTheTargetInEffect() {
        append("a", "Added", "{\"amount\":100}");
        append("w", "Withdrawn", "{\"amount\":50}");
        append("r-1", "Reversed", "{\"reverses\":\"w\"}");
        new Projector<>(new Capped(1_000), log, states, CATALOG).catchUp("g1", AGG, Long.MAX_VALUE);
        assertEquals(100, total(), "withdrawn, then put back");

        Projector<Long> stricter = new Projector<>(new Capped(10), log, states, CATALOG);
        stricter.rebuild("g1", AGG);
        assertEquals(100, total(), "declined; its reversal refused");

        Projector<Long> relaxed = new Projector<>(new Capped(1_000), log, states, CATALOG);
        relaxed.rebuild("g1", AGG);
        append("r-2", "Reversed", "{\"reverses\":\"w\"}");
        relaxed.catchUp("g1", AGG, Long.MAX_VALUE);

        assertEquals(100, total(), "r-1 puts the withdrawal back in the relaxed rebuild, so r-2 is refused as a second reversal");
    }

    private long total(String generation) {
        return states.load("capped", generation, AGG).map(ProcessorState::state).orElseThrow().path("total").asLong();
    }

    @Test
    void aRebuildIntoAnEmptyGenerationWritesItsNotes_soALaterReversalOfADeclinedWithdrawalIsRefused() {
        append("a", "Added", "{\"amount\":100}");
        append("w", "Withdrawn", "{\"amount\":50}");
        Projector<Long> capped = new Projector<>(new Capped(10), log, states, CATALOG);

        capped.rebuild("g2", AGG);
        append("r", "Reversed", "{\"reverses\":\"w\"}");
        capped.catchUp("g2", AGG, Long.MAX_VALUE);

        assertEquals(100, total("g2"), "the withdrawal was declined, so its reversal puts nothing back");
    }

    private Snapshots snapshotsIn(dev.playback.model.snapshot.memory.InMemorySnapshotStore store) {
        return new Snapshots(store, log, CATALOG, new dev.playback.model.snapshot.SnapshotPolicy(1_000, java.util.Map.of(), 3),
                dev.playback.model.metrics.Metrics.NONE, line -> {
        });
    }

    /** a (100 added) and w (30 withdrawn), with a snapshot at w: the store it is in. */
    private dev.playback.model.snapshot.memory.InMemorySnapshotStore addedAndWithdrawnWithASnapshot() {
        append("a", "Added", "{\"amount\":100}");
        append("w", "Withdrawn", "{\"amount\":30}");
        var store = new dev.playback.model.snapshot.memory.InMemorySnapshotStore();
        snapshotsIn(store).take(new Capped(1_000), AGG, 2);
        return store;
    }

    @Test
    void aRebuildStartsFromTheSnapshot_whenEveryReversalAfterItTargetsAnEventAfterIt() {
        var store = addedAndWithdrawnWithASnapshot();
        append("b", "Added", "{\"amount\":5}");
        append("r", "Reversed", "{\"reverses\":\"b\"}");

        Projector.Rebuilt rebuilt = new Projector<>(new Capped(1_000), log, states, CATALOG, snapshotsIn(store)).rebuild("g1", AGG);

        assertEquals(2L, rebuilt.snapshot().orElseThrow().version());
        assertEquals(new CatchUp(AGG, 2, 4, true), rebuilt.result(), "the two events after the snapshot");
        assertEquals(70, total("g1"));
    }

    @Test
    void aRebuildStartsFromTheFirstEvent_whenAReversalAfterTheSnapshotTargetsAnEventItHolds() {
        var store = addedAndWithdrawnWithASnapshot();
        append("r", "Reversed", "{\"reverses\":\"w\"}");

        Projector.Rebuilt rebuilt = new Projector<>(new Capped(1_000), log, states, CATALOG, snapshotsIn(store)).rebuild("g1", AGG);

        assertEquals(Optional.empty(), rebuilt.snapshot(), "the note of w is not in the snapshot");
        assertEquals(new CatchUp(AGG, 3, 3, true), rebuilt.result());
        assertEquals(100, total("g1"), "w put back");
    }

    @Test
    void aReversalPagesAfterTheNewestSnapshotOfAnEventItHoldsMakesTheRebuildStartFromTheFirstEvent() {
        dev.playback.model.snapshot.memory.InMemorySnapshotStore store = new dev.playback.model.snapshot.memory.InMemorySnapshotStore();
        Snapshots snapshots = new Snapshots(store, log, CATALOG, new dev.playback.model.snapshot.SnapshotPolicy(100, java.util.Map.of(), 3),
                (m, p, n) -> {
                }, line -> {
                    throw new AssertionError(line);
                });
        append("w", "Withdrawn", "{\"amount\":50}");
        for (int v = 2; v <= 2300; v++) append("a" + v, "Added", "{\"amount\":1}");
        snapshots.take(new Capped(1_000), AGG, 200);
        // version 2301, on the third page of 1,000 events after the snapshot, reverses the withdrawal the snapshot holds
        append("r", "Reversed", "{\"reverses\":\"w\"}");

        Projector.Rebuilt r = new Projector<>(new Capped(1_000), log, states, CATALOG, snapshots).rebuild("g1", AGG);

        assertEquals(Optional.empty(), r.snapshot(), "the snapshot holds the reversed withdrawal: the rebuild starts from the first event");
        assertEquals(2301, r.result().version());
        assertEquals(2299, total(), "2,299 added, the withdrawal of 50 put back");
    }
}

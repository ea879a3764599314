package dev.playback.model.processor;

import dev.playback.model.snapshot.PointInTime;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.snapshot.SnapshotStore;

import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Folds the stored events of an aggregate that a {@link PointInTime} admits, in version order, onto a snapshot or the
 * initial state. A reversal the processor cannot undo from its state makes it fold again from the first event without
 * the reversed ones ({@link Reversals#refold}), as the projector does.
 */
final class Folding {
    static final int PAGE = 1000;

    private Folding() {
    }

    /**
     * @param version the last version taken in (the snapshot's, if no event after it was); 0 when nothing was
     * @param folded  the events applied after the start
     * @param read    the events read after the start
     * @param start   the snapshot it started from (none when it started from the first event, also after a refold)
     */
    record Folded<S>(Optional<Snapshot> start, S state, long version, int folded, int read, Instant latestOccurredAt, Instant latestRecordedAt,
                     boolean anyWithoutRecordedAt) {
    }

    static <S> Folded<S> fold(Processor<S> processor, EventStore events, EventCatalog catalog, String aggregateId,
                              Optional<Snapshot> start, PointInTime point) {
        return fold(processor, events, catalog, aggregateId, start, point, null);
    }

    /**
     * @param notes the notes of every event of the aggregate up to the point (those of a generation that holds them, for
     *              a point by version only); null: kept in memory from the start on
     */
    static <S> Folded<S> fold(Processor<S> processor, EventStore events, EventCatalog catalog, String aggregateId,
                              Optional<Snapshot> start, PointInTime point, EventNotes notes) {
        S state = start.map(s -> processor.decode(s.state())).orElseGet(() -> processor.initial(aggregateId));
        long version = start.map(Snapshot::version).orElse(0L);
        Instant occurred = start.map(Snapshot::latestOccurredAt).orElse(null);
        Instant recorded = start.map(Snapshot::latestRecordedAt).orElse(null);
        boolean unrecorded = start.isPresent() && start.get().latestRecordedAt() == null;
        List<EventEnvelope> admitted = start.isEmpty() ? new ArrayList<>() : null; // for a refold from the first event
        // Reversals from the reversed events: their targets found by id among the events the point admits, their notes
        // kept in memory from the start on (a reversal reaching back before the snapshot folds again from the first event).
        Reversing.Lookup byId = Reversing.Lookup.of(events, catalog);
        Reversing<S> reversing = !processor.reversalsFromEvents() ? null : new Reversing<>(processor,
                id -> byId.event(id).filter(point::admits), notes != null ? notes : EventNotes.inMemory(), notes != null ? 0 : version);
        long upTo = point.upTo();
        long next = version + 1;
        int folded = 0;
        int read = 0;
        while (next <= upTo) {
            List<EventEnvelope> page = events.read(aggregateId, next, PAGE);
            for (EventEnvelope stored : page) {
                if (stored.versionOrZero() > upTo) break;
                if (stored.versionOrZero() != next) {
                    throw new IllegalStateException("events table has a gap in aggregate " + aggregateId + ": expected version "
                            + next + ", found " + stored.versionOrZero());
                }
                next++;
                read++;
                if (!point.admits(stored)) continue;
                EventEnvelope e = catalog.upcast(stored);
                if (admitted != null) admitted.add(e);
                try {
                    state = reversing != null ? reversing.apply(state, e) : processor.apply(state, e);
                } catch (CannotInvert c) {
                    if (reversing != null && admitted != null) throw c;
                    if (admitted == null) return fold(processor, events, catalog, aggregateId, Optional.empty(), point, notes);
                    state = Reversals.refold(processor, aggregateId, admitted);
                }
                folded++;
                version = e.versionOrZero();
                occurred = occurred == null || e.occurredAt().isAfter(occurred) ? e.occurredAt() : occurred;
                if (e.recordedAt() == null) unrecorded = true;
                else if (recorded == null || e.recordedAt().isAfter(recorded)) recorded = e.recordedAt();
            }
            if (page.size() < PAGE) break;
        }
        return new Folded<>(start, state, version, folded, read, occurred, unrecorded ? null : recorded, unrecorded);
    }
}

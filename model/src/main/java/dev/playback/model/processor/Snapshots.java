package dev.playback.model.processor;

import dev.playback.model.snapshot.PointInTime;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.snapshot.SnapshotStore;

import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.store.EventStore;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Takes the snapshots of processors: when a saved state of an aggregate crosses a multiple
 * {@code m} of the processor's interval ({@link SnapshotPolicy}), in any generation (live or a replay's), the snapshot
 * at {@code m} is folded from the newest older snapshot of the processor's logic version plus the events up to
 * {@code m} read from the events table, not copied from the saved state: a generation built by older logic that
 * follows live events with the new logic holds a state of neither, and a snapshot is always the fold of events 1..m
 * with the logic version it is tagged with. A processor with external effects is folded here from the recorded answers
 * only, causing nothing ({@link dev.playback.model.gateway.GatewayBinding#recordedAnswers}, which the {@link Projector}
 * passes in). Then only the newest {@code keep} are kept. A failure to write is logged
 * and counted ({@link Metrics#SNAPSHOT_WRITE_FAILURES}) and nothing else: the events go on, the next multiple writes again.
 */
public final class Snapshots {
    private static final Snapshots NONE = new Snapshots(null, null, null, SnapshotPolicy.defaults(), Metrics.NONE, s -> {
    });

    private final SnapshotStore store;
    private final EventStore events;
    private final EventCatalog catalog;
    private final SnapshotPolicy policy;
    private final Metrics metrics;
    private final Consumer<String> warn;

    /**
     * @param warn takes a line naming a snapshot that could not be written and why
     */
    public Snapshots(SnapshotStore store, EventStore events, EventCatalog catalog, SnapshotPolicy policy, Metrics metrics,
                     Consumer<String> warn) {
        this.store = store;
        this.events = events;
        this.catalog = catalog;
        this.policy = policy;
        this.metrics = metrics;
        this.warn = warn;
    }

    /** Takes no snapshot and has none. */
    public static Snapshots none() {
        return NONE;
    }

    public boolean enabled() {
        return store != null;
    }

    public SnapshotPolicy policy() {
        return policy;
    }

    /** Where the snapshots are ({@link SnapshotStore#NONE} when disabled). */
    SnapshotStore store() {
        return store == null ? SnapshotStore.NONE : store;
    }

    /**
     * After a state of {@code aggregateId} was saved at {@code to} over one at {@code from}: writes the snapshot at the
     * highest multiple of the interval in ({@code from}, {@code to}], if any and not written already. Never throws.
     */
    public <S> void saved(Processor<S> processor, String aggregateId, long from, long to) {
        saved(processor, aggregateId, from, to, null);
    }

    /**
     * The same, with the {@link EventNotes} of the generation that saved the state (null: none), so that a reversal
     * among the events folded whose target the previous snapshot holds is decided from them, not by a fold from the
     * first event.
     */
    public <S> void saved(Processor<S> processor, String aggregateId, long from, long to, EventNotes notes) {
        saved(processor, aggregateId, from, to, notes, List.of());
    }

    /**
     * The same, with events of the aggregate the caller holds ({@code held}: those it just applied, as the events table
     * gave them): the snapshot's fold takes them from memory instead of reading them again.
     */
    public <S> void saved(Processor<S> processor, String aggregateId, long from, long to, EventNotes notes, List<EventEnvelope> held) {
        if (store == null) return;
        int interval = policy.interval(processor.name());
        long at = to / interval * interval;
        if (at == 0 || at <= from) return;
        try {
            take(processor, aggregateId, at, notes, InHandEvents.over(events, aggregateId, at, held));
        } catch (RuntimeException e) {
            metrics.count(Metrics.SNAPSHOT_WRITE_FAILURES, processor.name(), 1);
            warn.accept(processor.name() + ": snapshot of " + aggregateId + " at version " + at + " not written (the next one at "
                    + (at + interval) + " is tried): " + e);
        }
    }

    /** Writes the snapshot at {@code version} unless there is one, then prunes; returns it. */
    public <S> Snapshot take(Processor<S> processor, String aggregateId, long version) {
        return take(processor, aggregateId, version, null);
    }

    /** The same, reversals decided with {@code notes} (see {@link #saved(Processor, String, long, long, EventNotes)}). */
    public <S> Snapshot take(Processor<S> processor, String aggregateId, long version, EventNotes notes) {
        return take(processor, aggregateId, version, notes, events);
    }

    private <S> Snapshot take(Processor<S> processor, String aggregateId, long version, EventNotes notes, EventStore events) {
        String logic = Snapshot.checkLogicVersion(processor.name(), processor.logicVersion());
        // One query for the newest snapshots: whether this one exists, the one to fold from, and those to prune after.
        int window = policy.keep() + PRUNED_AT_ONCE;
        List<Snapshot> newest = store.latest(processor.name(), logic, aggregateId, Long.MAX_VALUE, window);
        boolean covered = newest.size() < window || newest.get(newest.size() - 1).version() <= version;
        List<Snapshot> older = covered ? newest.stream().filter(s -> s.version() <= version).limit(1).toList()
                : store.latest(processor.name(), logic, aggregateId, version, 1);
        if (!older.isEmpty() && older.get(0).version() == version) return older.get(0);
        Optional<Snapshot> start = older.stream().findFirst();
        PointInTime upTo = new PointInTime(Optional.empty(), Optional.empty(), java.util.OptionalLong.of(version));
        Folding.Folded<S> f = Folding.fold(processor, events, catalog, aggregateId, start, upTo, notes);
        if (f.version() != version) {
            throw new IllegalStateException("events table does not hold version " + version + " of " + aggregateId + " (last " + f.version() + ")");
        }
        Snapshot taken = new Snapshot(processor.name(), logic, aggregateId, version, processor.encode(f.state()), f.latestOccurredAt(),
                f.latestRecordedAt());
        store.put(taken);
        List<Snapshot> kept = new java.util.ArrayList<>(newest);
        kept.add(taken);
        kept.sort(java.util.Comparator.comparingLong(Snapshot::version).reversed());
        prune(processor.name(), logic, aggregateId, kept.subList(0, Math.min(window, kept.size())));
        return taken;
    }

    /** Deletes those of {@code newest} (the aggregate's newest snapshots for this processor and logic version, newest first) beyond the {@code keep} newest. */
    private void prune(String processor, String logicVersion, String aggregateId, List<Snapshot> newest) {
        for (Snapshot s : newest.subList(Math.min(policy.keep(), newest.size()), newest.size())) {
            store.delete(processor, logicVersion, aggregateId, s.version());
        }
    }

    /** Snapshots beyond those kept deleted per write (more are left by writes that failed before pruning). */
    private static final int PRUNED_AT_ONCE = 10;

    /** The newest snapshot below {@code version} of the processor's current logic version, if any (none when disabled). */
    public Optional<Snapshot> below(Processor<?> processor, String aggregateId, long version) {
        if (store == null || version <= 1) return Optional.empty();
        String logic = Snapshot.checkLogicVersion(processor.name(), processor.logicVersion());
        return store.latest(processor.name(), logic, aggregateId, version - 1, 1).stream().findFirst();
    }
}

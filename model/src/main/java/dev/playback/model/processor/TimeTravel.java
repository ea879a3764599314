package dev.playback.model.processor;

import dev.playback.model.snapshot.PointInTime;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.snapshot.SnapshotStore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.store.EventStore;

import java.util.Optional;

/**
 * A processor's state of an aggregate at a {@link PointInTime}: from the newest snapshot of the processor's current
 * logic version that the query admits (never one of another logic version), plus the events after it that the query
 * admits. Computed, never saved.
 */
public final class TimeTravel {
    /** How many of the newest snapshots at or below the query's version are looked at. */
    static final int CANDIDATES = 10;

    private final EventStore events;
    private final SnapshotStore snapshots;
    private final EventCatalog catalog;

    public TimeTravel(EventStore events, SnapshotStore snapshots, EventCatalog catalog) {
        this.events = events;
        this.snapshots = snapshots;
        this.catalog = catalog;
    }

    /**
     * The answer: the state, the last version taken in, the snapshot it started from (none: from the first event), the
     * events applied after it and the events read after it (those the query leaves out included).
     */
    public record Answer(String processor, String logicVersion, String aggregateId, long version, JsonNode state,
                         Optional<Snapshot> snapshot, int eventsFolded, int eventsRead) {
    }

    /** Empty when the query admits no event of the aggregate. */
    public <S> Optional<Answer> at(Processor<S> processor, String aggregateId, PointInTime point) {
        String logic = Snapshot.checkLogicVersion(processor.name(), processor.logicVersion());
        Optional<Snapshot> start = point.choose(snapshots.latest(processor.name(), logic, aggregateId, point.upTo(), CANDIDATES));
        Folding.Folded<S> f = Folding.fold(processor, events, catalog, aggregateId, start, point);
        if (f.version() == 0) return Optional.empty();
        return Optional.of(new Answer(processor.name(), logic, aggregateId, f.version(), processor.encode(f.state()), f.start(),
                f.folded(), f.read()));
    }
}

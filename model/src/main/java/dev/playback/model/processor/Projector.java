package dev.playback.model.processor;

import dev.playback.model.store.ProcessorState;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.ExternalCallFailed;
import dev.playback.model.gateway.MissingRecordException;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;

import java.util.List;
import java.util.Optional;

/**
 * Keeps one processor's state of an aggregate in step with the events table. Idempotent by version:
 * events at or below the applied version are skipped; a gap is filled by reading the missing events
 * from the events table, never guessed. Events are upcast to their current shape before they are applied.
 * An event the processor's {@code apply} throws on comes back as {@link EventNotApplied} from {@link #catchUp} and
 * {@link #applyPlayback}, the events before it kept applied (the state saved at the version before it), so that the live
 * path can park the aggregate ({@link dev.playback.model.parking.Parking}); {@link #rebuild} and {@link #stateAt} throw
 * what the processor threw.
 */
public final class Projector<S> {
    private static final int PAGE = 1000;
    private static final int MAX_CONFLICTS = 10;

    private final Processor<S> processor;
    private final EventStore events;
    private final StateStore states;
    private final EventCatalog catalog;
    private final Snapshots snapshots;
    /**
     * What snapshots and time-travel answers are folded with: the processor itself, or, for a processor with external
     * effects, its twin that folds from the recorded answers and causes nothing.
     */
    private final Processor<S> folding;
    /** Without a state store (a fold over events loaded by the caller): the events read and the notes taken, in memory. */
    private final java.util.Map<String, EventEnvelope> loaded = new java.util.concurrent.ConcurrentHashMap<>();
    private final EventNotes loadedNotes = EventNotes.inMemory();

    public Projector(Processor<S> processor, EventStore events, StateStore states, EventCatalog catalog) {
        this(processor, events, states, catalog, Snapshots.none());
    }

    /**
     * @param snapshots takes a snapshot when a saved state crosses a multiple of the processor's interval, and gives the
     *                  reversal fallback and rebuilds a state to start from; the processor folds them, so it must cause
     *                  nothing outside (for one that does, see the next constructor)
     */
    public Projector(Processor<S> processor, EventStore events, StateStore states, EventCatalog catalog, Snapshots snapshots) {
        this(processor, events, states, catalog, snapshots, processor);
    }

    /**
     * A processor with external effects ({@code processor}, e.g. bound to the gateway live or in a replay's mode) whose
     * snapshots and time-travel answers are folded by {@code folding}, the same logic without effects (answers from the
     * record, nothing sent: {@link dev.playback.model.gateway.GatewayBinding#recordedAnswers}). Its rebuilds and the
     * reversal fallback start from the first event, never from a snapshot: the events a snapshot holds would not be
     * handled, and a replay's effects for them (a {@code diff} replay's corrections) would be lost.
     */
    public Projector(Processor<S> processor, EventStore events, StateStore states, EventCatalog catalog, Snapshots snapshots,
                     Processor<S> folding) {
        if (!processor.name().equals(folding.name()) || !processor.logicVersion().equals(folding.logicVersion())) {
            throw new IllegalArgumentException("processor " + processor.name() + " (logic " + processor.logicVersion()
                    + ") is folded by another processor or logic: " + folding.name() + " (logic " + folding.logicVersion() + ")");
        }
        this.processor = processor;
        this.events = events;
        this.states = states;
        this.catalog = catalog;
        this.snapshots = snapshots;
        this.folding = folding;
    }

    /** The newest snapshot below {@code version} a fold of this projector may start from: none when it has effects. */
    private Optional<Snapshot> startBelow(String aggregateId, long version) {
        return folding == processor ? snapshots.below(processor, aggregateId, version) : Optional.empty();
    }

    public Processor<S> processor() {
        return processor;
    }

    /** The state folded up to {@code version}; {@code failed}: the event after it could not be applied (null: none failed). */
    private record Folded<S>(S state, long version, int applied, EventNotApplied failed) {
    }

    /**
     * How events are applied in {@code generation} for a processor whose reversals come from the reversed events
     * ({@link Processor#reversalsFromEvents}): its notes kept beside its states; null for any other processor.
     */
    private Reversing<S> reversing(String generation) {
        return reversing(notes(generation));
    }

    private EventNotes notes(String generation) {
        return states == null ? loadedNotes : EventNotes.in(states, processor.name(), generation);
    }

    private Reversing<S> reversing(EventNotes notes) {
        return reversing(notes, 0);
    }

    /** The same, {@code notes} holding the notes of the events after {@code known} only (a fold from a snapshot at it). */
    private Reversing<S> reversing(EventNotes notes, long known) {
        if (!processor.reversalsFromEvents()) return null;
        Reversing.Lookup stored = Reversing.Lookup.of(events, catalog);
        Reversing.Lookup lookup = states != null ? stored : id -> {
            EventEnvelope e = loaded.get(id);
            return e != null ? Optional.of(catalog.upcast(e)) : stored.event(id);
        };
        return new Reversing<>(processor, lookup, notes, known);
    }

    /**
     * {@code event} upcast and applied to {@code state} (through {@code reversing} when not null). The toolkit's own signals pass through as they are
     * ({@link CannotInvert}, {@link MissingRecordException}, {@link ExternalCallFailed}); anything else the processor (or
     * the upcast) throws comes back as {@link EventNotApplied}, naming the event.
     */
    private S applyOne(S state, EventEnvelope event, Reversing<S> reversing) {
        try {
            EventEnvelope upcast = catalog.upcast(event);
            return reversing != null ? reversing.apply(state, upcast) : processor.apply(state, upcast);
        } catch (CannotInvert | EventNotApplied | MissingRecordException | ExternalCallFailed c) {
            throw c;
        } catch (RuntimeException e) {
            throw new EventNotApplied(processor.name(), event, e);
        }
    }

    /**
     * Folds the stored events after {@code from} up to {@code upTo} onto {@code state}; stops before an event that cannot
     * be applied, the state as it was before that event.
     */
    private Folded<S> fold(String aggregateId, S state, long from, long upTo, Reversing<S> reversing) {
        return fold(aggregateId, state, from, upTo, reversing, null);
    }

    /** The same, putting the id and version of every event read into {@code seen} (when not null). */
    private Folded<S> fold(String aggregateId, S state, long from, long upTo, Reversing<S> reversing, java.util.Map<String, Long> seen) {
        long version = from;
        int applied = 0;
        while (version < upTo) {
            List<EventEnvelope> page = events.read(aggregateId, version + 1, PAGE);
            for (EventEnvelope e : page) {
                if (e.version() > upTo) break;
                if (e.version() != version + 1) {
                    throw new IllegalStateException("events table has a gap in aggregate " + aggregateId
                            + ": expected version " + (version + 1) + ", found " + e.version());
                }
                if (states == null) loaded.put(e.eventId(), e);
                if (seen != null) seen.put(e.eventId(), e.version());
                try {
                    state = applyOne(state, e, reversing);
                } catch (CannotInvert c) {
                    try {
                        state = refold(aggregateId, e.version(), reversing == null ? null : reversing.notes());
                    } catch (EventNotApplied n) {
                        return new Folded<>(state, version, applied, n);
                    }
                } catch (EventNotApplied n) {
                    return new Folded<>(state, version, applied, n);
                }
                version = e.version();
                applied++;
            }
            if (page.size() < PAGE) break;
        }
        return new Folded<>(state, version, applied, null);
    }

    /**
     * {@code f}, or, when an event failed, what the processor threw, as it was (rebuilds and comparisons keep no partial
     * state and do not park).
     */
    private static <S> Folded<S> whole(Folded<S> f) {
        if (f.failed() != null) throw (RuntimeException) f.failed().getCause();
        return f;
    }

    /**
     * The state at {@code upTo} rebuilt from the aggregate's events without the reversed ones ({@link Reversals}): from
     * the newest snapshot below {@code upTo} when every reversal after it targets an event after it (the events it holds
     * stay in effect as they were), else from the first event.
     */
    private S refold(String aggregateId, long upTo, EventNotes notes) {
        Optional<Snapshot> base = startBelow(aggregateId, upTo);
        if (base.isPresent()) {
            List<EventEnvelope> after = read(aggregateId, base.get().version(), upTo);
            java.util.Set<String> ids = new java.util.HashSet<>();
            boolean closed = true;
            for (EventEnvelope e : after) {
                Optional<String> target = processor.reverses(e);
                if (target.isPresent() && !ids.contains(target.get())) {
                    closed = false;
                    break;
                }
                ids.add(e.eventId());
            }
            if (closed) {
                java.util.Map<String, EventNotes.Note> made = notes == null ? null : new java.util.HashMap<>();
                return refolded(after, notes, made, () -> Reversals.refold(processor, aggregateId, processor.decode(base.get().state()), after, made),
                        aggregateId);
            }
        }
        List<EventEnvelope> all = read(aggregateId, 0, upTo);
        java.util.Map<String, EventNotes.Note> made = notes == null ? null : new java.util.HashMap<>();
        return refolded(all, notes, made, () -> Reversals.refold(processor, aggregateId, processor.initial(aggregateId), all, made), aggregateId);
    }

    /**
     * A refold of {@code events}: what the processor threw is the last event's {@link EventNotApplied}. When the fold
     * keeps {@code notes}, those of the refolded events become the refold's ({@code made}) (the rebuild without the reversed events
     * may apply later events differently: their earlier notes would decide a later reversal wrongly).
     */
    private S refolded(List<EventEnvelope> events, EventNotes notes, java.util.Map<String, EventNotes.Note> made,
                       java.util.function.Supplier<S> refold, String aggregateId) {
        S state;
        try {
            state = refold.get();
        } catch (CannotInvert | EventNotApplied | MissingRecordException | ExternalCallFailed e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EventNotApplied(processor.name(), events.get(events.size() - 1), e);
        }
        if (notes != null) {
            for (EventEnvelope e : events) {
                EventNotes.Note want = made.get(e.eventId());
                EventNotes.Note have = notes.find(aggregateId, e.eventId()).orElse(EventNotes.Note.empty(e.eventId(), e.versionOrZero()));
                if (!want.equals(have)) notes.update(aggregateId, e.eventId(), e.versionOrZero(), n -> want);
            }
        }
        return state;
    }

    /** The stored events after {@code from} up to {@code upTo}, upcast; throws if {@code upTo} is not stored. */
    private List<EventEnvelope> read(String aggregateId, long from, long upTo) {
        List<EventEnvelope> all = new java.util.ArrayList<>();
        long version = from;
        while (version < upTo) {
            List<EventEnvelope> page = events.read(aggregateId, version + 1, PAGE);
            for (EventEnvelope e : page) {
                if (e.version() > upTo) break;
                all.add(catalog.upcast(e));
                version = e.version();
            }
            if (page.size() < PAGE) break;
        }
        if (version != upTo) throw new IllegalStateException("events table does not hold version " + upTo + " of " + aggregateId);
        return all;
    }

    /** Applies every stored event up to {@code upTo} (inclusive; {@code Long.MAX_VALUE} = all stored). */
    public CatchUp catchUp(String generation, String aggregateId, long upTo) {
        for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
            Optional<ProcessorState> stored = states.load(processor.name(), generation, aggregateId);
            long from = stored.map(ProcessorState::version).orElse(0L);
            if (from >= upTo) return new CatchUp(aggregateId, 0, from, true);
            S state = stored.map(s -> processor.decode(s.state())).orElseGet(() -> processor.initial(aggregateId));
            Folded<S> f = fold(aggregateId, state, from, upTo, reversing(generation));
            if (f.applied() == 0) {
                if (f.failed() != null) throw f.failed();
                return new CatchUp(aggregateId, 0, from, upTo == Long.MAX_VALUE);
            }
            ProcessorState next = new ProcessorState(processor.name(), generation, aggregateId, f.version(), processor.encode(f.state()));
            if (states.save(next, from)) {
                snapshots.saved(folding, aggregateId, from, f.version(), notes(generation));
                // the events before the one that failed are kept applied (an effectful processor's sends are not redone)
                if (f.failed() != null) throw f.failed();
                return new CatchUp(aggregateId, f.applied(), f.version(), upTo == Long.MAX_VALUE || f.version() >= upTo);
            }
        }
        throw conflict(generation, aggregateId);
    }

    /**
     * Applies events of a playback record (consecutive versions of one aggregate) to {@code generation}:
     * events at or below the stored version are skipped, the rest are applied directly when they follow
     * on; a gap or a payload kept aside (claim check) is filled from the events table instead.
     */
    public CatchUp applyPlayback(String generation, List<EventEnvelope> batch) {
        return applyPlayback(generation, batch, null);
    }

    /**
     * The same, starting from {@code preloaded} (the stored state read in bulk by the caller; empty = none
     * stored) instead of reading it; a conflicting writer makes it read again.
     */
    public CatchUp applyPlayback(String generation, List<EventEnvelope> batch, Optional<ProcessorState> preloaded) {
        if (batch.isEmpty()) throw new IllegalArgumentException("no events to apply");
        String aggregateId = batch.get(0).aggregateId();
        long last = batch.get(batch.size() - 1).versionOrZero();
        attempts:
        for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
            Optional<ProcessorState> stored = attempt == 0 && preloaded != null ? preloaded
                    : states.load(processor.name(), generation, aggregateId);
            long from = stored.map(ProcessorState::version).orElse(0L);
            if (from >= last) return new CatchUp(aggregateId, 0, from, true);
            S state = stored.map(s -> processor.decode(s.state())).orElseGet(() -> processor.initial(aggregateId));
            long version = from;
            int applied = 0;
            boolean direct = true;
            Reversing<S> reversing = reversing(generation);
            for (EventEnvelope e : batch) {
                if (e.versionOrZero() <= version) continue;
                if (e.versionOrZero() != version + 1 || e.payload() == null) {
                    direct = false;
                    break;
                }
                try {
                    state = applyOne(state, e, reversing);
                } catch (CannotInvert c) {
                    direct = false; // the aggregate is rebuilt without the reversed events: through the events table
                    break;
                } catch (EventNotApplied n) {
                    // the events before the one that failed are kept applied; the state stays at the version before it
                    if (applied > 0) {
                        ProcessorState before = new ProcessorState(processor.name(), generation, aggregateId, version, processor.encode(state));
                        if (!states.save(before, from)) continue attempts; // another writer moved it: read again
                    }
                    throw n;
                }
                version = e.versionOrZero();
                applied++;
            }
            if (!direct) return catchUp(generation, aggregateId, last);
            ProcessorState next = new ProcessorState(processor.name(), generation, aggregateId, version, processor.encode(state));
            if (states.save(next, from)) {
                snapshots.saved(folding, aggregateId, from, version, notes(generation), batch);
                return new CatchUp(aggregateId, applied, version, true);
            }
        }
        throw conflict(generation, aggregateId);
    }

    /**
     * What {@link #rebuild} did: {@code result.applied()} the events folded, and the snapshot the fold started from
     * (empty: from the first event).
     */
    public record Rebuilt(CatchUp result, Optional<Snapshot> snapshot) {
    }

    /**
     * Rebuilds the aggregate's state in {@code generation} with the current logic, replacing what is stored
     * (conditional on the stored version not moving meanwhile; redone if it did): from the newest snapshot of the
     * processor's logic version ({@link #startOfRebuild}), or from the first event, folding the events after it.
     * For a processor whose reversals come from the events, the fold reads none of the notes stored in
     * {@code generation} (a rebuild in place, as a partial replay does, may run new logic over the notes of the
     * earlier fold: a withdrawal noted as declined that the new logic accepts, a reversal that it refuses), and its
     * notes of the events it folded replace the stored ones before the state is saved ({@link #replaceNotes}).
     */
    public Rebuilt rebuild(String generation, String aggregateId) {
        for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
            Optional<ProcessorState> stored = states.load(processor.name(), generation, aggregateId);
            long storedVersion = stored.map(ProcessorState::version).orElse(0L);
            Optional<Snapshot> base = startOfRebuild(aggregateId);
            long from = base.map(Snapshot::version).orElse(0L);
            S start = base.map(b -> processor.decode(b.state())).orElseGet(() -> processor.initial(aggregateId));
            EventNotes fresh = EventNotes.inMemory();
            java.util.Map<String, Long> folded = new java.util.LinkedHashMap<>();
            Folded<S> f = whole(fold(aggregateId, start, from, Long.MAX_VALUE, reversing(fresh, from), folded));
            if (f.version() == 0 && stored.isEmpty()) return new Rebuilt(new CatchUp(aggregateId, 0, 0, true), base);
            if (f.version() < storedVersion) continue; // the stored state moved past what was read: read again
            if (processor.reversalsFromEvents()) replaceNotes(generation, aggregateId, folded, fresh, stored.isPresent());
            ProcessorState next = new ProcessorState(processor.name(), generation, aggregateId, f.version(), processor.encode(f.state()));
            if (states.save(next, storedVersion)) {
                snapshots.saved(folding, aggregateId, 0, f.version(), notes(generation));
                return new Rebuilt(new CatchUp(aggregateId, f.applied(), f.version(), true), base);
            }
        }
        throw conflict(generation, aggregateId);
    }

    /**
     * The snapshot a rebuild starts from: the newest of the processor's current logic version (never one of another:
     * new logic folds from the first event until it has snapshots of its own). For a processor whose reversals come
     * from the events, only one after which every reversal targets an event after it (the notes of the events it
     * holds are not at hand); otherwise none.
     */
    private Optional<Snapshot> startOfRebuild(String aggregateId) {
        Optional<Snapshot> newest = startBelow(aggregateId, Long.MAX_VALUE);
        if (newest.isEmpty() || !processor.reversalsFromEvents()) return newest;
        java.util.Set<String> after = new java.util.HashSet<>();
        long version = newest.get().version();
        while (true) {
            List<EventEnvelope> page = events.read(aggregateId, version + 1, PAGE);
            for (EventEnvelope e : page) {
                Optional<String> target = processor.reverses(catalog.upcast(e));
                if (target.isPresent() && !after.contains(target.get())) return Optional.empty();
                after.add(e.eventId());
                version = e.versionOrZero();
            }
            if (page.size() < PAGE) return newest;
        }
    }

    /**
     * The processor's state of the aggregate at {@code point}, computed and not saved: from the newest snapshot of its
     * logic version that the point admits plus the admitted events after it ({@link TimeTravel}); empty when the point
     * admits no event. A processor with external effects is folded from the recorded answers (the folding processor).
     */
    public Optional<TimeTravel.Answer> at(String aggregateId, dev.playback.model.snapshot.PointInTime point) {
        return new TimeTravel(events, snapshots.store(), catalog).at(folding, aggregateId, point);
    }

    /** How many notes a rebuild reads at once to compare them with its own. */
    private static final int NOTES_PAGE = 100;

    /**
     * Makes the stored notes of the events a rebuild folded ({@code folded}: id → version) those of its fold
     * ({@code fresh}). Over an earlier fold ({@code earlierFold}: a state was stored), a note that differs is
     * overwritten and one the fold did not make is emptied (an empty note is no note), reading the stored notes
     * {@value #NOTES_PAGE} at a time; otherwise the fold's notes are written.
     */
    private void replaceNotes(String generation, String aggregateId, java.util.Map<String, Long> folded, EventNotes fresh, boolean earlierFold) {
        EventNotes stored = EventNotes.in(states, processor.name(), generation);
        if (!earlierFold) {
            folded.forEach((id, version) -> fresh.find(aggregateId, id).ifPresent(want -> stored.update(aggregateId, id, version, n -> want)));
            return;
        }
        List<String> ids = new java.util.ArrayList<>(folded.keySet());
        for (int from = 0; from < ids.size(); from += NOTES_PAGE) {
            List<String> page = ids.subList(from, Math.min(ids.size(), from + NOTES_PAGE));
            java.util.Map<String, ProcessorState> found = states.loadAll(processor.name(), generation,
                    page.stream().map(id -> aggregateId + EventNotes.SEPARATOR + id).toList());
            for (String id : page) {
                long version = folded.get(id);
                EventNotes.Note want = fresh.find(aggregateId, id).orElse(EventNotes.Note.empty(id, version));
                ProcessorState had = found.get(aggregateId + EventNotes.SEPARATOR + id);
                EventNotes.Note was = had == null ? EventNotes.Note.empty(id, version) : EventNotes.decode(had.state());
                if (!want.equals(was)) stored.update(aggregateId, id, version, n -> want);
            }
        }
    }

    /**
     * The state {@code from} brought up to {@code upTo} with the stored events, computed and not saved
     * (for comparisons). Empty when there is neither a state nor an event.
     */
    public Optional<ProcessorState> stateAt(String generation, String aggregateId, Optional<ProcessorState> from, long upTo) {
        long start = from.map(ProcessorState::version).orElse(0L);
        if (start >= upTo) return from;
        S state = from.map(s -> processor.decode(s.state())).orElseGet(() -> processor.initial(aggregateId));
        // computed, not saved: the notes of the generation are read, what this fold notes stays in memory
        Folded<S> f = whole(fold(aggregateId, state, start, upTo,
                reversing(states == null ? loadedNotes : EventNotes.overlay(EventNotes.in(states, processor.name(), generation)))));
        if (f.applied() == 0) return from;
        return Optional.of(new ProcessorState(processor.name(), generation, aggregateId, f.version(), processor.encode(f.state())));
    }

    /** The newest snapshot of an aggregate for this processor's logic version and the fold of the events up to its version. */
    public record SnapshotCheck(Snapshot snapshot, com.fasterxml.jackson.databind.JsonNode folded) {
    }

    /**
     * The newest snapshot of {@code aggregateId} of the processor's current logic version beside the fold of the stored
     * events 1..its version (for verification); empty when there is none.
     */
    public Optional<SnapshotCheck> checkSnapshot(String aggregateId) {
        Optional<Snapshot> snapshot = snapshots.below(processor, aggregateId, Long.MAX_VALUE);
        if (snapshot.isEmpty()) return Optional.empty();
        Folded<S> f = fold(aggregateId, processor.initial(aggregateId), 0, snapshot.get().version(), reversing(EventNotes.inMemory()));
        return Optional.of(new SnapshotCheck(snapshot.get(), processor.encode(f.state())));
    }

    private IllegalStateException conflict(String generation, String aggregateId) {
        return new IllegalStateException("state of " + aggregateId + " in " + processor.name() + "/" + generation
                + " kept changing under concurrent writers; gave up after " + MAX_CONFLICTS + " attempts");
    }
}

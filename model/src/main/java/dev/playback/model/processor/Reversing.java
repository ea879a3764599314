package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies events for a processor whose reversals come from the reversed event, not from its state
 * ({@link Processor#reversalsFromEvents}). Every event goes to {@link Processor#apply} and what the processor notes about
 * it ({@link Processor#note}) is kept in the {@link EventNotes}; a reversal is decided here, the same way for every
 * processor:
 * <ul>
 *   <li>its target is read by its id (its status names its aggregate and version: one read of the event); a target that
 *   is not an earlier event of the same aggregate, or the reversal itself, is refused
 *   ({@link Processor#applyUnresolvable});</li>
 *   <li>the target must be in effect: no reversal of it that applied is itself in effect (a reversal of a reversal puts
 *   the target back), following the reversals kept in the target's note; otherwise refused as already reversed;</li>
 *   <li>the processor then undoes the target from the target itself and its note ({@link Processor#applyReversal}); if
 *   it applies, the reversal is added to the target's note.</li>
 * </ul>
 * A reversal at version {@code v} counts only the reversals before {@code v}: folding the same events again decides
 * the same way. The reads a reversal costs are bounded by its chain: the target, its note, and per reversal in the
 * chain one more of each; never the aggregate's stream.
 */
public final class Reversing<S> {
    /** Finds a stored event by its id (upcast); empty when no event has that id. */
    @FunctionalInterface
    public interface Lookup {
        Optional<EventEnvelope> event(String eventId);

        /**
         * By the event's status (its aggregate and version) and one read of the events table: how the API answers
         * {@code GET /events/{id}}.
         */
        static Lookup of(EventStore events, EventCatalog catalog) {
            return id -> {
                if (!(events.statuses(List.of(id)).get(id) instanceof EventStatus.Claimed c)) return Optional.empty();
                List<EventEnvelope> found = events.read(c.aggregateId(), c.version(), 1);
                if (found.isEmpty() || !found.get(0).eventId().equals(id) || found.get(0).versionOrZero() != c.version()) {
                    return Optional.empty();
                }
                return Optional.of(catalog.upcast(found.get(0)));
            };
        }
    }

    private final Processor<S> processor;
    private final Lookup lookup;
    private final EventNotes notes;
    private final long known;

    /**
     * @param known the version after which {@code notes} hold every note of the aggregate (0: all of them); a reversal
     *              whose chain reaches an event at or below it cannot be decided here and throws {@link CannotInvert}
     *              (a fold that started from a snapshot with notes in memory folds again from the first event)
     */
    public Reversing(Processor<S> processor, Lookup lookup, EventNotes notes, long known) {
        this.processor = processor;
        this.lookup = lookup;
        this.notes = notes;
        this.known = known;
    }

    /**
     * A fold of {@code events} (versions 1..n of one aggregate, upcast) in memory, nothing saved: the targets of
     * reversals are found among them.
     */
    public static <S> S fold(Processor<S> processor, String aggregateId, List<EventEnvelope> events) {
        return fold(processor, aggregateId, processor.initial(aggregateId), List.of(), events);
    }

    /**
     * {@code events} folded in memory onto {@code state}, the fold of {@code before} (versions 1..k, upcast): those are
     * folded again, their result unused, for the notes their reversals need. A reversal the processor cannot undo
     * ({@link CannotInvert} from {@link Processor#applyReversal}) rebuilds the aggregate from {@code before} and the events
     * so far without the reversed ones ({@link Reversals#refold}), as the projector does, and the notes become the
     * rebuild's. Only for processors without
     * external effects.
     */
    public static <S> S fold(Processor<S> processor, String aggregateId, S state, List<EventEnvelope> before, List<EventEnvelope> events) {
        Map<String, EventEnvelope> seen = new HashMap<>();
        Reversing<S> r = new Reversing<>(processor, id -> Optional.ofNullable(seen.get(id)), EventNotes.inMemory(), 0);
        S earlier = processor.initial(aggregateId);
        for (EventEnvelope e : before) {
            seen.put(e.eventId(), e);
            earlier = r.apply(earlier, e);
        }
        List<EventEnvelope> all = new java.util.ArrayList<>(before);
        for (EventEnvelope e : events) {
            seen.put(e.eventId(), e);
            all.add(e);
            try {
                state = r.apply(state, e);
            } catch (CannotInvert c) {
                Map<String, EventNotes.Note> made = new HashMap<>();
                state = Reversals.refold(processor, aggregateId, processor.initial(aggregateId), all, made);
                for (EventEnvelope x : all) r.notes.update(aggregateId, x.eventId(), x.versionOrZero(), n -> made.get(x.eventId()));
            }
        }
        return state;
    }

    /** Where the notes of this fold are kept. */
    EventNotes notes() {
        return notes;
    }

    public S apply(S state, EventEnvelope event) {
        Optional<String> target = processor.reverses(event);
        S next = target.isPresent() ? reverse(state, event, target.get()) : processor.apply(state, event);
        Optional<JsonNode> note = processor.note(state, next, event);
        if (note.isPresent()) notes.update(event.aggregateId(), event.eventId(), event.versionOrZero(), n -> n.withNote(note.get()));
        return next;
    }

    private S reverse(S state, EventEnvelope reversal, String targetId) {
        String aggregateId = reversal.aggregateId();
        long at = reversal.versionOrZero();
        if (targetId.equals(reversal.eventId())) return refuse(state, reversal, "event " + targetId + " cannot reverse itself");
        Optional<EventEnvelope> target = earlier(targetId, aggregateId, at);
        if (target.isEmpty()) {
            return refuse(state, reversal, "event " + targetId + " has no recorded effect on " + aggregateId
                    + ": it is not one of its events before this reversal");
        }
        Optional<String> by = reversedBy(aggregateId, targetId, target.get().versionOrZero(), at);
        if (by.isPresent()) return refuse(state, reversal, "event " + targetId + " is already reversed by " + by.get());
        ReversalOutcome<S> out = processor.applyReversal(state, reversal, resolve(aggregateId, target.get(), at));
        if (out.applied()) {
            notes.update(aggregateId, targetId, target.get().versionOrZero(),
                    n -> n.reversedBy(new EventNotes.Reversal(reversal.eventId(), at)));
        }
        return out.state();
    }

    private S refuse(S state, EventEnvelope reversal, String reason) {
        return processor.applyUnresolvable(state, reversal, reason);
    }

    /** The event {@code id} if it is an event of {@code aggregateId} before version {@code at}. */
    private Optional<EventEnvelope> earlier(String id, String aggregateId, long at) {
        return lookup.event(id).filter(e -> e.aggregateId().equals(aggregateId) && e.versionOrZero() < at);
    }

    /** The note of event {@code id} at {@code version}; throws {@link CannotInvert} when the notes of events that old are not at hand. */
    private Optional<EventNotes.Note> note(String aggregateId, String id, long version) {
        if (version <= known) {
            throw new CannotInvert(id, "the notes of the events up to version " + known + " of " + aggregateId + " are not at hand");
        }
        return notes.find(aggregateId, id);
    }

    /**
     * The reversal in effect before version {@code at} that reversed event {@code id} (at {@code version}), if any: the
     * latest of its reversals that applied before {@code at} and is not itself reversed by then.
     */
    private Optional<String> reversedBy(String aggregateId, String id, long version, long at) {
        Optional<EventNotes.Note> n = note(aggregateId, id, version);
        if (n.isEmpty()) return Optional.empty();
        List<EventNotes.Reversal> rs = n.get().reversals();
        for (int i = rs.size() - 1; i >= 0; i--) {
            EventNotes.Reversal r = rs.get(i);
            if (r.version() >= at) continue;
            if (reversedBy(aggregateId, r.eventId(), r.version(), at).isEmpty()) return Optional.of(r.eventId());
        }
        return Optional.empty();
    }

    /** {@code e} with its note, and, when it is a reversal that applied, what it reversed. */
    private ReversedEvent resolve(String aggregateId, EventEnvelope e, long at) {
        Optional<EventNotes.Note> n = note(aggregateId, e.eventId(), e.versionOrZero());
        Optional<ReversedEvent> reverses = Optional.empty();
        Optional<String> inner = processor.reverses(e);
        if (inner.isPresent()) {
            Optional<EventEnvelope> target = earlier(inner.get(), aggregateId, e.versionOrZero());
            if (target.isPresent()) {
                boolean applied = note(aggregateId, target.get().eventId(), target.get().versionOrZero()).map(t -> t.reversals().stream()
                        .anyMatch(r -> r.eventId().equals(e.eventId()))).orElse(false);
                if (applied) reverses = Optional.of(resolve(aggregateId, target.get(), at));
            }
        }
        return new ReversedEvent(e, n.map(EventNotes.Note::note), reverses);
    }
}

package dev.playback.model.processor;

import dev.playback.model.event.EventEnvelope;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rebuilding one aggregate without its reversed events, for reversals a processor cannot undo from its state.
 * Which events are in effect follows the reversal chain: a reversal is valid when its target is in effect at
 * that point; an event is in effect unless a valid reversal that is itself in effect targets it (so reversing a
 * reversal puts the original back). The rebuild skips the events not in effect, hands each valid reversal in
 * effect to {@link Processor#applyAbsorbed} (its target never entered the state, so there is nothing to undo,
 * only the reversal to record) and applies every other event as usual.
 */
public final class Reversals {
    private Reversals() {
    }

    /** The outcome of following the chain: events to skip and reversals to absorb. */
    public record Plan(Set<String> skipped, Set<String> absorbed) {
    }

    public static Plan plan(List<EventEnvelope> events, Processor<?> processor) {
        Map<String, String> reversedBy = new HashMap<>();  // target -> its valid reversal
        Set<String> seen = new HashSet<>();
        for (EventEnvelope e : events) {
            Optional<String> target = processor.reverses(e);
            if (target.isPresent() && seen.contains(target.get()) && inEffect(target.get(), reversedBy)) {
                reversedBy.put(target.get(), e.eventId());
            }
            seen.add(e.eventId());
        }
        Set<String> skipped = new HashSet<>();
        Set<String> absorbed = new HashSet<>();
        for (EventEnvelope e : events) {
            if (!inEffect(e.eventId(), reversedBy)) skipped.add(e.eventId());
        }
        for (var r : reversedBy.entrySet()) {
            if (!skipped.contains(r.getValue())) absorbed.add(r.getValue());
        }
        return new Plan(skipped, absorbed);
    }

    private static boolean inEffect(String eventId, Map<String, String> reversedBy) {
        String reversal = reversedBy.get(eventId);
        return reversal == null || !inEffect(reversal, reversedBy);
    }

    /** The state of an aggregate from its events (versions 1..n, upcast), without the events its reversals took out. */
    public static <S> S refold(Processor<S> processor, String aggregateId, List<EventEnvelope> events) {
        return refold(processor, aggregateId, processor.initial(aggregateId), events);
    }

    /**
     * The same from {@code start}, the state of the events before {@code events}; only right when no reversal among
     * {@code events} targets one of those earlier events (their effect is in {@code start} and stays).
     */
    public static <S> S refold(Processor<S> processor, String aggregateId, S start, List<EventEnvelope> events) {
        return refold(processor, aggregateId, start, events, null);
    }

    /**
     * The same, putting into {@code notes} (when not null) the note of every event of {@code events} as this rebuild
     * applied it, for a processor whose reversals come from the events ({@link Reversing}): the processor's note of an
     * event it applied, and on the target of each reversal absorbed that reversal (an event with neither: an empty note).
     */
    public static <S> S refold(Processor<S> processor, String aggregateId, S start, List<EventEnvelope> events,
                               Map<String, EventNotes.Note> notes) {
        Plan plan = plan(events, processor);
        if (notes != null) for (EventEnvelope e : events) notes.put(e.eventId(), EventNotes.Note.empty(e.eventId(), e.versionOrZero()));
        S state = start;
        for (EventEnvelope e : events) {
            if (plan.skipped().contains(e.eventId())) continue;
            if (plan.absorbed().contains(e.eventId())) {
                state = processor.applyAbsorbed(state, e);
                String target = processor.reverses(e).orElseThrow();
                if (notes != null && notes.containsKey(target)) {
                    notes.put(target, notes.get(target).reversedBy(new EventNotes.Reversal(e.eventId(), e.versionOrZero())));
                }
                continue;
            }
            S before = state;
            try {
                state = processor.apply(state, e);
                if (notes != null) {
                    S after = state;
                    processor.note(before, after, e).ifPresent(n -> notes.put(e.eventId(), notes.get(e.eventId()).withNote(n)));
                }
            } catch (CannotInvert c) {
                // Following the whole chain, this reversal has no target in effect here (not one of this
                // aggregate's events, or reversed already): it cannot apply.
                state = processor.applyUnresolvable(state, e, "event " + c.reversedEventId() + " is not an event of "
                        + aggregateId + " in effect; the reversal cannot apply");
                if (notes != null) {
                    S after = state;
                    processor.note(before, after, e).ifPresent(n -> notes.put(e.eventId(), notes.get(e.eventId()).withNote(n)));
                }
            }
        }
        return state;
    }

    /**
     * Folds {@code events} onto {@code state} ({@code before}: the events already in it, for a rebuild); when a
     * reversal cannot be undone, the aggregate is rebuilt from {@code before} and the events so far without
     * the reversed ones. For a processor whose reversals come from the events, in memory ({@link Reversing#fold}).
     */
    public static <S> S fold(Processor<S> processor, String aggregateId, S state, List<EventEnvelope> before, List<EventEnvelope> events) {
        if (processor.reversalsFromEvents()) return Reversing.fold(processor, aggregateId, state, before, events);
        List<EventEnvelope> all = new java.util.ArrayList<>(before);
        for (EventEnvelope e : events) {
            all.add(e);
            try {
                state = processor.apply(state, e);
            } catch (CannotInvert c) {
                state = refold(processor, aggregateId, all);
            }
        }
        return state;
    }
}

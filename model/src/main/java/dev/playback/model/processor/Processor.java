package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;

/**
 * A named consumer of events with its own state per aggregate and its own checkpoint (the last
 * applied version of each aggregate). A projection is a processor whose state lives in the data store.
 *
 * <p>{@link #apply} must be deterministic: it sees only the state and the event (time comes from
 * {@link EventEnvelope#occurredAt()}), so a replay reproduces what live processing produced.
 */
public interface Processor<S> {
    String name();

    /**
     * The version of this processor's logic: a state folded by one logic version is never taken for another's (a
     * snapshot is tagged with it, so a replay with new logic never starts from a snapshot of the old). Change it
     * whenever {@link #apply} would fold the same events to a different state; a processor whose logic depends on its
     * configuration derives it from that configuration. Letters, digits and {@code . _ -} only.
     */
    default String logicVersion() {
        return "1";
    }

    S initial(String aggregateId);

    S apply(S state, EventEnvelope event);

    JsonNode encode(S state);

    S decode(JsonNode json);

    /** The event a reversal event reverses; empty for every other event (and for processors without reversals). */
    default java.util.Optional<String> reverses(EventEnvelope event) {
        return java.util.Optional.empty();
    }

    /**
     * Records a reversal whose target was left out of a rebuilt state ({@link Reversals#refold}): the target's
     * effect never entered the state, so only the reversal itself is recorded. Called only for events that
     * {@link #reverses} names a target of.
     */
    default S applyAbsorbed(S state, EventEnvelope reversal) {
        throw new UnsupportedOperationException("processor " + name() + " names reversals but does not record absorbed ones");
    }

    /**
     * Whether this processor's reversals come from the reversed event rather than from its state: the toolkit then
     * finds the target by its id, decides whether it is in effect, and hands it to {@link #applyReversal} ({@link Reversing});
     * {@link #apply} never sees a reversal, and the state need not remember what single events did. False by default:
     * {@link #apply} undoes a reversal from the state, throwing {@link CannotInvert} when it cannot ({@link Reversals}).
     */
    default boolean reversalsFromEvents() {
        return false;
    }

    /**
     * Applies {@code reversal} of {@code target} (an earlier event of this aggregate, in effect; see {@link ReversedEvent}),
     * undoing the target's effect from the target itself and its {@link #note}: applied, or refused (recorded as a
     * rejected event). Only for processors that {@link #reversalsFromEvents}.
     */
    default ReversalOutcome<S> applyReversal(S state, EventEnvelope reversal, ReversedEvent target) {
        throw new UnsupportedOperationException("processor " + name() + " does not take its reversals from events");
    }

    /**
     * What to keep about how {@code event} was applied (it brought {@code before} to {@code after}), for a later reversal
     * of it, outside the state item ({@link EventNotes}): e.g. that a withdrawal was declined. Empty (the default) keeps
     * nothing; keep notes for the few events that need one, each costs a write. Only for processors that
     * {@link #reversalsFromEvents}.
     */
    default java.util.Optional<JsonNode> note(S before, S after, EventEnvelope event) {
        return java.util.Optional.empty();
    }

    /** Records a reversal that, following the whole chain, has no target in effect in this aggregate: it cannot apply. */
    default S applyUnresolvable(S state, EventEnvelope reversal, String reason) {
        throw new UnsupportedOperationException("processor " + name() + " names reversals but does not reject unresolvable ones: " + reason);
    }
}

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

    /** Records a reversal that, following the whole chain, has no target in effect in this aggregate: it cannot apply. */
    default S applyUnresolvable(S state, EventEnvelope reversal, String reason) {
        throw new UnsupportedOperationException("processor " + name() + " names reversals but does not reject unresolvable ones: " + reason);
    }
}

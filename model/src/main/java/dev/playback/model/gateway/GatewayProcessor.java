package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;

/**
 * A processor that reaches external systems. Like {@link dev.playback.model.processor.Processor} it is
 * deterministic given its state, the event and the gateway's answers: it reads time only from the event
 * and reaches the outside world only through the {@link Gateway} it is given. Run it with
 * {@link GatewayBinding}, which opens the gateway in the mode of the run (live or a replay mode).
 */
public interface GatewayProcessor<S> {
    String name();

    /** The version of this processor's logic (see {@link dev.playback.model.processor.Processor#logicVersion}). */
    default String logicVersion() {
        return "1";
    }

    S initial(String aggregateId);

    S apply(S state, EventEnvelope event, Gateway gateway);

    JsonNode encode(S state);

    S decode(JsonNode json);

    /** How commands of a call site are corrected in a {@code diff} replay; default {@link CommandRules#EXACT}. */
    default CommandRules rules(CallSite site) {
        return CommandRules.EXACT;
    }

    /** The event a reversal event reverses (see {@link dev.playback.model.processor.Processor#reverses}). */
    default java.util.Optional<String> reverses(EventEnvelope event) {
        return java.util.Optional.empty();
    }

    /**
     * Records a reversal whose target was left out of a rebuilt state (see
     * {@link dev.playback.model.processor.Processor#applyAbsorbed}); external compensations still go through the gateway.
     */
    default S applyAbsorbed(S state, EventEnvelope reversal, Gateway gateway) {
        throw new UnsupportedOperationException("processor " + name() + " names reversals but does not record absorbed ones");
    }

    /**
     * The commands a reversal of {@code reversedEventId} causes, decided from this processor's {@code state} of the
     * aggregate before the reversal: what a client shows before it appends one ({@code playback reverse --dry-run}).
     * When the reversal is applied the gateway compensates what actually reached the outside, which differs only while
     * corrections of a {@code diff} replay are pending. None by default (a processor without reversals).
     */
    default java.util.List<Compensation> compensations(S state, String reversedEventId) {
        return java.util.List.of();
    }

    /** See {@link dev.playback.model.processor.Processor#reversalsFromEvents}. */
    default boolean reversalsFromEvents() {
        return false;
    }

    /**
     * See {@link dev.playback.model.processor.Processor#applyReversal}; compensations go through {@code gateway}
     * ({@link Gateway#compensate}: from the command log, what reached the outside for the target).
     */
    default dev.playback.model.processor.ReversalOutcome<S> applyReversal(S state, EventEnvelope reversal,
                                                                          dev.playback.model.processor.ReversedEvent target, Gateway gateway) {
        throw new UnsupportedOperationException("processor " + name() + " does not take its reversals from events");
    }

    /** See {@link dev.playback.model.processor.Processor#note}. */
    default java.util.Optional<JsonNode> note(S before, S after, EventEnvelope event) {
        return java.util.Optional.empty();
    }

    /** See {@link dev.playback.model.processor.Processor#applyUnresolvable}; nothing goes through the gateway. */
    default S applyUnresolvable(S state, EventEnvelope reversal, String reason) {
        throw new UnsupportedOperationException("processor " + name() + " names reversals but does not reject unresolvable ones: " + reason);
    }
}

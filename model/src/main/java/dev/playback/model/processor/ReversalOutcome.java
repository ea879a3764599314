package dev.playback.model.processor;

/**
 * What a processor made of a reversal ({@link Processor#applyReversal}): the state after it, and whether the reversal
 * applied (its target is then reversed until a reversal of this reversal applies) or was refused (recorded in the state
 * as the processor records a rejected event; the target stays in effect).
 */
public record ReversalOutcome<S>(S state, boolean applied) {
    public static <S> ReversalOutcome<S> applied(S state) {
        return new ReversalOutcome<>(state, true);
    }

    public static <S> ReversalOutcome<S> refused(S state) {
        return new ReversalOutcome<>(state, false);
    }
}

package dev.playback.model.processor;

/**
 * Thrown by a processor's {@code apply} for a reversal whose target's effect it cannot undo from its state
 * (it no longer remembers it). The {@link Projector} then rebuilds that one aggregate without the reversed
 * events ({@link Reversals#refold}), instead of a replay from a clean state.
 */
public final class CannotInvert extends RuntimeException {
    private final String reversedEventId;

    public CannotInvert(String reversedEventId, String why) {
        super("cannot undo event " + reversedEventId + " from the state: " + why);
        this.reversedEventId = reversedEventId;
    }

    public String reversedEventId() {
        return reversedEventId;
    }
}

package dev.onebox.events.transform;

/** The input for a target could not be produced; the message names the target and the cause. */
public final class TargetInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TargetInputException(String message) {
        super(message);
    }
}

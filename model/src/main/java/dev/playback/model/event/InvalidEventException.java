package dev.playback.model.event;

/** Input that cannot become an event. {@link #field()} names the offending field, e.g. {@code payload.amount}. */
public class InvalidEventException extends RuntimeException {
    private final String field;

    public InvalidEventException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The same problem, located inside element {@code index} of a batch. */
    public InvalidEventException at(int index) {
        return new InvalidEventException("[" + index + "]." + field, "event " + index + ": " + getMessage());
    }
}

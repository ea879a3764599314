package dev.onebox.events.pattern;

/**
 * An event pattern that EventBridge would refuse with {@code InvalidEventPatternException}.
 * The message names the pattern path at fault, e.g.
 * {@code Event pattern is not valid. Reason: "detail.state": numeric operator "=>" is not one of =, <, <=, >, >=}.
 */
public final class InvalidEventPatternException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String reason;

    public InvalidEventPatternException(String path, String reason) {
        super("Event pattern is not valid. Reason: " + (path.isEmpty() ? "" : "\"" + path + "\": ") + reason);
        this.path = path;
        this.reason = reason;
    }

    /** The same problem, with where the pattern came from (e.g. {@code rule ReplayRequested}) appended. */
    public InvalidEventPatternException in(String origin) {
        return new InvalidEventPatternException(path, reason + " (in " + origin + ")");
    }

    public String reason() {
        return reason;
    }

    /** Dotted path of the pattern field at fault; empty for the whole pattern. */
    public String path() {
        return path;
    }
}

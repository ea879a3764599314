package dev.onebox.events.schedule;

/** A schedule expression EventBridge would refuse; the message quotes the expression and the part at fault. */
public final class InvalidScheduleExpressionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String expression;
    private final String reason;

    public InvalidScheduleExpressionException(String expression, String reason) {
        super("Parameter ScheduleExpression is not valid: " + expression + ": " + reason);
        this.expression = expression;
        this.reason = reason;
    }

    /** The same problem, with where the expression came from (e.g. {@code schedule NightlyVerification}) appended. */
    public InvalidScheduleExpressionException in(String origin) {
        return new InvalidScheduleExpressionException(expression, reason + " (in " + origin + ")");
    }

    public String reason() {
        return reason;
    }
}

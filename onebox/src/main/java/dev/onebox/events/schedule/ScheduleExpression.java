package dev.onebox.events.schedule;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An EventBridge schedule expression: {@code cron(...)} or {@code rate(...)}, evaluated in UTC. */
public sealed interface ScheduleExpression permits Cron, Rate {

    /** The first fire time strictly after {@code after}; empty when there is none (a cron whose years are over). */
    Optional<Instant> nextAfter(Instant after);

    /** The text as given. */
    String expression();

    Pattern FORM = Pattern.compile("\\s*(cron|rate)\\((.*)\\)\\s*", Pattern.DOTALL);

    /**
     * Parses {@code cron(min hour day-of-month month day-of-week year)} or {@code rate(N unit)}.
     * A rate counts from {@code anchor} (the moment the schedule was registered), as on AWS.
     */
    static ScheduleExpression parse(String expression, Instant anchor) {
        if (expression == null) {
            throw new InvalidScheduleExpressionException("null", "a schedule expression is required");
        }
        Matcher m = FORM.matcher(expression);
        if (!m.matches()) {
            throw new InvalidScheduleExpressionException(expression, "must be cron(...) or rate(...)");
        }
        return m.group(1).equals("cron") ? Cron.parse(expression, m.group(2)) : Rate.parse(expression, m.group(2), anchor);
    }
}

package dev.onebox.events.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** {@code rate(N minute|minutes|hour|hours|day|days)}: every N units counted from the anchor. */
public record Rate(String expression, Duration period, Instant anchor) implements ScheduleExpression {

    static Rate parse(String expression, String body, Instant anchor) {
        String[] parts = body.trim().split("\\s+");
        if (parts.length != 2) {
            throw new InvalidScheduleExpressionException(expression, "a rate is rate(value unit), e.g. rate(5 minutes)");
        }
        long value;
        try {
            value = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            throw new InvalidScheduleExpressionException(expression, "rate value " + parts[0] + " is not a whole number");
        }
        if (value <= 0) {
            throw new InvalidScheduleExpressionException(expression, "rate value must be positive, found " + value);
        }
        String unit = parts[1];
        Duration one;
        switch (unit) {
            case "minute":
            case "minutes":
                one = Duration.ofMinutes(1);
                break;
            case "hour":
            case "hours":
                one = Duration.ofHours(1);
                break;
            case "day":
            case "days":
                one = Duration.ofDays(1);
                break;
            default:
                throw new InvalidScheduleExpressionException(expression,
                        "rate unit " + unit + " is not one of minute, minutes, hour, hours, day, days");
        }
        boolean singular = !unit.endsWith("s");
        if (value == 1 && !singular) {
            throw new InvalidScheduleExpressionException(expression, "a value of 1 needs a singular unit: rate(1 " + unit.substring(0, unit.length() - 1) + ")");
        }
        if (value > 1 && singular) {
            throw new InvalidScheduleExpressionException(expression, "a value above 1 needs a plural unit: rate(" + value + " " + unit + "s)");
        }
        return new Rate(expression, one.multipliedBy(value), anchor);
    }

    @Override
    public Optional<Instant> nextAfter(Instant after) {
        if (after.isBefore(anchor)) {
            return Optional.of(anchor.plus(period));
        }
        long periods = Duration.between(anchor, after).toMillis() / period.toMillis() + 1;
        return Optional.of(anchor.plus(period.multipliedBy(periods)));
    }
}

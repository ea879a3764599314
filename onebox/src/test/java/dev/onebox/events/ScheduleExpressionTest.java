package dev.onebox.events;

import dev.onebox.events.schedule.InvalidScheduleExpressionException;
import dev.onebox.events.schedule.ScheduleExpression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Next fire times of cron and rate expressions, in UTC. */
class ScheduleExpressionTest {
    private static final Instant ANCHOR = Instant.parse("2026-11-26T17:20:30Z");

    private static Instant next(String expression, String after) {
        return ScheduleExpression.parse(expression, ANCHOR).nextAfter(Instant.parse(after)).orElseThrow();
    }

    @ParameterizedTest(name = "{0} after {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            // the nightly verification
            "cron(0 3 * * ? *)          | 2026-11-26T17:20:30Z | 2026-11-27T03:00:00Z",
            "cron(0 3 * * ? *)          | 2026-11-26T02:59:59Z | 2026-11-26T03:00:00Z",
            "cron(0 3 * * ? *)          | 2026-11-26T03:00:00Z | 2026-11-27T03:00:00Z",
            "cron(0 3 * * ? *)          | 2026-12-31T03:00:00Z | 2027-01-01T03:00:00Z",
            // AWS documentation examples
            "cron(0 10 * * ? *)         | 2026-11-26T10:00:00Z | 2026-11-27T10:00:00Z",
            "cron(15 12 * * ? *)        | 2026-11-26T12:14:00Z | 2026-11-26T12:15:00Z",
            "cron(0 18 ? * MON-FRI *)   | 2026-11-27T18:00:00Z | 2026-11-30T18:00:00Z",
            "cron(0 8 1 * ? *)          | 2026-11-26T00:00:00Z | 2026-12-01T08:00:00Z",
            "cron(0/15 * * * ? *)       | 2026-11-26T17:20:30Z | 2026-11-26T17:30:00Z",
            "cron(0/10 * ? * MON-FRI *) | 2026-11-28T00:00:00Z | 2026-11-30T00:00:00Z",
            "cron(0/5 8-17 ? * MON-FRI *) | 2026-11-26T17:56:00Z | 2026-11-27T08:00:00Z",
            "cron(0 9 ? * 2#1 *)        | 2026-11-26T00:00:00Z | 2026-12-07T09:00:00Z",
            // lists, ranges, steps, names
            "cron(5,35 * * * ? *)       | 2026-11-26T17:20:30Z | 2026-11-26T17:35:00Z",
            "cron(0 0 1 JAN,JUL ? *)    | 2026-11-26T00:00:00Z | 2027-01-01T00:00:00Z",
            "cron(0 0 1 2/3 ? *)        | 2026-11-26T00:00:00Z | 2027-02-01T00:00:00Z",
            "cron(* * * * ? *)          | 2026-11-26T17:20:30Z | 2026-11-26T17:21:00Z",
            "cron(0 12 ? * SUN *)       | 2026-11-26T00:00:00Z | 2026-11-29T12:00:00Z",
            "cron(0 12 ? * 1 *)         | 2026-11-26T00:00:00Z | 2026-11-29T12:00:00Z",
            "cron(0 0 * * ? 2028)       | 2026-11-26T00:00:00Z | 2028-01-01T00:00:00Z",
            // L, W, #
            "cron(0 0 L * ? *)          | 2026-11-26T00:00:00Z | 2026-11-30T00:00:00Z",
            "cron(0 0 L * ? *)          | 2028-02-01T00:00:00Z | 2028-02-29T00:00:00Z",
            "cron(0 0 LW * ? *)         | 2026-05-01T00:00:00Z | 2026-05-29T00:00:00Z",
            "cron(0 0 15W * ? *)        | 2026-11-01T00:00:00Z | 2026-11-16T00:00:00Z",
            "cron(0 0 1W * ? *)         | 2026-07-31T00:00:00Z | 2026-08-03T00:00:00Z",
            "cron(0 0 ? * 6L *)         | 2026-11-01T00:00:00Z | 2026-11-27T00:00:00Z",
            "cron(0 0 ? * L *)          | 2026-11-01T00:00:00Z | 2026-11-28T00:00:00Z",
            "cron(0 0 ? * FRI#3 *)      | 2026-11-01T00:00:00Z | 2026-11-20T00:00:00Z",
            "cron(0 0 29 2 ? *)         | 2026-03-01T00:00:00Z | 2028-02-29T00:00:00Z",
            // rate counts from the anchor (when the schedule was registered)
            "rate(5 minutes)            | 2026-11-26T17:20:30Z | 2026-11-26T17:25:30Z",
            "rate(5 minutes)            | 2026-11-26T17:25:30Z | 2026-11-26T17:30:30Z",
            "rate(1 minute)             | 2026-11-26T17:29:00Z | 2026-11-26T17:29:30Z",
            "rate(1 hour)               | 2026-11-26T17:20:30Z | 2026-11-26T18:20:30Z",
            "rate(2 days)               | 2026-11-27T00:00:00Z | 2026-11-28T17:20:30Z",
    })
    void nextFireTime(String expression, String after, String expected) {
        assertEquals(Instant.parse(expected), next(expression.trim(), after.trim()));
    }

    @Test
    void cronWhoseYearsAreOverNeverFires() {
        assertEquals(Optional.empty(),
                ScheduleExpression.parse("cron(0 0 * * ? 2020)", ANCHOR).nextAfter(Instant.parse("2026-01-01T00:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cron(0 3 * * * *)        | cannot both be given",
            "cron(0 3 ? * ? *)        | cannot both be ?",
            "cron(0 3 * * ?)          | needs 6 fields",
            "cron(60 3 * * ? *)       | minutes value 60 is outside 0-59",
            "cron(0 24 * * ? *)       | hours value 24",
            "cron(0 3 32 * ? *)       | day-of-month value 32",
            "cron(0 3 * 13 ? *)       | month value 13",
            "cron(0 3 ? * 8 *)        | day-of-week value 8",
            "cron(0 3 ? * FOO *)      | day-of-week value FOO is not a number or one of SUN",
            "cron(0 3 * * ? 1969)     | year value 1969",
            "cron(0 5-3 * * ? *)      | hours range 5-3 starts after it ends",
            "cron(0 3 ? * 2#6 *)      | day-of-week value 6 is outside 1-5",
            "cron(0/0 3 * * ? *)      | minutes value 0 is outside",
            "rate(0 minutes)          | must be positive",
            "rate(1 minutes)          | singular unit",
            "rate(5 minute)           | plural unit",
            "rate(5 weeks)            | rate unit weeks",
            "rate(five minutes)       | not a whole number",
            "every 5 minutes          | must be cron(...) or rate(...)",
    })
    void rejectsInvalidExpressionsQuotingThem(String expression, String messagePart) {
        InvalidScheduleExpressionException e = assertThrows(InvalidScheduleExpressionException.class,
                () -> ScheduleExpression.parse(expression.trim(), ANCHOR));
        assertTrue(e.getMessage().contains(expression.trim()) && e.getMessage().contains(messagePart.trim()), e.getMessage());
    }
}

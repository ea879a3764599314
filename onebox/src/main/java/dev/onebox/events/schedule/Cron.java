package dev.onebox.events.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code cron(minutes hours day-of-month month day-of-week year)} with EventBridge's syntax, in UTC:
 * lists {@code ,}, ranges {@code -}, steps {@code /}, {@code *}; {@code ?} in exactly one of day-of-month and
 * day-of-week; day-of-month {@code L} (last day), {@code LW} (last weekday), {@code 15W} (weekday nearest the
 * 15th); day-of-week 1-7 = SUN-SAT, {@code L} (Saturday), {@code 6L} (last Friday of the month),
 * {@code 2#1} (first Monday); months 1-12 or JAN-DEC; years 1970-2199.
 */
public record Cron(String expression, BitSet minutes, BitSet hours, DayRule days, BitSet months, BitSet years)
        implements ScheduleExpression {
    private static final int FIRST_YEAR = 1970;
    private static final int LAST_YEAR = 2199;
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    /** Which days of a month fire. */
    public sealed interface DayRule permits DaysOfMonth, LastDayOfMonth, NearestWeekday, LastWeekdayOfMonth,
            DaysOfWeek, LastDayOfWeekInMonth, NthDayOfWeek {
        boolean matches(LocalDate date);
    }

    public record DaysOfMonth(BitSet days) implements DayRule {
        public boolean matches(LocalDate date) {
            return days.get(date.getDayOfMonth());
        }
    }

    public record LastDayOfMonth() implements DayRule {
        public boolean matches(LocalDate date) {
            return date.getDayOfMonth() == date.lengthOfMonth();
        }
    }

    public record NearestWeekday(int day) implements DayRule {
        public boolean matches(LocalDate date) {
            if (day > date.lengthOfMonth()) {
                return false;
            }
            LocalDate target = date.withDayOfMonth(day);
            DayOfWeek dow = target.getDayOfWeek();
            if (dow == DayOfWeek.SATURDAY) {
                target = day == 1 ? target.plusDays(2) : target.minusDays(1);
            } else if (dow == DayOfWeek.SUNDAY) {
                target = day == date.lengthOfMonth() ? target.minusDays(2) : target.plusDays(1);
            }
            return target.equals(date);
        }
    }

    public record LastWeekdayOfMonth() implements DayRule {
        public boolean matches(LocalDate date) {
            LocalDate last = date.with(TemporalAdjusters.lastDayOfMonth());
            while (last.getDayOfWeek() == DayOfWeek.SATURDAY || last.getDayOfWeek() == DayOfWeek.SUNDAY) {
                last = last.minusDays(1);
            }
            return last.equals(date);
        }
    }

    /** Days of week as 1 (SUN) .. 7 (SAT). */
    public record DaysOfWeek(BitSet days) implements DayRule {
        public boolean matches(LocalDate date) {
            return days.get(awsDayOfWeek(date));
        }
    }

    public record LastDayOfWeekInMonth(int dayOfWeek) implements DayRule {
        public boolean matches(LocalDate date) {
            return awsDayOfWeek(date) == dayOfWeek && date.plusDays(7).getMonthValue() != date.getMonthValue();
        }
    }

    public record NthDayOfWeek(int dayOfWeek, int nth) implements DayRule {
        public boolean matches(LocalDate date) {
            return awsDayOfWeek(date) == dayOfWeek && (date.getDayOfMonth() - 1) / 7 + 1 == nth;
        }
    }

    static int awsDayOfWeek(LocalDate date) {
        return date.getDayOfWeek().getValue() % 7 + 1;
    }

    static Cron parse(String expression, String body) {
        String[] f = body.trim().split("\\s+");
        if (f.length != 6) {
            throw new InvalidScheduleExpressionException(expression,
                    "cron needs 6 fields (minutes hours day-of-month month day-of-week year), found " + f.length);
        }
        BitSet minutes = set(expression, "minutes", f[0], 0, 59, null);
        BitSet hours = set(expression, "hours", f[1], 0, 23, null);
        BitSet months = set(expression, "month", f[3], 1, 12, MONTHS);
        BitSet years = set(expression, "year", f[5], FIRST_YEAR, LAST_YEAR, null);
        boolean domAny = f[2].equals("?");
        boolean dowAny = f[4].equals("?");
        if (domAny == dowAny) {
            throw new InvalidScheduleExpressionException(expression, domAny
                    ? "day-of-month and day-of-week cannot both be ?"
                    : "day-of-month and day-of-week cannot both be given; put ? in one of them");
        }
        DayRule days = dowAny ? dayOfMonth(expression, f[2]) : dayOfWeek(expression, f[4]);
        return new Cron(expression, minutes, hours, days, months, years);
    }

    private static DayRule dayOfMonth(String expression, String field) {
        String u = field.toUpperCase(Locale.ROOT);
        if (u.equals("L")) {
            return new LastDayOfMonth();
        }
        if (u.equals("LW")) {
            return new LastWeekdayOfMonth();
        }
        if (u.endsWith("W")) {
            int day = number(expression, "day-of-month", u.substring(0, u.length() - 1), 1, 31, null);
            return new NearestWeekday(day);
        }
        return new DaysOfMonth(set(expression, "day-of-month", field, 1, 31, null));
    }

    private static DayRule dayOfWeek(String expression, String field) {
        String u = field.toUpperCase(Locale.ROOT);
        if (u.equals("L")) {
            return new LastDayOfWeekInMonth(7);
        }
        if (u.endsWith("L")) {
            return new LastDayOfWeekInMonth(number(expression, "day-of-week", u.substring(0, u.length() - 1), 1, 7, DAYS));
        }
        int hash = u.indexOf('#');
        if (hash >= 0) {
            int dow = number(expression, "day-of-week", u.substring(0, hash), 1, 7, DAYS);
            int nth = number(expression, "day-of-week", u.substring(hash + 1), 1, 5, null);
            return new NthDayOfWeek(dow, nth);
        }
        return new DaysOfWeek(set(expression, "day-of-week", field, 1, 7, DAYS));
    }

    private static BitSet set(String expression, String name, String field, int min, int max, List<String> names) {
        BitSet out = new BitSet();
        for (String item : field.split(",", -1)) {
            if (item.isEmpty()) {
                throw new InvalidScheduleExpressionException(expression, name + " field " + field + " has an empty list item");
            }
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                step = number(expression, name, item.substring(slash + 1), 1, max - min + 1, null);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else {
                int dash = range.indexOf('-', 1);
                if (dash >= 0) {
                    from = number(expression, name, range.substring(0, dash), min, max, names);
                    to = number(expression, name, range.substring(dash + 1), min, max, names);
                    if (from > to) {
                        throw new InvalidScheduleExpressionException(expression,
                                name + " range " + range + " starts after it ends");
                    }
                } else {
                    from = number(expression, name, range, min, max, names);
                    to = slash >= 0 ? max : from;
                }
            }
            for (int v = from; v <= to; v += step) {
                out.set(v);
            }
        }
        return out;
    }

    private static int number(String expression, String name, String text, int min, int max, List<String> names) {
        if (names != null) {
            int i = names.indexOf(text.toUpperCase(Locale.ROOT));
            if (i >= 0) {
                return i + 1;
            }
        }
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidScheduleExpressionException(expression, name + " value " + text + " is not "
                    + (names == null ? "a number" : "a number or one of " + String.join(",", names)));
        }
        if (v < min || v > max) {
            throw new InvalidScheduleExpressionException(expression, name + " value " + v + " is outside " + min + "-" + max);
        }
        return v;
    }

    @Override
    public Optional<Instant> nextAfter(Instant after) {
        LocalDateTime start = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        LocalDate date = start.toLocalDate();
        while (date.getYear() <= LAST_YEAR) {
            if (!years.get(date.getYear())) {
                int nextYear = years.nextSetBit(date.getYear() + 1);
                if (nextYear < 0) {
                    return Optional.empty();
                }
                date = LocalDate.of(nextYear, 1, 1);
                continue;
            }
            if (!months.get(date.getMonthValue())) {
                date = date.with(TemporalAdjusters.firstDayOfNextMonth());
                continue;
            }
            if (days.matches(date)) {
                boolean sameDay = date.equals(start.toLocalDate());
                int fromHour = sameDay ? start.getHour() : 0;
                for (int h = hours.nextSetBit(fromHour); h >= 0; h = hours.nextSetBit(h + 1)) {
                    int fromMinute = sameDay && h == start.getHour() ? start.getMinute() : 0;
                    int m = minutes.nextSetBit(fromMinute);
                    if (m >= 0) {
                        return Optional.of(date.atTime(h, m).toInstant(ZoneOffset.UTC));
                    }
                }
            }
            date = date.plusDays(1);
        }
        return Optional.empty();
    }
}

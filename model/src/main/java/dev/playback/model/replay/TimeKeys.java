package dev.playback.model.replay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The index keys of an event item: the UTC day of a time ({@code yyyy-MM-dd}) and a sort key
 * {@code <time>#<aggregateId>#<version>} where the time has a fixed width (nanoseconds always written),
 * so that string order is time order.
 */
public final class TimeKeys {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private TimeKeys() {
    }

    public static String day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
    }

    public static String time(Instant t) {
        return TIME.format(t);
    }

    public static String key(Instant t, String aggregateId, long version) {
        return time(t) + "#" + aggregateId + "#" + version;
    }
}

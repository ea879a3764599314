package dev.playback.model.replay;

import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/** Port: finds aggregates through the events table's indexes, never by scanning the table. */
public interface EventIndex {
    /** Aggregates with at least one event of one of {@code types}. */
    Set<String> withTypes(Collection<String> types);

    /**
     * Aggregates with at least one event whose {@code field} lies in [{@code since}, {@code until}),
     * restricted to {@code types} unless empty.
     */
    Set<String> inWindow(TimeField field, Instant since, Instant until, Collection<String> types);
}

package dev.playback.model.replay;

import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/**
 * Port: finds aggregates through the index of the events, never by scanning the events table. {@link #withTypes} and
 * {@link #inWindow} are exact: every aggregate in scope, and none outside it.
 */
public interface EventIndex {
    /** Aggregates with at least one event of one of {@code types}. */
    Set<String> withTypes(Collection<String> types);

    /**
     * Aggregates with at least one event whose {@code field} lies in [{@code since}, {@code until}),
     * restricted to {@code types} unless empty.
     */
    Set<String> inWindow(TimeField field, Instant since, Instant until, Collection<String> types);

    /** The number of aggregates with at least one event, from the index (never a scan of the events table). */
    long aggregateCount();
}

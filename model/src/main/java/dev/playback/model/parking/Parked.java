package dev.playback.model.parking;

import java.time.Instant;
import java.util.Objects;

/**
 * An aggregate parked for one processor: the event its {@code apply} threw on (a bug, not a transient failure), and what
 * it threw. While it is parked, the processor holds the aggregate's later events back (they stay in the events table);
 * its state stays at {@code version − 1}.
 *
 * @param generation   the generation the event failed in
 * @param version      the failing event's version
 * @param errorClass   the class of what was thrown
 * @param errorMessage its message (cut to {@value #MAX_MESSAGE} characters)
 * @param parkedAt     when it was parked (operational time, not the event's)
 */
public record Parked(String processor, String aggregateId, String generation, String eventId, long version, String errorClass,
                     String errorMessage, Instant parkedAt) {
    /** The longest error message kept. */
    public static final int MAX_MESSAGE = 1000;

    public Parked {
        Objects.requireNonNull(processor, "processor");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(parkedAt, "parkedAt");
        errorMessage = errorMessage == null ? "" : errorMessage.length() > MAX_MESSAGE ? errorMessage.substring(0, MAX_MESSAGE) : errorMessage;
    }
}

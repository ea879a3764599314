package dev.playback.model.replay;

/**
 * Port: pages through the whole events table in parallel segments. Every event of an aggregate is in
 * the same segment, in version order. Payloads kept aside stay references ({@code payloadRef}).
 */
public interface EventPages {
    /** The page after {@code lastKey} (null = from the start) of {@code segment} of {@code totalSegments}. */
    EventPage page(int segment, int totalSegments, String lastKey, int limit);
}

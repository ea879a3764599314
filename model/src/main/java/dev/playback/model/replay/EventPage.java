package dev.playback.model.replay;

import dev.playback.model.event.EventEnvelope;

import java.util.List;

/** One page of a Scan segment of the events table; {@code lastKey} null when the segment has ended. */
public record EventPage(List<EventEnvelope> events, String lastKey) {
    public EventPage {
        events = List.copyOf(events);
    }
}

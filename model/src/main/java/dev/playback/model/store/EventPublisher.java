package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;

import java.util.List;

/**
 * Port: puts accepted events on the event stream. Returns only when every event is durably on the
 * stream, in order per aggregate; throws otherwise (then the caller must not acknowledge them).
 */
public interface EventPublisher {
    void publish(List<EventEnvelope> events);
}

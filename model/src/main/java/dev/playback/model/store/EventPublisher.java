package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;

import java.util.List;

/**
 * Port: puts events on a stream: accepted events on the event stream (ingest, for the pump), appended events with
 * their versions on the playback stream (the pump's feed, for the processors). Returns only when every event is
 * durably on the stream, in order per aggregate; throws otherwise (then the caller must not acknowledge them).
 */
public interface EventPublisher {
    void publish(List<EventEnvelope> events);
}

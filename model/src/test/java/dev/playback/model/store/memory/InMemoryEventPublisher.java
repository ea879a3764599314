package dev.playback.model.store.memory;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventPublisher;

import java.util.ArrayList;
import java.util.List;

/** An event stream in memory: keeps what was published, in order. */
public final class InMemoryEventPublisher implements EventPublisher {
    private final List<EventEnvelope> published = new ArrayList<>();

    @Override
    public synchronized void publish(List<EventEnvelope> events) {
        published.addAll(events);
    }

    public synchronized List<EventEnvelope> published() {
        return List.copyOf(published);
    }
}

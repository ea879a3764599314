package dev.playback.model.store.memory;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventPublisher;
import dev.playback.model.store.EventPublisherContract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class InMemoryEventPublisherTest extends EventPublisherContract {
    private InMemoryEventPublisher stream;

    @Override
    protected EventPublisher newPublisher() {
        stream = new InMemoryEventPublisher();
        return stream;
    }

    @Override
    protected Map<String, List<EventEnvelope>> onStream() {
        Map<String, List<EventEnvelope>> out = new LinkedHashMap<>();
        for (EventEnvelope e : stream.published()) out.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
        return out;
    }
}

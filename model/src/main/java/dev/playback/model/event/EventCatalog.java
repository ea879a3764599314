package dev.playback.model.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The event types a deployment accepts. Unknown types are refused at ingest. */
public final class EventCatalog {
    private final Map<String, EventType> types = new LinkedHashMap<>();

    public EventCatalog(Collection<? extends EventType> eventTypes) {
        for (EventType t : eventTypes) {
            if (types.put(t.name(), t) != null) throw new IllegalArgumentException("event type declared twice: " + t.name());
        }
    }

    public Optional<EventType> find(String name) {
        return Optional.ofNullable(types.get(name));
    }

    public EventType require(String name) {
        EventType t = types.get(name);
        if (t == null) {
            throw new InvalidEventException("type", "unknown event type '" + name + "'; known types: " + String.join(", ", types.keySet()));
        }
        return t;
    }

    public Collection<String> names() {
        return types.keySet();
    }

    /** Brings an event written with an older payload schema to the current one; current events pass unchanged. */
    public EventEnvelope upcast(EventEnvelope event) {
        EventType t = types.get(event.type());
        if (t == null || event.payload() == null || event.schemaVersion() >= t.schemaVersion()) return event;
        ObjectNode payload = event.payload().deepCopy();
        for (int v = event.schemaVersion(); v < t.schemaVersion(); v++) {
            payload = t.upcast(v, payload);
        }
        return event.withSchema(event.type(), t.schemaVersion(), payload);
    }
}

package dev.playback.tools.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.domain.Domains;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.ProcessorState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An aggregate's events as the console shows them, with the state a projection holds after each: folded by the
 * domain's own processor through {@link Projector#stateAt} (upcasting, reversals it cannot undo rebuilt without the
 * reversed events, as the projections do), over the events read once.
 */
final class AggregateHistory {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** The generation name the computed states carry (they are never saved). */
    private static final String COMPUTED = "console";

    private AggregateHistory() {
    }

    /** {@code {events, states}} for {@code events} (one aggregate, versions 1..n in order) and the projection {@code processor}. */
    static ObjectNode of(Domains domains, String processor, List<EventEnvelope> events) {
        Processor<?> p = domains.projection(processor)
                .orElseThrow(() -> ConsoleException.badInput("query parameter 'processor': no projection " + processor));
        EventCatalog catalog = domains.catalog();
        String aggregateId = events.get(0).aggregateId();
        Map<String, String> reverses = new LinkedHashMap<>();
        Map<String, List<String>> reversedBy = new LinkedHashMap<>();
        for (EventEnvelope e : events) {
            EventEnvelope current = catalog.upcast(e);
            Optional<String> target = p.reverses(current);
            for (Processor<?> other : domains.projections()) {
                if (target.isPresent()) break;
                target = other.reverses(current);
            }
            target.ifPresent(t -> {
                reverses.put(e.eventId(), t);
                reversedBy.computeIfAbsent(t, k -> new ArrayList<>()).add(e.eventId());
            });
        }
        ObjectNode n = JSON.objectNode();
        ArrayNode out = n.putArray("events");
        for (EventEnvelope e : events) {
            ObjectNode j = EventCodec.toJson(e);
            ObjectNode o = out.addObject().put("eventId", e.eventId()).put("version", e.versionOrZero()).put("type", e.type())
                    .put("occurredAt", e.occurredAt().toString());
            ConsoleData.putText(o, "recordedAt", e.recordedAt() == null ? null : e.recordedAt().toString());
            o.put("schemaVersion", e.schemaVersion());
            o.set("payload", j.has("payload") ? j.get("payload") : JSON.nullNode());
            o.set("metadata", j.has("metadata") ? j.get("metadata") : JSON.nullNode());
            ConsoleData.putText(o, "reverses", reverses.get(e.eventId()));
            ArrayNode by = o.putArray("reversedBy");
            reversedBy.getOrDefault(e.eventId(), List.of()).forEach(by::add);
        }
        ArrayNode states = n.putArray("states");
        Projector<?> projector = new Projector<>(p, new Loaded(events), null, catalog);
        Optional<ProcessorState> state = Optional.empty();
        for (EventEnvelope e : events) {
            state = projector.stateAt(COMPUTED, aggregateId, state, e.versionOrZero());
            states.addObject().put("version", e.versionOrZero()).set("state", state.map(ProcessorState::state).orElse(JSON.nullNode()));
        }
        return n;
    }

    /** The aggregate's events, read once, as the projector's event store (versions 1..n, in order). */
    private record Loaded(List<EventEnvelope> events) implements EventStore {
        @Override
        public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
            int from = (int) Math.max(0, Math.min(events.size(), fromVersion - 1));
            return events.subList(from, Math.min(events.size(), from + limit));
        }

        @Override
        public Map<String, EventStatus> statuses(Collection<String> eventIds) {
            return Map.of();
        }
    }
}

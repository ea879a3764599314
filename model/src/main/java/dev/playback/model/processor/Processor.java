package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;

/**
 * A named consumer of events with its own state per aggregate and its own checkpoint (the last
 * applied version of each aggregate). A projection is a processor whose state lives in the data store.
 *
 * <p>{@link #apply} must be deterministic: it sees only the state and the event (time comes from
 * {@link EventEnvelope#occurredAt()}), so a replay reproduces what live processing produced.
 */
public interface Processor<S> {
    String name();

    S initial(String aggregateId);

    S apply(S state, EventEnvelope event);

    JsonNode encode(S state);

    S decode(JsonNode json);
}

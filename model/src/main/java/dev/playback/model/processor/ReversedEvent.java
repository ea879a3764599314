package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;

import java.util.Objects;
import java.util.Optional;

/**
 * The event a reversal targets, as the toolkit found it for {@link Processor#applyReversal}: the event itself (read by
 * its id, upcast), what the processor noted about how it applied it ({@link Processor#note}; empty when it noted
 * nothing), and, when the event is itself a reversal that applied, the event that one reversed (found the same way).
 * The toolkit hands over only a target in effect: an earlier event of the same aggregate that no reversal in effect
 * reversed.
 */
public record ReversedEvent(EventEnvelope event, Optional<JsonNode> note, Optional<ReversedEvent> reverses) {
    public ReversedEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(reverses, "reverses");
    }

    public String eventId() {
        return event.eventId();
    }
}

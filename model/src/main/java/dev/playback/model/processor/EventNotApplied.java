package dev.playback.model.processor;

import dev.playback.model.event.EventEnvelope;

/**
 * A processor's {@code apply} (or the upcast before it) threw on an event: thrown by the {@link Projector} with the event
 * and, as its cause, what was thrown. {@link CannotInvert}, the toolkit's own request for a rebuild, never ends up here.
 * Whether it is a bug that parks the aggregate or a transient failure that is retried is decided by
 * {@link dev.playback.model.parking.Parking}.
 */
public final class EventNotApplied extends RuntimeException {
    private final String processor;
    private final EventEnvelope event;

    public EventNotApplied(String processor, EventEnvelope event, RuntimeException cause) {
        super("processor " + processor + " could not apply event " + event.eventId() + " (version " + event.version() + " of "
                + event.aggregateId() + "): " + cause, cause);
        this.processor = processor;
        this.event = event;
    }

    public String processor() {
        return processor;
    }

    /** The event that was not applied. */
    public EventEnvelope event() {
        return event;
    }
}

package dev.playback.model.domain;

import dev.playback.model.event.EventType;
import dev.playback.model.processor.Processor;

import java.util.List;

/**
 * A team's domain, as Playback runs it: its event types (with their upcasters), its projections and its processors
 * with external effects. This is the one extension point: a deployment names its domains' classes in the
 * {@value Domains#VARIABLE} environment variable (in {@code template.yaml}'s Globals), the generic handlers load
 * them ({@link Domains#load}) and run what they declare. An implementation has a public no-argument constructor and
 * holds no state; its code sees no AWS.
 *
 * <p>Event type names and processor names are global to a deployment: two domains of one stack may not share one.
 */
public interface Domain {
    /** A short name for errors and tools, e.g. {@code billing}. */
    String name();

    /** The event types the ingest accepts for this domain; an older payload schema is brought up by the type's upcaster. */
    List<EventType> eventTypes();

    /**
     * The processors without external effects (projections): their state lives in the data store, the projection
     * function keeps them current, rebuilds and replays run them.
     */
    default List<Processor<?>> projections() {
        return List.of();
    }

    /**
     * The processors that reach external systems through the gateway. Each runs in a function of its own that names
     * it ({@code PROCESSORS}), and is built there from that function's {@link Settings}.
     */
    default List<EffectfulProcessor> effectfulProcessors() {
        return List.of();
    }
}

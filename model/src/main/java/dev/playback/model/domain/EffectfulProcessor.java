package dev.playback.model.domain;

import dev.playback.model.gateway.ExternalSystems;
import dev.playback.model.gateway.GatewayProcessor;

import java.util.Objects;
import java.util.function.Function;

/**
 * A processor with external effects, declared by its {@link Domain}: its name, how to build it, and how to reach the
 * external systems its call sites name, both from the {@link Settings} of the function that runs it. Built only
 * where it runs, so a function that does not run it needs none of its settings.
 *
 * @param name            the processor's name, as {@link GatewayProcessor#name()} returns it
 * @param processor       builds the processor (e.g. reading a rule version from a variable)
 * @param externalSystems builds the clients of its external systems (e.g. reading their URLs and credentials)
 */
public record EffectfulProcessor(String name, Function<Settings, GatewayProcessor<?>> processor,
                                 Function<Settings, ExternalSystems> externalSystems) {
    public EffectfulProcessor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(processor, "processor");
        Objects.requireNonNull(externalSystems, "externalSystems");
    }

    /** Builds the processor; throws if it does not carry the declared name. */
    public GatewayProcessor<?> build(Settings settings) {
        GatewayProcessor<?> p = processor.apply(settings);
        if (p == null || !name.equals(p.name())) {
            throw new IllegalStateException("processor declared as '" + name + "' was built as '" + (p == null ? null : p.name()) + "'");
        }
        return p;
    }
}

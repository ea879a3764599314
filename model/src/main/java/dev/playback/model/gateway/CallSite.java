package dev.playback.model.gateway;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A place in a processor where it reaches an external system: the gateway (the external system, e.g.
 * {@code mail}, {@code crm}) and the name of the call (e.g. {@code send}, {@code lookup}). Query records
 * and the command log are keyed by it, so it must stay stable across releases.
 */
public record CallSite(String gateway, String name) {
    private static final Pattern PART = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public CallSite {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(name, "name");
        if (!PART.matcher(gateway).matches()) throw new IllegalArgumentException("gateway name must match " + PART + ", got '" + gateway + "'");
        if (!PART.matcher(name).matches()) throw new IllegalArgumentException("call site name must match " + PART + ", got '" + name + "'");
    }

    /** {@code gateway.name}, as used in keys and reports. */
    public String id() {
        return gateway + "." + name;
    }

    public static CallSite parse(String id) {
        int dot = id.indexOf('.');
        if (dot < 1) throw new IllegalArgumentException("call site must look like gateway.name, got '" + id + "'");
        return new CallSite(id.substring(0, dot), id.substring(dot + 1));
    }

    @Override
    public String toString() {
        return id();
    }
}

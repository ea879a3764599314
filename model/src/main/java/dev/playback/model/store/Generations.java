package dev.playback.model.store;

import java.util.Set;

/**
 * The generations of one processor's state in the data store: the {@code active} one reads are served
 * from, the {@code previous} one a rollback returns to (null when there is none), and those being
 * {@code building} (rebuilds and verification shadows). Live events are applied to all of them.
 */
public record Generations(String active, String previous, Set<String> building) {
    /** The generation a processor starts with. */
    public static final String DEFAULT = "g0";

    public Generations {
        active = active == null ? DEFAULT : active;
        building = building == null ? Set.of() : Set.copyOf(building);
    }

    public static Generations initial() {
        return new Generations(DEFAULT, null, Set.of());
    }

    /** The generations reads are or may again be served from: active and previous. */
    public Set<String> serving() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        all.add(active);
        if (previous != null) all.add(previous);
        return all;
    }

    /** Every generation that must follow live events: active, previous (kept warm for rollback) and building. */
    public Set<String> live() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        all.add(active);
        if (previous != null) all.add(previous);
        all.addAll(new java.util.TreeSet<>(building));
        return all;
    }
}

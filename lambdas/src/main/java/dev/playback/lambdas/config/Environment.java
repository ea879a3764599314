package dev.playback.lambdas.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A function's environment variables, read once. {@link #require} collects every missing name so the
 * error names them all at once.
 */
public final class Environment {
    private final Map<String, String> variables;
    private final List<String> missing = new ArrayList<>();

    public Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static Environment system() {
        return new Environment(System.getenv());
    }

    public String require(String name) {
        String v = variables.get(name);
        if (v == null || v.isBlank()) {
            missing.add(name);
            return null;
        }
        return v;
    }

    public Optional<String> optional(String name) {
        String v = variables.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    /** Throws naming every variable that {@link #require} found missing. */
    public void check(String function) {
        if (!missing.isEmpty()) {
            throw new IllegalStateException(function + ": missing environment variable" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing));
        }
    }

    public Map<String, String> asMap() {
        return variables;
    }
}

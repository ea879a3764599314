package dev.playback.examples.subscriptions;

import dev.playback.model.domain.Settings;

import java.util.Map;
import java.util.Optional;

/** Settings from fixed variables, and secrets by the variable that names them, for tests. */
record FixedSettings(Map<String, String> variables, Map<String, String> secrets) implements Settings {
    FixedSettings(Map<String, String> variables) {
        this(variables, Map.of());
    }

    @Override
    public String require(String name) {
        return optional(name).orElseThrow(() -> new IllegalStateException("environment variable " + name + " is not set"));
    }

    @Override
    public Optional<String> optional(String name) {
        return Optional.ofNullable(variables.get(name));
    }

    @Override
    public Optional<String> secret(String name) {
        return Optional.ofNullable(secrets.get(name));
    }
}

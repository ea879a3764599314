package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A command a reversal causes at a call site, as its processor decides it ({@link GatewayProcessor#compensations}):
 * what {@code playback reverse --dry-run} shows before anything is appended.
 */
public record Compensation(CallSite site, JsonNode command) {
    public Compensation {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(command, "command");
    }
}

package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Port: the external systems themselves (HTTP clients in production). Only the gateway calls it.
 * {@link #send} carries an idempotency key: an external system that receives the same key twice must
 * apply the command once.
 */
public interface ExternalSystems {
    JsonNode query(CallSite site, JsonNode request);

    void send(CallSite site, JsonNode command, String idempotencyKey);
}

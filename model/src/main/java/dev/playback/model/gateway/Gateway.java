package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The port through which processors reach every external system: {@link #query} reads, {@link #send}
 * causes a side effect. Processors never reach an external system any other way (an architecture test
 * enforces it). What a call does depends on the {@link GatewayMode} the gateway was opened with: live, it
 * asks the external system and records the answer before it is used, and sends and logs commands; in a
 * replay, it answers from the record and suppresses, corrects or (for allowed gateways) sends commands.
 */
public interface Gateway {
    JsonNode query(CallSite site, JsonNode request);

    void send(CallSite site, JsonNode command);

    /**
     * Sends, as commands of the current event, the compensation of every effect that event {@code eventId}
     * had through {@code site}: per effect key, one command that brings what reached the external system for
     * that event (net, after corrections) back to nothing. Compensating a compensation restores the effect.
     */
    void compensate(CallSite site, String eventId);

    default <Q, R> R query(QuerySite<Q, R> site, Q request) {
        return site.response().apply(query(site.site(), site.request().apply(request)));
    }

    default <C> void send(CommandSite<C> site, C command) {
        send(site.site(), site.command().apply(command));
    }
}

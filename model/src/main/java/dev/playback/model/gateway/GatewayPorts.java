package dev.playback.model.gateway;

/** The ports the gateway works with: the external systems, the recorded query answers and the command log. */
public record GatewayPorts(ExternalSystems external, QueryRecords records, CommandLog log) {
}

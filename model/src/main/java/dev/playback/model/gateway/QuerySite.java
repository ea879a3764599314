package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.Function;

/** A typed query call site: how its request is written and its response read. */
public record QuerySite<Q, R>(CallSite site, Function<Q, JsonNode> request, Function<JsonNode, R> response) {
}

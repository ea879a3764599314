package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.function.Function;

/** A typed command call site: how its commands are written, and how differences to what was sent are corrected. */
public record CommandSite<C>(CallSite site, Function<C, JsonNode> command, CommandRules rules) {
}

package dev.playback.model.store;

import com.fasterxml.jackson.databind.JsonNode;

/** A processor's stored state of one aggregate in one generation, with the version it has applied. */
public record ProcessorState(String processor, String generation, String aggregateId, long version, JsonNode state) {
}

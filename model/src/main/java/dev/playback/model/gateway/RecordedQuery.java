package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One recorded query answer. {@code recordedBy} is {@code live} for answers recorded by live processing,
 * or {@code replay:<replayId>} for answers a replay had to ask for because none was recorded.
 */
public record RecordedQuery(QueryKey key, JsonNode request, JsonNode response, String recordedBy) {
}

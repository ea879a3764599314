package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;

/** Drives replay actions the way the state machines do, for tests. */
public final class ReplayRuns {
    private ReplayRuns() {
    }

    /** Publishes every segment of a prepared replay to the end. */
    public static void publishAll(ReplayActions actions, JsonNode prepared) {
        String replayId = prepared.get("replayId").asText();
        for (JsonNode segment : prepared.get("segments")) {
            int round = 0;
            while (true) {
                JsonNode out = actions.publish(replayId, segment.asInt(), round, 1000);
                round = out.get("round").asInt();
                if (out.get("done").asBoolean()) break;
            }
        }
    }
}

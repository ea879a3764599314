package dev.playback.lambdas.payouts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A playback-stream record for processors with external effects: the events of one replay batch with the
 * replay's id, target generation and gateway policy.
 * <pre>
 * {"replayId": "fix-42", "generation": "g-fix-42", "gatewayMode": "diff",        // suppress | diff | allow:bank[,fx]
 *  "missingRecords": "fail",                                                  // fail | live
 *  "effectsFrom": "2026-01-01T00:00:00Z", "effectsTo": "2026-02-01T00:00:00Z", // optional: occurredAt window of effects
 *  "events": [ {event as EventCodec writes it, with version}, ... ]}
 * </pre>
 * {@code gatewayMode} and {@code missingRecords} default to {@code suppress} and {@code fail}.
 */
public record PlaybackBatch(String replayId, String generation, GatewayRun run, List<EventEnvelope> events) {

    /** The record as a playback batch, or empty when it is a plain event record (a JSON array or one event). */
    public static Optional<PlaybackBatch> decode(byte[] data) {
        JsonNode n;
        try {
            n = EventCodec.JSON.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("record is not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject() || !n.has("replayId")) return Optional.empty();
        return Optional.of(fromJson(n));
    }

    /**
     * Whether a playback record is for the payouts processor: records of a replay name the processors
     * they are for ({@code processors}); a record naming none is for every processor.
     */
    public static boolean isFor(byte[] data, String processor) {
        try {
            JsonNode n = EventCodec.JSON.readTree(data);
            if (n == null || !n.isObject() || !n.path("processors").isArray()) return true;
            for (JsonNode p : n.get("processors")) if (p.asText().equals(processor)) return true;
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    public static PlaybackBatch fromJson(JsonNode n) {
        String replayId = required(n, "replayId");
        String generation = required(n, "generation");
        GatewayRun run = GatewayRun.replay(replayId, GatewayMode.parse(n.path("gatewayMode").textValue()),
                MissingRecord.parse(n.path("missingRecords").textValue()));
        Instant from = n.hasNonNull("effectsFrom") ? Instant.parse(n.get("effectsFrom").asText()) : null;
        Instant to = n.hasNonNull("effectsTo") ? Instant.parse(n.get("effectsTo").asText()) : null;
        if (from != null || to != null) {
            run = run.onlyEffectsOf(e -> (from == null || !e.occurredAt().isBefore(from)) && (to == null || e.occurredAt().isBefore(to)));
        }
        List<EventEnvelope> events = new ArrayList<>();
        for (JsonNode e : n.path("events")) events.add(EventCodec.fromJson(e));
        return new PlaybackBatch(replayId, generation, run, events);
    }

    /** Writes a batch (for the replay publisher and tests). */
    public static byte[] encode(String replayId, String generation, String gatewayMode, String missingRecords, List<EventEnvelope> events) {
        ObjectNode n = EventCodec.JSON.createObjectNode();
        n.put("replayId", replayId).put("generation", generation);
        if (gatewayMode != null) n.put("gatewayMode", gatewayMode);
        if (missingRecords != null) n.put("missingRecords", missingRecords);
        ArrayNode arr = n.putArray("events");
        events.forEach(e -> arr.add(EventCodec.toJson(e)));
        try {
            return EventCodec.JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) throw new IllegalArgumentException("playback record field '" + field + "' is missing");
        return v.asText();
    }
}

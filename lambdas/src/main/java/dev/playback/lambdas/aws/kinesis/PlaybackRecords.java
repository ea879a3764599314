package dev.playback.lambdas.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.PlaybackRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of one playback-stream record: a JSON object
 * {@code {"replayId", "generation", "processors": [...], "gatewayMode", "missingRecords",
 * "events": [envelopes of one aggregate, consecutive versions]}} ({@code gatewayMode} and {@code missingRecords}
 * default to {@code suppress} and {@code fail}).
 * (The pump's feed on the same stream is JSON arrays ({@link StreamRecords}), so the first byte tells the two apart.)
 */
public final class PlaybackRecords {
    private PlaybackRecords() {
    }

    public static ObjectNode toJson(PlaybackRecord r) {
        ObjectNode n = EventCodec.JSON.createObjectNode();
        n.put("replayId", r.replayId());
        n.put("generation", r.generation());
        ArrayNode p = n.putArray("processors");
        r.processors().forEach(p::add);
        n.put("gatewayMode", r.gatewayMode());
        n.put("missingRecords", r.missingRecords());
        ArrayNode events = n.putArray("events");
        for (EventEnvelope e : r.events()) events.add(EventCodec.toJson(e));
        return n;
    }

    public static byte[] encode(PlaybackRecord r) {
        try {
            return EventCodec.JSON.writeValueAsBytes(toJson(r));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the record data is a playback record (a JSON object) rather than an event batch. */
    public static boolean isPlayback(byte[] data) {
        for (byte b : data) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') continue;
            return b == '{';
        }
        return false;
    }

    public static PlaybackRecord decode(byte[] data) {
        JsonNode n;
        try {
            n = EventCodec.JSON.readTree(data);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON playback record: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("a playback record must be a JSON object");
        for (String field : List.of("replayId", "generation")) {
            if (!n.hasNonNull(field)) throw new IllegalArgumentException("playback record field '" + field + "' is missing");
        }
        if (!n.path("processors").isArray()) throw new IllegalArgumentException("playback record field 'processors' must be an array");
        if (!n.path("events").isArray() || n.path("events").isEmpty()) {
            throw new IllegalArgumentException("playback record field 'events' must be a non-empty array");
        }
        List<String> processors = new ArrayList<>();
        n.get("processors").forEach(p -> processors.add(p.asText()));
        List<EventEnvelope> events = new ArrayList<>();
        n.get("events").forEach(e -> events.add(EventCodec.fromJson(e)));
        return new PlaybackRecord(n.get("replayId").asText(), n.get("generation").asText(), processors, events,
                n.path("gatewayMode").textValue(), n.path("missingRecords").textValue());
    }
}

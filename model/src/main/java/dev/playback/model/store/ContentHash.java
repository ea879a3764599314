package dev.playback.model.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The content hash kept with an event id's claim, to tell a re-send of the same event from another event sent
 * under the same id. A stored format: {@code "sha256:" + hex(SHA-256(canonical))}, where {@code canonical} is
 * the compact JSON object {@code {"aggregateId","payload"|"payloadRef","schemaVersion","type"}} with the keys of
 * every object (payload included) sorted, no whitespace, UTF-8. Event id, times, metadata and
 * {@code expectedVersion} are not part of it: a re-send may carry other ones.
 */
public final class ContentHash {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ContentHash() {
    }

    public static String of(EventEnvelope e) {
        ObjectNode content = JSON.createObjectNode();
        content.put("aggregateId", e.aggregateId());
        if (e.payload() != null) content.set("payload", e.payload());
        else content.put("payloadRef", e.payloadRef());
        content.put("schemaVersion", e.schemaVersion());
        content.put("type", e.type());
        try {
            byte[] canonical = JSON.writeValueAsBytes(sorted(content));
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException ex) {
            throw new IllegalStateException("cannot hash event " + e.eventId(), ex);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode out = JSON.createObjectNode();
            for (String n : names) out.set(n, sorted(node.get(n)));
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }
}

package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/** Request hashes and idempotency keys: SHA-256, hex. */
public final class Hashes {
    private Hashes() {
    }

    /** Hash of a request in canonical form (object fields sorted), so field order does not matter. */
    public static String request(JsonNode request) {
        StringBuilder b = new StringBuilder();
        canonical(request, b);
        return sha256(b.toString()).substring(0, 32);
    }

    /**
     * Idempotency key of a command: stable across retries and resumed replays, because it is made only of
     * the processor, the event, the call site, the kind of command and its ordinal.
     */
    public static String idempotencyKey(String processor, String eventId, CallSite site, String kind, int ordinal) {
        return sha256(processor + "\n" + eventId + "\n" + site.id() + "\n" + kind + "\n" + ordinal);
    }

    private static void canonical(JsonNode n, StringBuilder b) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            b.append("null");
        } else if (n.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
            names.sort(null);
            b.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) b.append(',');
                b.append(ObjectNodeText.quote(names.get(i))).append(':');
                canonical(((ObjectNode) n).get(names.get(i)), b);
            }
            b.append('}');
        } else if (n.isArray()) {
            b.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) b.append(',');
                canonical(n.get(i), b);
            }
            b.append(']');
        } else {
            b.append(n.toString());
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static final class ObjectNodeText {
        static String quote(String s) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
        }
    }
}

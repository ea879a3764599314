package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.EventEnvelope;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pseudonymises personal fields of an archive: each value of a field named {@code TYPE.FIELD} (a payload field of the
 * events of that type; {@code FIELD} may be a dotted path into nested objects) is replaced by
 * {@code "redacted:" + the first 24 hex digits of HMAC-SHA256(secret, value)}. One value gives one token in the whole
 * archive, whatever field or type it is in, so aggregates and references still join; the secret is random per archive
 * and is not written into it, so a token cannot be traced back by hashing guesses. Every string equal to a redacted
 * value is replaced by its token in the recorded queries and command logs too (a payout command carries the
 * beneficiary). Event ids, aggregate ids, versions, times and every field not named are never changed.
 */
public final class Redaction {
    public static final String TOKEN_PREFIX = "redacted:";
    private static final int SECRET_BYTES = 32;

    private final Map<String, List<List<String>>> pathsByType;
    private final List<String> fields;
    private final byte[] secret;
    /** The values redacted so far and their tokens. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    private Redaction(List<String> fields, byte[] secret) {
        this.fields = List.copyOf(fields);
        this.secret = secret.clone();
        Map<String, List<List<String>>> paths = new LinkedHashMap<>();
        for (String f : fields) {
            int dot = f.indexOf('.');
            if (dot < 1 || dot == f.length() - 1) {
                throw new IllegalArgumentException("a field to redact must look like TYPE.FIELD (e.g. AccountOpened.owner), not '" + f + "'");
            }
            paths.computeIfAbsent(f.substring(0, dot), t -> new ArrayList<>()).add(List.of(f.substring(dot + 1).split("\\.")));
        }
        this.pathsByType = paths;
    }

    /**
     * The fields an export redacts: those its event types declare personal (none are declared yet; when they are, pass
     * them as {@code declared} from this one place) and those asked for with {@code --redact}, each once.
     */
    public static List<String> fieldsToRedact(Collection<String> requested, Collection<String> declared) {
        Set<String> all = new LinkedHashSet<>(declared);
        all.addAll(requested);
        return List.copyOf(all);
    }

    /** A redaction of {@code fields} with a fresh random secret. */
    public static Redaction of(List<String> fields) {
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return new Redaction(fields, secret);
    }

    /** A redaction with a given secret: an export resumed after an interruption goes on with the secret it started with. */
    public static Redaction of(List<String> fields, byte[] secret) {
        return new Redaction(fields, secret);
    }

    public static Redaction none() {
        return new Redaction(List.of(), new byte[SECRET_BYTES]);
    }

    public List<String> fields() {
        return fields;
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    byte[] secret() {
        return secret.clone();
    }

    /** The event with its named fields pseudonymised (the payload copied, the event otherwise unchanged). */
    public EventEnvelope apply(EventEnvelope e) {
        List<List<String>> paths = pathsByType.get(e.type());
        if (paths == null || e.payload() == null) return e;
        ObjectNode payload = e.payload().deepCopy();
        for (List<String> path : paths) redact(payload, path, 0);
        return e.withPayload(payload);
    }

    private void redact(ObjectNode node, List<String> path, int at) {
        String name = path.get(at);
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) return;
        if (at == path.size() - 1) {
            node.put(name, token(value.isTextual() ? value.asText() : value.toString()));
        } else if (value.isObject()) {
            redact((ObjectNode) value, path, at + 1);
        }
    }

    /** A copy of {@code node} with every string equal to a value redacted so far replaced by its token. */
    public JsonNode applyToValues(JsonNode node) {
        if (node == null || tokens.isEmpty()) return node;
        return replace(node.deepCopy());
    }

    private JsonNode replace(JsonNode node) {
        if (node.isTextual()) {
            String t = tokens.get(node.asText());
            return t == null ? node : TextNode.valueOf(t);
        }
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String n : names) o.set(n, replace(o.get(n)));
        } else if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) a.set(i, replace(a.get(i)));
        }
        return node;
    }

    /** The token of {@code value}: the same for the same value within this redaction. */
    String token(String value) {
        return tokens.computeIfAbsent(value, v -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                byte[] h = mac.doFinal(v.getBytes(StandardCharsets.UTF_8));
                return TOKEN_PREFIX + HexFormat.of().formatHex(h, 0, 12);
            } catch (GeneralSecurityException ex) {
                throw new IllegalStateException("HmacSHA256 is missing from this JVM", ex);
            }
        });
    }
}

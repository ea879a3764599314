package dev.playback.model.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.store.ProcessorState;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Crypto-shredding of the personal fields an {@link EventType} declares ({@link EventType#personalFields()}, whose
 * subject {@link EventType#subjectOf} names). At ingest, before an event goes anywhere, {@link #seal} replaces each
 * such value by a {@link PersonalToken} made with the subject's data key, so the events table, claim-check payloads,
 * states, command logs, recorded queries and reports only ever hold tokens; processors fold them as opaque strings.
 * Only the edges that show or send a value {@link #reveal} it: the API's reads, the gateway just before an external
 * call, the console. Once the subject is forgotten ({@link SubjectKeys#forget}) its tokens reveal as
 * {@link #REDACTED}, never as an error.
 */
public final class PersonalData {
    /** What a personal field of a forgotten (or unknown) subject reads as. */
    public static final String REDACTED = "[redacted]";

    private final SubjectKeys keys;

    public PersonalData(SubjectKeys keys) {
        this.keys = keys;
    }

    public SubjectKeys keys() {
        return keys;
    }

    /**
     * The event with each personal field of {@code type} replaced by its token (the payload as submitted, in any
     * schema version: the declared fields keep their names across versions). A string anywhere in the payload that has
     * the shape of a token is refused: tokens are made here only, so a reader can trust every token it meets.
     *
     * @throws InvalidEventException naming the field, for a token-shaped string or a subject that is not an id
     */
    public EventEnvelope seal(EventType type, EventEnvelope event) {
        ObjectNode payload = event.payload();
        if (payload == null) return event;
        refuseTokenShapes(payload, "payload");
        List<String> fields = type.personalFields();
        if (fields.isEmpty()) return event;
        ObjectNode sealed = null;
        String subject = null;
        byte[] key = null;
        for (String path : fields) {
            ObjectNode parent = sealed == null ? payload : sealed;
            String[] steps = path.split("\\.");
            for (int i = 0; i < steps.length - 1 && parent != null; i++) {
                parent = parent.get(steps[i]) instanceof ObjectNode o ? o : null;
            }
            String name = steps[steps.length - 1];
            JsonNode value = parent == null ? null : parent.get(name);
            if (value == null || value.isNull()) continue;
            if (sealed == null) {
                sealed = payload.deepCopy();
                subject = subject(type, payload, event.aggregateId());
                key = keys.keyFor(subject);
                parent = sealed;
                for (int i = 0; i < steps.length - 1; i++) parent = (ObjectNode) parent.get(steps[i]);
            }
            byte[] plaintext = value.toString().getBytes(StandardCharsets.UTF_8);
            parent.put(name, FieldCipher.seal(key, subject, event.eventId(), path, plaintext).toString());
        }
        return sealed == null ? event : event.withPayload(sealed);
    }

    private static String subject(EventType type, ObjectNode payload, String aggregateId) {
        String subject = type.subjectOf(payload, aggregateId);
        if (subject == null || !PersonalToken.SUBJECT.matcher(subject).matches()) {
            throw new InvalidEventException("payload", "the subject of the personal fields of " + type.name() + " must be an id "
                    + "(1-128 characters of A-Z a-z 0-9 . _ : -)" + (subject == null ? ", got none" : " (the value is not repeated here: it may be personal)"));
        }
        return subject;
    }

    private static void refuseTokenShapes(JsonNode node, String path) {
        if (node.isTextual() && PersonalToken.looksLikeToken(node.textValue())) {
            throw new InvalidEventException(path, "field '" + path + "' starts with '" + PersonalToken.PREFIX
                    + "', the mark of a personal-data token; tokens are made by the ingest, send the value itself");
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                refuseTokenShapes(f.getValue(), path + "." + f.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) refuseTokenShapes(node.get(i), path + "[" + i + "]");
        }
    }

    /** The event with every token in its payload revealed; an unresolved claim-check reference passes unchanged. */
    public EventEnvelope reveal(EventEnvelope event) {
        return event.payload() == null ? event : event.withPayload((ObjectNode) reveal(event.payload()));
    }

    /** The events with every token in their payloads revealed, each subject's key read once. */
    public List<EventEnvelope> reveal(List<EventEnvelope> events) {
        Reader reader = new Reader();
        return events.stream().map(e -> e.payload() == null ? e : e.withPayload((ObjectNode) reader.reveal(e.payload()))).toList();
    }

    public ProcessorState reveal(ProcessorState s) {
        return new ProcessorState(s.processor(), s.generation(), s.aggregateId(), s.version(), reveal(s.state()));
    }

    /**
     * A copy of {@code node} with every string that is a token replaced by the value it stands for (any JSON value), or by
     * {@link #REDACTED} when its subject has no key; {@code node} itself when it holds no token.
     *
     * @throws UnreadableTokenException for a token that is malformed or does not authenticate (altered)
     */
    public JsonNode reveal(JsonNode node) {
        return new Reader().reveal(node);
    }

    /** The value {@code token} stands for, {@link #REDACTED} as text when its subject is forgotten. */
    public JsonNode reveal(PersonalToken token) {
        return new Reader().open(token);
    }

    /** One reveal: each subject's key is read once. */
    private final class Reader {
        private final Map<String, Optional<byte[]>> found = new HashMap<>();

        JsonNode reveal(JsonNode node) {
            if (node == null) return null;
            if (node.isTextual()) {
                Optional<PersonalToken> token = PersonalToken.parse(node.textValue());
                return token.isPresent() ? open(token.get()) : node;
            }
            if (node.isObject()) {
                ObjectNode copy = null;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    JsonNode revealed = reveal(f.getValue());
                    if (revealed != f.getValue()) {
                        if (copy == null) copy = ((ObjectNode) node).deepCopy();
                        copy.set(f.getKey(), revealed);
                    }
                }
                return copy == null ? node : copy;
            }
            if (node.isArray()) {
                ArrayNode copy = null;
                for (int i = 0; i < node.size(); i++) {
                    JsonNode revealed = reveal(node.get(i));
                    if (revealed != node.get(i)) {
                        if (copy == null) copy = ((ArrayNode) node).deepCopy();
                        copy.set(i, revealed);
                    }
                }
                return copy == null ? node : copy;
            }
            return node;
        }

        JsonNode open(PersonalToken token) {
            Optional<byte[]> key = found.computeIfAbsent(token.subject(), keys::find);
            if (key.isEmpty()) return TextNode.valueOf(REDACTED);
            byte[] plaintext = FieldCipher.open(key.get(), token);
            try {
                return EventCodec.JSON.readTree(new String(plaintext, StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new UnreadableTokenException(token.toString(), "holds no JSON value", e);
            }
        }
    }
}

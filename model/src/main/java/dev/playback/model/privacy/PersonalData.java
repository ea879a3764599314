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
import java.util.regex.Pattern;

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
    /** Shortest revealed value that is sealed where it is part of a longer string of an answer. */
    static final int MIN_EMBEDDED = 4;
    /** An amount, never sealed in an answer. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?");

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

    /**
     * {@code answer}, an external system's answer to {@code request} (which held tokens, revealed just before the call),
     * with each personal value it gives back sealed again, so the recorded answer, the state folded from it and the
     * commands made from it hold tokens only, and forgetting the subject makes them unreadable: a string equal to a value
     * revealed from the request becomes that very token; a string that contains one (of at least
     * {@value #MIN_EMBEDDED} characters, e.g. {@code "no match for Grace Hopper"}) becomes a token of the whole string
     * under the same subject's key, its IV made from {@code context}, the path and the string (the same answer seals to
     * the same bytes). Field names are sealed the same way (a processor finds the entry by the token it holds); numbers
     * and decimal strings (amounts) are never changed, nor is the order of fields that hold nothing personal; an answer that echoes
     * nothing personal is returned as it is. A forgotten subject's values went out as {@link #REDACTED} and come back as
     * such: nothing to seal.
     *
     * @param context what the answer answers (the call site and the request's hash), mixed into each new token's IV
     */
    public JsonNode sealEchoes(JsonNode request, JsonNode answer, String context) {
        if (answer == null) return null;
        Reader reader = new Reader();
        Map<String, Revealed> revealed = new HashMap<>();
        reader.collect(request, revealed);
        if (revealed.isEmpty()) return answer;
        return reader.sealEchoes(answer, "answer", revealed, context);
    }

    /** A value revealed from a request: the token it was, and the subject whose key sealed it. */
    private record Revealed(String token, String subject) {
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

        /** Every textual value the tokens in {@code node} stand for (subjects with a key only), with its token. */
        void collect(JsonNode node, Map<String, Revealed> out) {
            if (node == null) return;
            if (node.isTextual()) {
                Optional<PersonalToken> token = PersonalToken.parse(node.textValue());
                if (token.isEmpty() || found.computeIfAbsent(token.get().subject(), keys::find).isEmpty()) return;
                JsonNode value = open(token.get());
                if (value.isTextual() && !value.textValue().isBlank() && !DECIMAL.matcher(value.textValue()).matches()) {
                    out.putIfAbsent(value.textValue(), new Revealed(node.textValue(), token.get().subject()));
                }
                return;
            }
            for (JsonNode child : node) collect(child, out);
        }

        JsonNode sealEchoes(JsonNode node, String path, Map<String, Revealed> revealed, String context) {
            if (node.isTextual()) {
                String sealed = sealEcho(node.textValue(), path, revealed, context);
                return sealed == null ? node : TextNode.valueOf(sealed);
            }
            if (node.isObject()) {
                ObjectNode copy = null;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    String name = sealEcho(f.getKey(), path + ".<name>", revealed, context);
                    JsonNode sealed = sealEchoes(f.getValue(), path + "." + f.getKey(), revealed, context);
                    if (sealed != f.getValue() || name != null) {
                        if (copy == null) copy = ((ObjectNode) node).deepCopy();
                        if (name != null) copy.remove(f.getKey());
                        copy.set(name == null ? f.getKey() : name, sealed);
                    }
                }
                return copy == null ? node : copy;
            }
            if (node.isArray()) {
                ArrayNode copy = null;
                for (int i = 0; i < node.size(); i++) {
                    JsonNode sealed = sealEchoes(node.get(i), path + "[" + i + "]", revealed, context);
                    if (sealed != node.get(i)) {
                        if (copy == null) copy = ((ArrayNode) node).deepCopy();
                        copy.set(i, sealed);
                    }
                }
                return copy == null ? node : copy;
            }
            return node;
        }

        /** The token {@code text} is sealed to when it is or holds a revealed value; null when it stays as it is. */
        private String sealEcho(String text, String path, Map<String, Revealed> revealed, String context) {
            if (DECIMAL.matcher(text).matches()) return null;
            Revealed same = revealed.get(text);
            if (same != null) return same.token();
            Revealed within = null;
            int longest = 0;
            for (Map.Entry<String, Revealed> r : revealed.entrySet()) {
                if (r.getKey().length() >= MIN_EMBEDDED && r.getKey().length() > longest && text.contains(r.getKey())) {
                    within = r.getValue();
                    longest = r.getKey().length();
                }
            }
            if (within == null) return null;
            byte[] key = found.get(within.subject()).orElseThrow();
            return FieldCipher.seal(key, within.subject(), context, path,
                    TextNode.valueOf(text).toString().getBytes(StandardCharsets.UTF_8)).toString();
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

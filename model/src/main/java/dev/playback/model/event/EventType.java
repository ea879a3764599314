package dev.playback.model.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One kind of event of a domain: its name, its current payload schema version, how to validate a
 * payload of that version, and how to turn older shapes into the current one (upcasting).
 */
public interface EventType {
    String name();

    default int schemaVersion() {
        return 1;
    }

    /** Throws {@link InvalidEventException} naming the field (as {@code payload.<name>}) when the payload is wrong. */
    void validate(ObjectNode payload);

    /**
     * Turns a payload written with {@code fromSchemaVersion} into the shape of {@code fromSchemaVersion + 1}.
     * Only called for versions below {@link #schemaVersion()}.
     */
    default ObjectNode upcast(int fromSchemaVersion, ObjectNode payload) {
        throw new IllegalStateException("event type " + name() + " has no upcaster from schema version " + fromSchemaVersion);
    }

    /**
     * The payload fields that hold personal data, as names (or dotted paths into nested objects, {@code address.street}),
     * the same in every schema version of the type. The ingest replaces each value by a token encrypted with the data key
     * of {@link #subjectOf the subject} before the event goes anywhere ({@code dev.playback.model.privacy.PersonalData});
     * {@code playback forget SUBJECT} deletes that key, and the fields read as {@code [redacted]} from then on.
     * Validation sees the plaintext; processors see the tokens, and must copy a personal value as it is (never derive
     * text from it). None by default.
     */
    default List<String> personalFields() {
        return List.of();
    }

    /**
     * Whose personal data the {@link #personalFields()} of this payload are: an id (1-128 characters of
     * {@code A-Z a-z 0-9 . _ : -}). The aggregate id by default; a type whose personal data belongs to someone else
     * names that someone from the (validated, plaintext) payload.
     */
    default String subjectOf(ObjectNode payload, String aggregateId) {
        return aggregateId;
    }
}

package dev.playback.model.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

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
}

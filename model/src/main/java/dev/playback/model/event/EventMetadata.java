package dev.playback.model.event;

/** Who and what caused an event: correlation and causation ids and the acting principal. All optional. */
public record EventMetadata(String correlationId, String causationId, String actor) {
    public static final EventMetadata NONE = new EventMetadata(null, null, null);
}

package dev.playback.model.gateway;

/** What happened to a command. */
public enum Disposition {
    /** Sent by live processing. */
    SENT,
    /** Produced during a replay and not sent. */
    SUPPRESSED,
    /** Sent by a {@code diff} replay (or a reversal) to correct what was sent before. */
    CORRECTION,
    /** Sent during a replay because its gateway was allowed ({@code allow:<gateway>}); a later replay does not send it again. */
    ALLOWED;

    /** Whether the external system received it. */
    public boolean reachedExternalSystem() {
        return this != SUPPRESSED;
    }
}

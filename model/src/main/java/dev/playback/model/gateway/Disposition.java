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
    ALLOWED,
    /**
     * About to be sent (live, allowed, or a correction): logged just before the send, with the command that goes out
     * under its idempotency key, and confirmed by a {@link #SENT}, {@link #ALLOWED} or {@link #CORRECTION} entry with the
     * same key after it. Until then the external system may or may not hold it; a retry after a crash sends this very
     * command again under that key, even when the logic that computes it has changed meanwhile (a deployment between
     * the crash and the retry), so the log never records a command other than the one the external system keeps.
     */
    PENDING;

    /** Whether the external system received it (confirmed; a {@link #PENDING} entry is not, yet). */
    public boolean reachedExternalSystem() {
        return this != SUPPRESSED && this != PENDING;
    }
}

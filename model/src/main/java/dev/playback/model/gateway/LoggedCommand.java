package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of the command log: a command produced by {@code processor} for event {@code eventId} at
 * {@code site}, what happened to it, and the idempotency key it was (or would have been) sent with.
 * {@code ordinal} counts commands of one kind per (event, call site): sends 0, 1, …; corrections 0, 1, ….
 * {@code replayId} is null for live processing.
 */
public record LoggedCommand(String processor, String eventId, CallSite site, int ordinal, Disposition disposition,
                            JsonNode command, String idempotencyKey, String replayId) {
    /**
     * Identity of the entry in the log: one per idempotency key and disposition (suppressed entries per replay; a
     * pending entry beside the entry that confirms its send).
     */
    public String entryId() {
        if (disposition == Disposition.SUPPRESSED) return "suppressed:" + replayId + ":" + idempotencyKey;
        if (disposition == Disposition.PENDING) return "pending:" + idempotencyKey;
        return idempotencyKey;
    }
}

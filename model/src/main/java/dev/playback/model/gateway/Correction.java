package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A command a {@code diff} replay (or a reversal) sends to bring what an external system received for an
 * effect ({@code key}) to what the current logic wants. {@code alreadySent} is true when a resumed run of
 * the same replay finds it sent before: it is reported, not sent again. {@code sent} is what had reached the
 * external system for the key before (oldest first; empty for a new effect) and {@code wanted} what the current logic
 * wants (null when the effect should no longer exist): the report shows the change as "before → after".
 */
public record Correction(String processor, String eventId, CallSite site, String key, int ordinal, JsonNode command,
                         String idempotencyKey, boolean alreadySent, List<JsonNode> sent, JsonNode wanted) {
    public Correction {
        sent = List.copyOf(sent);
    }
}

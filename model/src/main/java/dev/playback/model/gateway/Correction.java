package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A command a {@code diff} replay (or a reversal) sends to bring what an external system received for an
 * effect ({@code key}) to what the current logic wants. {@code alreadySent} is true when a resumed run of
 * the same replay finds it sent before: it is reported, not sent again.
 */
public record Correction(String processor, String eventId, CallSite site, String key, int ordinal, JsonNode command,
                         String idempotencyKey, boolean alreadySent) {
}

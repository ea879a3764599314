package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * The domain's rules for one command call site, used when commands must be corrected rather than sent
 * again: in a {@code diff} replay and when a reversed event's effects are compensated.
 *
 * <p>{@link #key} names the external effect a command contributes to (e.g. an order id); commands with
 * the same key add up at the external system. {@link #correction} returns the one command that brings
 * what was sent for a key to what is wanted now, or empty when they already agree.
 */
public interface CommandRules {
    String key(JsonNode command);

    /**
     * @param sent   the commands already sent for this key (originals and earlier corrections), in order
     * @param wanted what the current logic sends for this key; null when it sends nothing for it any more
     */
    Optional<JsonNode> correction(List<JsonNode> sent, JsonNode wanted);

    /**
     * Commands are equal or not; a command that is no longer wanted cannot be taken back. Suits call sites
     * whose commands are not amounts (notifications): a differing command is sent as a correction.
     */
    CommandRules EXACT = new CommandRules() {
        @Override
        public String key(JsonNode command) {
            return command.toString();
        }

        @Override
        public Optional<JsonNode> correction(List<JsonNode> sent, JsonNode wanted) {
            if (wanted == null || sent.contains(wanted)) return Optional.empty();
            return Optional.of(wanted);
        }
    };
}

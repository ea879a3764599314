package dev.playback.model.gateway;

import dev.playback.model.event.EventEnvelope;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One run of gateway processors: live processing, or one replay with its id, mode and missing-record
 * policy. {@code effects} selects the events whose external effects the mode applies to (a partial
 * replay limits them to its window); for the other events commands are suppressed.
 */
public record GatewayRun(String replayId, GatewayMode mode, MissingRecord missing, Predicate<EventEnvelope> effects) {
    public GatewayRun {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(missing, "missing");
        effects = effects == null ? e -> true : effects;
        if (mode instanceof GatewayMode.Live && replayId != null) throw new IllegalArgumentException("a live run has no replay id");
        if (!(mode instanceof GatewayMode.Live) && (replayId == null || replayId.isBlank())) {
            throw new IllegalArgumentException("a replay run needs a replay id (mode " + GatewayMode.format(mode) + ")");
        }
    }

    public static GatewayRun live() {
        return new GatewayRun(null, GatewayMode.LIVE, MissingRecord.FAIL, null);
    }

    public static GatewayRun replay(String replayId, GatewayMode mode, MissingRecord missing) {
        return new GatewayRun(replayId, mode, missing, null);
    }

    public GatewayRun onlyEffectsOf(Predicate<EventEnvelope> window) {
        return new GatewayRun(replayId, mode, missing, window);
    }

    public boolean isLive() {
        return mode instanceof GatewayMode.Live;
    }

    GatewayMode modeFor(EventEnvelope e) {
        if (isLive() || effects.test(e)) return mode;
        return GatewayMode.SUPPRESS;
    }
}

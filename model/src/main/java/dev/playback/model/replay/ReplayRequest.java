package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;

import java.util.List;
import java.util.Optional;

/**
 * A replay's request and who asked for it, from a state machine's input. StartExecution's input is the request itself
 * (an optional {@code requestedBy} in it is what the caller claims: {@code playback} puts {@code cli:<user>@<host>} or,
 * with {@code --aws}, the caller's STS identity). The ReplayRequested rule (template.yaml) starts the partial replay with
 * {@code {"request": <the event's detail>, "event": {"id", "source", "account", "time"}}}: what EventBridge tells about
 * the event. EventBridge does not pass the IAM principal that put the event; the bus's resource policy decides who may.
 *
 * @param requestedBy {@code via} ({@code eventbridge} or {@code execution}), the event's {@code eventId}, {@code source},
 *                    {@code account}, {@code time}, the {@code execution} ARN and {@code executionName} when known, and
 *                    {@code claimed} (the request's own {@code requestedBy})
 */
public record ReplayRequest(JsonNode request, ObjectNode requestedBy, boolean throughEventBridge) {
    static final int MAX_CLAIM = 256;
    /** The replay function's variable set from the template parameter AllowEffectfulEventReplays. */
    public static final String MAY_SEND_VARIABLE = "EVENT_REPLAYS_MAY_SEND";
    static final String MAY_SEND_PARAMETER = "AllowEffectfulEventReplays";

    static ReplayRequest of(JsonNode input, String execution) {
        JsonNode in = Requests.object(input);
        JsonNode event = in.get("event");
        boolean viaEvent = event != null && event.isObject() && in.has("request");
        JsonNode request = viaEvent ? Requests.object(in.get("request")) : in;
        ObjectNode by = EventCodec.JSON.createObjectNode();
        by.put("via", viaEvent ? "eventbridge" : "execution");
        if (viaEvent) {
            for (String field : List.of("id", "source", "account", "time")) {
                String v = Requests.text(event, field);
                if (v != null) by.put(field.equals("id") ? "eventId" : field, v);
            }
        }
        if (execution != null) {
            by.put("execution", execution);
            by.put("executionName", execution.substring(execution.lastIndexOf(':') + 1));
        }
        String claimed = Requests.text(request, "requestedBy");
        if (claimed != null) {
            if (claimed.isBlank() || claimed.length() > MAX_CLAIM) {
                throw new IllegalArgumentException("field 'requestedBy' must be 1 to " + MAX_CLAIM + " characters, got " + claimed.length());
            }
            by.put("claimed", claimed);
        }
        return new ReplayRequest(request, by, viaEvent);
    }

    /** The replay id of a state machine's input, either shape; empty when it names none. */
    static Optional<String> replayIdOf(JsonNode input) {
        JsonNode in = Requests.object(input);
        JsonNode id = in.path("replayId").isTextual() ? in.get("replayId") : in.path("request").path("replayId");
        return id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
    }

    /**
     * Refuses a gateway mode other than {@code suppress} for a request that came through EventBridge, unless the
     * deployment allows it ({@code eventReplaysMaySend}: the template parameter {@value #MAY_SEND_PARAMETER}).
     */
    void requireAllowed(String gatewayMode, boolean eventReplaysMaySend) {
        // predict (a what-if) sends nothing either
        if (!throughEventBridge || eventReplaysMaySend || Replay.DEFAULT_GATEWAY_MODE.equals(gatewayMode) || "predict".equals(gatewayMode)) return;
        throw new IllegalArgumentException("gatewayMode '" + gatewayMode + "' was requested through EventBridge (event "
                + requestedBy.path("eventId").asText("?") + " from source " + requestedBy.path("source").asText("?") + ", account "
                + requestedBy.path("account").asText("?") + "); this deployment does not let EventBridge requests cause external effects: "
                + "deploy with the template parameter " + MAY_SEND_PARAMETER + "=true (" + MAY_SEND_VARIABLE + "=true), or start the "
                + "replay with StartExecution, or request gatewayMode suppress");
    }

    /** {@code true} or {@code false} (absent: false); anything else fails naming the variable. */
    public static boolean maySend(Optional<String> value) {
        String v = value.orElse("false").trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalStateException("ReplayFunction: " + MAY_SEND_VARIABLE + " must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }
}

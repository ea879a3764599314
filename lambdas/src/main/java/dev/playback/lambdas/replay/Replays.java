package dev.playback.lambdas.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayKind;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.store.Generations;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The replay use cases the state machines call, one method per action: full rebuilds and verifications
 * ({@link Rebuild}, {@link Verification}), partial replays ({@link PartialReplay}), failure and rollback.
 */
public final class Replays {
    private final ReplayPorts ports;
    private final Checkpoints checkpoints;
    private final Rebuild rebuild;
    private final Verification verification;
    private final PartialReplay partial;

    public Replays(ReplayPorts ports) {
        this.ports = ports;
        this.checkpoints = new Checkpoints(ports);
        this.rebuild = new Rebuild(ports, checkpoints);
        this.verification = new Verification(ports, checkpoints);
        this.partial = new PartialReplay(ports, checkpoints);
    }

    public ObjectNode prepare(String kind, JsonNode request) {
        return rebuild.prepare(ReplayKind.parse(kind), request);
    }

    public ObjectNode publish(String replayId, int segment, int round, int maxRounds) {
        return rebuild.publish(replayId, segment, round, maxRounds, null);
    }

    /** Publishes for one execution ({@code owner}), which claims the segment (see {@link Rebuild#publish}). */
    public ObjectNode publish(String replayId, int segment, int round, int maxRounds, String owner) {
        return rebuild.publish(replayId, segment, round, maxRounds, owner);
    }

    public ObjectNode progress(String replayId) {
        return rebuild.progress(replayId);
    }

    public ObjectNode drained(String replayId) {
        return rebuild.drained(replayId);
    }

    /** Rebuild: switch generations; verify: compare, report, discard. A repeated finish answers the same. */
    public ObjectNode finish(String replayId) {
        Replay replay = checkpoints.require(replayId);
        if (replay.status() == ReplayStatus.SUCCEEDED && replay.result() != null) return (ObjectNode) replay.result().deepCopy();
        if (replay.kind() == ReplayKind.REBUILD) return rebuild.finish(replay);
        if (replay.kind() == ReplayKind.VERIFY) return verification.finish(replay);
        throw new IllegalArgumentException("replay '" + replayId + "' is a partial replay; it ends with partialReport, not finish");
    }

    /** Records a failure from the state machine's state ({@code replayId} and {@code error} when known); keeps checkpoints. */
    public ObjectNode fail(JsonNode state) {
        JsonNode s = Requests.object(state);
        ObjectNode out = EventCodec.JSON.createObjectNode();
        String replayId = s.path("replayId").isTextual() ? s.get("replayId").asText() : null;
        Optional<Replay> replay = replayId != null && Replay.ID.matcher(replayId).matches() ? ports.replays().find(replayId) : Optional.empty();
        String detail = detail(s.path("error"));
        if (replay.isEmpty()) {
            out.put("recorded", false);
            out.put("cause", "the replay failed before it was recorded: " + detail);
            return out;
        }
        ports.replays().update(replay.get().withStatus(ReplayStatus.FAILED, detail));
        String kind = replay.get().kind() == ReplayKind.PARTIAL ? "partial replay " : replay.get().kind().wireName() + " ";
        out.put("cause", kind + replayId + " failed: " + detail + "; its checkpoints are kept: start it again with the same replayId to resume");
        out.put("recorded", true);
        out.put("replayId", replayId);
        out.put("status", ReplayStatus.FAILED.name());
        out.put("error", detail);
        return out;
    }

    /**
     * What went wrong, from a Catch's error ({@code {Error, Cause}}); a Lambda error's Cause is its JSON
     * ({@code errorMessage}, {@code errorType}), of which the message is kept.
     */
    static String detail(JsonNode error) {
        if (error.isMissingNode() || error.isNull()) return "failed";
        if (!error.isObject()) return error.asText();
        String cause = error.path("Cause").asText("");
        try {
            JsonNode parsed = EventCodec.JSON.readTree(cause);
            if (parsed != null && parsed.hasNonNull("errorMessage")) {
                cause = parsed.path("errorType").asText("") + (parsed.hasNonNull("errorType") ? ": " : "") + parsed.get("errorMessage").asText();
            }
        } catch (java.io.IOException | RuntimeException notJson) {
            // a plain text cause
        }
        return error.path("Error").asText("error") + ": " + cause;
    }

    /** Makes each processor's previous generation active again; refuses (changing nothing) if one has none. */
    public ObjectNode rollback(JsonNode request) {
        List<String> processors = checkpoints.processors(Requests.strings(Requests.object(request), "processors"));
        for (String p : processors) {
            if (ports.states().generations(p).previous() == null) {
                throw new IllegalStateException("processor " + p + " has no previous generation to roll back to");
            }
        }
        ObjectNode out = EventCodec.JSON.createObjectNode();
        ArrayNode list = out.putArray("processors");
        for (String p : processors) {
            Generations g = ports.states().generations(p);
            if (g.previous() == null || !ports.states().activate(p, g.active(), g.previous())) {
                throw new IllegalStateException("the generations of " + p + " changed during the rollback; nothing more was rolled back");
            }
            list.addObject().put("processor", p).put("active", g.previous()).put("previous", g.active());
        }
        return out;
    }

    public ObjectNode findAggregates(JsonNode request) {
        return partial.findAggregates(request);
    }

    public ObjectNode rebuildAggregates(String replayId, List<String> chunk) {
        return partial.rebuildAggregates(replayId, chunk);
    }

    public ObjectNode partialReport(String replayId) {
        return partial.report(replayId);
    }

    static List<String> list(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        if (array == null || !array.isArray()) throw new IllegalArgumentException("field '" + field + "' must be an array of aggregate ids");
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}

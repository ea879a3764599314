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
        return rebuild.publish(replayId, segment, round, maxRounds);
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
        if (replay.isEmpty()) {
            out.put("recorded", false);
            return out;
        }
        JsonNode error = s.path("error");
        String detail = error.isObject()
                ? error.path("Error").asText("error") + ": " + error.path("Cause").asText("")
                : error.isMissingNode() ? "failed" : error.asText();
        ports.replays().update(replay.get().withStatus(ReplayStatus.FAILED, detail));
        out.put("recorded", true);
        out.put("replayId", replayId);
        out.put("status", ReplayStatus.FAILED.name());
        out.put("error", detail);
        return out;
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

package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.store.Generations;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The replay use cases the state machines call, one method per action: full rebuilds and verifications
 * ({@link Rebuild}, {@link Verification}), partial replays ({@link PartialReplay}), failure and rollback.
 */
public final class ReplayActions {
    private final ReplayPorts ports;
    private final Checkpoints checkpoints;
    private final Rebuild rebuild;
    private final Verification verification;
    private final PartialReplay partial;

    /** Replay actions that refuse effectful gateway modes requested through EventBridge. */
    public ReplayActions(ReplayPorts ports) {
        this(ports, false);
    }

    /**
     * @param eventReplaysMaySend whether a replay requested through EventBridge may run in an effectful gateway mode
     *                            ({@code diff}, {@code allow:…}): the template parameter AllowEffectfulEventReplays
     */
    public ReplayActions(ReplayPorts ports, boolean eventReplaysMaySend) {
        this(ports, eventReplaysMaySend, Metrics.NONE);
    }

    /** @param metrics where a partial replay counts what its gateways did (per gateway), as the processors do on the playback stream */
    public ReplayActions(ReplayPorts ports, boolean eventReplaysMaySend, Metrics metrics) {
        this.ports = ports;
        this.checkpoints = new Checkpoints(ports);
        this.rebuild = new Rebuild(ports, checkpoints, eventReplaysMaySend);
        this.verification = new Verification(ports, checkpoints);
        this.partial = new PartialReplay(ports, checkpoints, eventReplaysMaySend, metrics);
    }

    public ObjectNode prepare(String kind, JsonNode request) {
        return prepare(kind, request, null);
    }

    /** Prepares for one execution ({@code execution}: its ARN, null: none named), which takes the replay over. */
    public ObjectNode prepare(String kind, JsonNode request, String execution) {
        return rebuild.prepare(ReplayKind.parse(kind), request, execution);
    }

    public ObjectNode publish(String replayId, int segment, int round, int maxRounds) {
        return rebuild.publish(replayId, segment, round, maxRounds, null);
    }

    /** Publishes for one execution ({@code owner}), which claims the segment (see {@link Rebuild#publish}). */
    public ObjectNode publish(String replayId, int segment, int round, int maxRounds, String owner) {
        return rebuild.publish(replayId, segment, round, maxRounds, owner);
    }

    public ObjectNode progress(String replayId) {
        return progress(replayId, null);
    }

    public ObjectNode progress(String replayId, String execution) {
        checkpoints.requireRunBy(checkpoints.require(replayId), execution);
        return rebuild.progress(replayId);
    }

    public ObjectNode drained(String replayId) {
        return drained(replayId, null, 0);
    }

    /** Whether every processor applied what was published; {@code waits}: checks this execution made before. */
    public ObjectNode drained(String replayId, String execution, int waits) {
        checkpoints.requireRunBy(checkpoints.require(replayId), execution);
        return rebuild.drained(replayId, waits);
    }

    public ObjectNode finish(String replayId) {
        return finish(replayId, null);
    }

    /** Rebuild: switch generations; verify: compare, report, discard. A repeated finish answers the same. */
    public ObjectNode finish(String replayId, String execution) {
        Replay replay = checkpoints.require(replayId);
        if (replay.status() == ReplayStatus.SUCCEEDED && replay.result() != null) return (ObjectNode) replay.result().deepCopy();
        checkpoints.requireRunBy(replay, execution);
        if (replay.kind() == ReplayKind.REBUILD) return rebuild.finish(replay);
        if (replay.kind() == ReplayKind.VERIFY) return verification.finish(replay);
        throw new IllegalArgumentException("replay '" + replayId + "' is a partial replay; it ends with partialReport, not finish");
    }

    /** The error of a Distributed Map whose child failed (no failure is tolerated): it says nothing of the cause. */
    static final String MAP_RUN_FAILED = "States.ExceedToleratedFailureThreshold";

    /**
     * Records a failure from the state machine's state ({@code replayId}, {@code execution} and {@code error} when
     * known). A rebuild or verification ends with it: FAILED, its generation dropped ({@link #end}); a partial
     * replay keeps its progress. An execution that no longer runs the replay (another took it over) changes nothing.
     */
    public ObjectNode fail(JsonNode state) {
        JsonNode s = Requests.object(state);
        ObjectNode out = EventCodec.JSON.createObjectNode();
        String replayId = ReplayRequest.replayIdOf(s).orElse(null);
        String execution = s.path("execution").isTextual() ? s.get("execution").asText() : null;
        if (replayId == null && execution != null) replayId = ports.replays().replayOfExecution(execution).orElse(null);
        Optional<Replay> replay = replayId != null && Replay.ID.matcher(replayId).matches() ? ports.replays().find(replayId) : Optional.empty();
        String detail = detail(s.path("error"));
        if (replay.isPresent() && MAP_RUN_FAILED.equals(s.path("error").path("Error").asText()) && replay.get().status() == ReplayStatus.FAILED
                && replay.get().detail() != null) {
            // A Distributed Map's child recorded its own failure (RecordBatchFailure); the map run's error names none.
            detail = replay.get().detail();
        }
        if (replay.isEmpty()) {
            out.put("recorded", false);
            out.put("cause", "the replay failed before it was recorded: " + detail);
            return out;
        }
        Optional<String> runner = ports.replays().execution(replayId);
        if (execution != null && runner.isPresent() && !runner.get().equals(execution)) {
            out.put("recorded", false);
            out.put("cause", "execution " + execution + " of replay " + replayId + " failed: " + detail + "; the replay is run by execution "
                    + runner.get() + " and goes on there");
            return out;
        }
        String kind = replay.get().kind() == ReplayKind.PARTIAL ? "partial replay " : replay.get().kind().wireName() + " ";
        if (replay.get().kind() == ReplayKind.PARTIAL) {
            ports.replays().update(replay.get().withStatus(ReplayStatus.FAILED, detail));
            out.put("cause", kind + replayId + " failed: " + detail + "; its progress is kept: start it again with the same replayId to resume");
        } else {
            end(replay.get(), ReplayStatus.FAILED, detail);
            out.put("cause", kind + replayId + " failed: " + detail + "; it has ended and its generation " + replay.get().generation()
                    + " was dropped: start a new replay (another replayId)");
        }
        out.put("recorded", true);
        out.put("replayId", replayId);
        out.put("status", ReplayStatus.FAILED.name());
        out.put("error", detail);
        return out;
    }

    /**
     * An EventBridge "Step Functions Execution Status Change" event (status ABORTED, FAILED or TIMED_OUT) of a
     * replay state machine: the replay the execution ran ends (ABORTED for a stopped execution, FAILED otherwise)
     * unless it succeeded, another execution took it over, or it ended already.
     */
    /**
     * Ends the rebuilds and verifications whose execution has ended although its status-change event never ended
     * them (its delivery to this function failed): the replay of each generation being built whose recorded
     * execution is no longer running ends as that event would have ended it. Run on a schedule.
     */
    public ObjectNode reconcile(Executions executions) {
        java.util.Set<String> checked = new java.util.TreeSet<>();
        List<String> ended = new ArrayList<>();
        for (ReplayProcessor p : ports.processors()) {
            for (String generation : ports.states().generations(p.name()).building()) {
                Optional<Replay> replay = ports.replays().building(generation);
                if (replay.isEmpty() || replay.get().status() != ReplayStatus.RUNNING || !checked.add(replay.get().replayId())) continue;
                Optional<String> execution = ports.replays().execution(replay.get().replayId());
                Optional<Executions.Status> status = execution.flatMap(executions::describe);
                if (status.isEmpty() || status.get().running()) continue;
                ObjectNode detail = EventCodec.JSON.createObjectNode().put("executionArn", execution.get())
                        .put("status", status.get().status()).put("error", status.get().error()).put("cause", status.get().cause());
                ObjectNode result = executionEnded(EventCodec.JSON.createObjectNode().set("detail", detail));
                if (result.path("ended").asBoolean()) ended.add(result.path("summary").asText());
            }
        }
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("checked", checked.size());
        ArrayNode list = out.putArray("ended");
        ended.forEach(list::add);
        out.put("summary", "reconcile: " + checked.size() + " running replays checked, " + ended.size() + " ended"
                + (ended.isEmpty() ? "" : ": " + String.join("; ", ended)));
        return out;
    }

    public ObjectNode executionEnded(JsonNode event) {
        JsonNode detail = Requests.object(event).path("detail");
        String execution = detail.path("executionArn").asText(null);
        String status = detail.path("status").asText("");
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("execution", execution);
        out.put("executionStatus", status);
        if (execution == null || !List.of("ABORTED", "FAILED", "TIMED_OUT").contains(status)) {
            out.put("ended", false);
            out.put("summary", "execution " + execution + " " + status + ": nothing to end");
            return out;
        }
        Optional<String> replayId = ports.replays().replayOfExecution(execution);
        if (replayId.isEmpty()) replayId = inputReplayId(detail.path("input").asText(null));
        Optional<Replay> replay = replayId.flatMap(id -> ports.replays().find(id));
        if (replay.isEmpty()) {
            out.put("ended", false);
            out.put("summary", "execution " + execution + " " + status + " before it recorded a replay: nothing to end");
            return out;
        }
        Replay r = replay.get();
        out.put("replayId", r.replayId());
        Optional<String> runner = ports.replays().execution(r.replayId());
        String why = runner.isPresent() && !runner.get().equals(execution) ? "it is run by execution " + runner.get()
                : r.status() == ReplayStatus.SUCCEEDED ? "it succeeded"
                : r.kind() == ReplayKind.PARTIAL && r.status() != ReplayStatus.RUNNING ? "it is " + r.status()
                : null;
        if (why != null) {
            out.put("ended", false);
            out.put("summary", "execution " + execution + " " + status + "; replay " + r.replayId() + " is left as it is: " + why);
            return out;
        }
        ReplayStatus ended = status.equals("ABORTED") ? ReplayStatus.ABORTED : ReplayStatus.FAILED;
        String text = "execution " + execution + " " + status
                + (detail.hasNonNull("error") ? ": " + detail.get("error").asText() : "")
                + (detail.hasNonNull("cause") ? " " + detail.get("cause").asText() : "");
        if (r.kind() == ReplayKind.PARTIAL) {
            ports.replays().update(r.withStatus(ended, text));
        } else {
            end(r, ended, r.status().ended() ? r.detail() : text);
        }
        out.put("ended", true);
        out.put("status", r.status().ended() ? r.status().name() : ended.name());
        out.put("summary", "replay " + r.replayId() + " ended " + (r.status().ended() ? r.status() : ended) + " (" + text + ")"
                + (r.generation() == null ? "" : "; generation " + r.generation() + " dropped"));
        return out;
    }

    private static Optional<String> inputReplayId(String input) {
        if (input == null) return Optional.empty();
        try {
            return ReplayRequest.replayIdOf(EventCodec.JSON.readTree(input));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the execution's input is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Ends a rebuild or verification (idempotent): its status (kept when it ended already), then its generation
     * dropped: no longer building (live events and its gateway mode stop reaching it), and its items deleted in
     * every processor where it is neither active nor previous.
     */
    void end(Replay replay, ReplayStatus status, String detail) {
        if (!replay.status().ended()) ports.replays().update(replay.withStatus(status, detail));
        String generation = replay.generation();
        if (generation == null) return;
        for (String p : replay.processors()) {
            Generations g = ports.states().generations(p);
            if (g.building().contains(generation)) ports.states().stopBuilding(p, generation);
            if (!generation.equals(g.active()) && !generation.equals(g.previous())) ports.states().discard(p, generation);
        }
    }

    /**
     * What went wrong, from a Catch's error ({@code {Error, Cause}}); a Lambda error's Cause is its JSON
     * ({@code errorMessage}, {@code errorType}), of which the message is kept.
     */
    public static String detail(JsonNode error) {
        if (error.isMissingNode() || error.isNull()) return "failed";
        if (!error.isObject()) return error.asText();
        String cause = error.path("Cause").asText("");
        try {
            JsonNode parsed = EventCodec.JSON.readTree(cause);
            if (parsed != null && parsed.hasNonNull("errorMessage")) cause = parsed.get("errorMessage").asText();
        } catch (java.io.IOException | RuntimeException notJson) {
            // a plain text cause
        }
        // The error name once; the class names a wrapped exception puts before its message say nothing more.
        return error.path("Error").asText("error") + ": " + CLASS_PREFIX.matcher(cause).replaceFirst("");
    }

    /** Leading {@code java.lang.IllegalStateException: } and the like, repeated by wrapped exceptions. */
    private static final java.util.regex.Pattern CLASS_PREFIX = java.util.regex.Pattern.compile("^(?:(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*: )+");

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
        return partial.findAggregates(request, null);
    }

    /** {@code input}: the partial replay state machine's input (either shape, see {@link ReplayRequest}); {@code execution}: its ARN. */
    public ObjectNode findAggregates(JsonNode input, String execution) {
        return partial.findAggregates(input, execution);
    }

    public ObjectNode rebuildAggregates(String replayId, List<String> chunk) {
        return partial.rebuildAggregates(replayId, chunk);
    }

    public ObjectNode partialReport(String replayId) {
        return partial.report(replayId);
    }

    public static List<String> list(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        if (array == null || !array.isArray()) throw new IllegalArgumentException("field '" + field + "' must be an array of aggregate ids");
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}

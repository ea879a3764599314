package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.TimeTravel;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.store.ProcessorState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A verification with {@code knownAt}: the states as they were known at that instant, checked against the snapshots of
 * that time. Each aggregate of the events table (found by the verification's Scan segments, on the page that holds its
 * first event) is folded from its first event up to the last version recorded by {@code knownAt} (the versions up to
 * the first one recorded later, as a partial replay with {@code knownAt} folds it), with the current logic; the
 * reference is the time-travel answer at that point ({@code GET /aggregates/{id}?knownAt=T&version=N}): the newest
 * snapshot of the processor's logic version whose events were all recorded by then, plus the events after it. They
 * differ when a snapshot does not hold what its events and its logic version give (logic changed without a new logic
 * version, or a damaged snapshot). Nothing is rebuilt into a generation and nothing is published: each page's outcome
 * goes to {@code reports/verify-known/<replayId>/} (written again, the same, when a page is done again), and
 * {@code finish} adds them up into the verification's report. A processor with external effects is folded on both
 * sides from the recorded answers only (nothing asked, sent or logged); a query without a record fails the
 * verification naming the event and the call site.
 */
final class KnownAtVerification {
    static final String PIECES = "reports/verify-known/";

    private final ReplayPorts ports;
    private final Checkpoints checkpoints;

    KnownAtVerification(ReplayPorts ports, Checkpoints checkpoints) {
        this.ports = ports;
        this.checkpoints = checkpoints;
    }

    /** The {@code knownAt} of a verification that has one; null for any other replay. */
    static Instant knownAt(Replay replay) {
        if (replay.kind() != ReplayKind.VERIFY || replay.scope() == null) return null;
        return Requests.instant(Requests.object(replay.scope()), "knownAt");
    }

    /** The key of one page's outcome: per segment and batch, so that a page done again overwrites its own. */
    static String pieceKey(String replayId, int segment, long batch) {
        return PIECES + replayId + "/segment-" + segment + "-batch-" + batch + ".json";
    }

    /** Compares every aggregate whose first event is among {@code events} (one page of a Scan segment) and writes the outcome. */
    void verifyPage(Replay replay, int segment, long batch, List<EventEnvelope> events) {
        Instant knownAt = knownAt(replay);
        ObjectNode piece = EventCodec.JSON.createObjectNode();
        int compared = 0, snapshotsChecked = 0;
        ArrayNode drifts = EventCodec.JSON.createArrayNode();
        for (EventEnvelope first : events) {
            if (first.versionOrZero() != 1) continue;
            String aggregateId = first.aggregateId();
            long known = PartialReplay.knownVersion(ports.events(), aggregateId, knownAt);
            if (known == 0) continue; // nothing of it was known then
            for (String processor : replay.processors()) {
                Projector<?> projector = checkpoints.processor(processor).comparing(replay.replayId());
                Optional<ProcessorState> folded = projector.stateAt("known-at:" + knownAt, aggregateId, Optional.empty(), known);
                Optional<TimeTravel.Answer> reference = projector.at(aggregateId, PartialReplay.knownPoint(knownAt, known));
                compared++;
                if (reference.flatMap(TimeTravel.Answer::snapshot).isPresent()) snapshotsChecked++;
                JsonNode rebuilt = folded.map(ProcessorState::state).orElse(null);
                JsonNode then = reference.map(TimeTravel.Answer::state).orElse(null);
                long foldedVersion = folded.map(ProcessorState::version).orElse(0L);
                long referenceVersion = reference.map(TimeTravel.Answer::version).orElse(0L);
                if (foldedVersion == referenceVersion && Verification.same(rebuilt, then)) continue;
                ObjectNode d = drifts.addObject();
                d.put("aggregateId", aggregateId);
                d.put("processor", processor);
                d.put("version", known);
                ObjectNode from = d.putObject("reference");
                Optional<Long> snapshot = reference.flatMap(TimeTravel.Answer::snapshot).map(Snapshot::version);
                if (snapshot.isPresent()) from.put("snapshot", snapshot.get());
                else from.putNull("snapshot");
                from.put("eventsFolded", reference.map(TimeTravel.Answer::eventsFolded).orElse(0));
                from.put("version", referenceVersion);
                d.set("live", then);
                d.set("rebuilt", rebuilt);
            }
        }
        piece.put("compared", compared);
        piece.put("snapshotsChecked", snapshotsChecked);
        piece.set("drifts", drifts);
        JsonPieces.put(ports.reports(), pieceKey(replay.replayId(), segment, batch), piece);
    }

    /** The outcomes of every page added up; a drift is reported with the state as known then as {@code live}. */
    Verification.Outcome outcome(Replay replay) {
        int compared = 0, snapshotsChecked = 0;
        List<Verification.Drift> drifts = new ArrayList<>();
        for (JsonNode piece : JsonPieces.under(ports.reports(), PIECES + replay.replayId() + "/", "verification page")) {
            compared += piece.path("compared").asInt();
            snapshotsChecked += piece.path("snapshotsChecked").asInt();
            for (JsonNode d : piece.path("drifts")) {
                drifts.add(new Verification.Drift(d.path("aggregateId").asText(), d.path("processor").asText(), nullable(d.get("live")),
                        nullable(d.get("rebuilt")), d.path("version").asLong(), null, d.get("reference")));
            }
        }
        return new Verification.Outcome(compared, 0, 0, snapshotsChecked, drifts);
    }

    private static JsonNode nullable(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }
}

package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.TimeTravel;
import dev.playback.model.snapshot.PointInTime;
import dev.playback.model.snapshot.Snapshot;
import dev.playback.model.store.Generations;
import dev.playback.model.store.ProcessorState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A partial replay: finds the aggregates in scope through the events table's indexes (never a Scan),
 * writes their ids to the reports store ({@link #SCOPE_PREFIX}{@code <replayId>/aggregates.jsonl}, one JSON
 * string per line) for the state machine's Distributed Map to read in batches, rebuilds each from its full stream
 * with the current logic in the active generation of the chosen processors, and reports. Aggregates and
 * processors outside the scope are not touched; no list of ids travels through the state machine.
 */
final class PartialReplay {
    /** Where the aggregates in a partial replay's scope are written, under the replay's id. */
    static final String SCOPE_PREFIX = "scopes/";

    private final ReplayPorts ports;
    private final Checkpoints checkpoints;

    private final boolean eventReplaysMaySend;
    private final Metrics metrics;

    PartialReplay(ReplayPorts ports, Checkpoints checkpoints, boolean eventReplaysMaySend, Metrics metrics) {
        this.ports = ports;
        this.checkpoints = checkpoints;
        this.eventReplaysMaySend = eventReplaysMaySend;
        this.metrics = metrics;
    }

    /**
     * {@code input}: the request, or (through EventBridge) the request with the event that carried it ({@link ReplayRequest}).
     * A request through EventBridge for an effectful gateway mode, or resuming a replay that has one, is refused unless
     * the deployment allows it; nothing is recorded then.
     */
    ObjectNode findAggregates(JsonNode input, String execution) {
        ReplayRequest asked = ReplayRequest.of(input, execution);
        JsonNode r = asked.request();
        String replayId = checkpoints.idOrNew(Requests.text(r, "replayId"));
        List<String> aggregates = Requests.strings(r, "aggregates");
        List<String> types = Requests.strings(r, "types");
        Instant since = Requests.instant(r, "since");
        Instant until = Requests.instant(r, "until");
        TimeField field = TimeField.parse(Requests.text(r, "timeField"));
        Instant knownAt = knownAt(r, ports.clock().instant());
        List<String> processors = checkpoints.processors(Requests.strings(r, "processors"));
        Checkpoints.GatewayPolicy gateway = Checkpoints.gatewayPolicy(r);
        Checkpoints.refusePredict(gateway);
        asked.requireAllowed(gateway.mode(), eventReplaysMaySend);
        boolean window = since != null || until != null;
        if ((aggregates == null || aggregates.isEmpty()) && (types == null || types.isEmpty()) && !window) {
            throw new IllegalArgumentException("a partial replay needs a scope: at least one of 'aggregates', 'types', 'since'/'until'");
        }
        if (window && since == null) throw new IllegalArgumentException("field 'since' is required with 'until'");
        if (window && until == null) until = ports.clock().instant();
        if (window && !since.isBefore(until)) throw new IllegalArgumentException("field 'since' (" + since + ") must be before 'until' (" + until + ")");

        Set<String> found = null;
        if (window) {
            found = new TreeSet<>(ports.index().inWindow(field, since, until, types == null ? List.of() : types));
        } else if (types != null && !types.isEmpty()) {
            found = new TreeSet<>(ports.index().withTypes(types));
        }
        if (aggregates != null && !aggregates.isEmpty()) {
            if (found == null) found = new TreeSet<>(aggregates);
            else found.retainAll(new LinkedHashSet<>(aggregates));
        }
        List<String> ids = new ArrayList<>(found);

        ObjectNode scope = EventCodec.JSON.createObjectNode();
        if (aggregates != null) scope.set("aggregates", EventCodec.JSON.valueToTree(aggregates));
        if (types != null) scope.set("types", EventCodec.JSON.valueToTree(types));
        if (since != null) scope.put("since", since.toString());
        if (until != null) scope.put("until", until.toString());
        if (window) scope.put("timeField", field.wireName());
        if (knownAt != null) scope.put("knownAt", knownAt.toString());
        scope.set("processors", EventCodec.JSON.valueToTree(processors));
        if (ids.size() <= 1000) scope.set("found", EventCodec.JSON.valueToTree(ids));
        Replay replay = new Replay(replayId, ReplayKind.PARTIAL, null, processors, 0, 0, false, ReplayStatus.RUNNING,
                ports.clock().instant(), null, scope(scope, gateway), ids.size(), 0, 0, null, gateway.mode(), gateway.missingRecords(),
                asked.requestedBy());
        if (!ports.replays().create(replay)) {
            Replay existing = checkpoints.require(replayId);
            if (existing.kind() != ReplayKind.PARTIAL) {
                throw new IllegalArgumentException("replay '" + replayId + "' is a " + existing.kind().wireName() + ", not a partial replay");
            }
            Checkpoints.sameGatewayPolicy(existing, r);
            // A resume without a gateway policy goes on in the replay's own (which EventBridge may not be allowed to use).
            Checkpoints.GatewayPolicy kept = new Checkpoints.GatewayPolicy(
                    Requests.text(r, "gatewayMode") == null ? existing.gatewayMode() : gateway.mode(),
                    Requests.text(r, "missingRecords") == null ? existing.missingRecords() : gateway.missingRecords());
            asked.requireAllowed(kept.mode(), eventReplaysMaySend);
            ports.replays().update(new Replay(replayId, ReplayKind.PARTIAL, null, processors, 0, 0, false, ReplayStatus.RUNNING,
                    existing.startedAt(), null, scope(scope, kept), ids.size(), 0, 0, null, kept.mode(), kept.missingRecords(),
                    existing.requestedBy() == null ? asked.requestedBy() : existing.requestedBy()));
        }
        String key = scopeKey(replayId);
        String ref = ports.reports().put(key, jsonLines(ids));
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("replayId", replayId);
        out.put("aggregatesRead", ids.size());
        out.put("scope", ref);
        // The Distributed Map's ItemReader reads Bucket and Key; a store other than S3 names no bucket.
        out.put("bucket", ref.startsWith(S3) ? ref.substring(S3.length(), ref.indexOf('/', S3.length())) : null);
        out.put("key", key);
        return out;
    }

    private static final String S3 = "s3://";

    /** The key of the list of a partial replay's aggregates: one per replay, overwritten when it is resumed. */
    static String scopeKey(String replayId) {
        return SCOPE_PREFIX + replayId + "/aggregates.jsonl";
    }

    /** One JSON string per line (JSONL), each an aggregate id. */
    static byte[] jsonLines(List<String> ids) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(ids.size() * 16 + 16);
        try {
            for (String id : ids) {
                bytes.write(EventCodec.JSON.writeValueAsBytes(id));
                bytes.write('\n');
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot encode the aggregate ids of a partial replay's scope", e);
        }
        return bytes.toByteArray();
    }

    private static ObjectNode scope(ObjectNode scope, Checkpoints.GatewayPolicy gateway) {
        ObjectNode out = scope.deepCopy();
        out.put("gatewayMode", gateway.mode());
        out.put("missingRecords", gateway.missingRecords());
        return out;
    }

    /**
     * The request's {@code knownAt}: the replay then folds only the events recorded by that instant, as a time-travel
     * query does, to reproduce a run of that time; null when absent.
     *
     * @throws IllegalArgumentException naming the field, for a malformed instant or one after {@code now}
     */
    static Instant knownAt(JsonNode request, Instant now) {
        Instant knownAt = Requests.instant(request, "knownAt");
        if (knownAt != null && knownAt.isAfter(now)) {
            throw new IllegalArgumentException("field 'knownAt' (" + knownAt + ") is in the future (now " + now
                    + "): a replay can only reproduce what was known by a past instant");
        }
        return knownAt;
    }

    ObjectNode rebuildAggregates(String replayId, List<String> chunk) {
        Replay replay = checkpoints.require(replayId);
        GatewayRun run = effectsInScope(replay);
        Instant knownAt = Requests.instant(Requests.object(replay.scope()), "knownAt");
        Folds folds = new Folds();
        for (String processor : replay.processors()) {
            ReplayProcessor p = checkpoints.processor(processor);
            GatewayReport report = new GatewayReport();
            Projector<?> projector = p.projector(run, report);
            String generation = ports.states().activeGeneration(processor, Generations.DEFAULT);
            if (knownAt != null) {
                reproduce(replayId, processor, projector, !p.hasExternalEffects(), knownAt, chunk, folds);
            } else {
                for (String aggregateId : chunk) {
                    Projector.Rebuilt result = projector.rebuild(generation, aggregateId);
                    folds.add(result.result().applied(), result.snapshot().map(Snapshot::version));
                }
            }
            report.countInto(metrics);
            // A chunk done again (a retried task) overwrites its own piece.
            if (p.hasExternalEffects()) {
                new GatewayReports(ports.reports()).put(replayId, processor, "chunk-" + chunk.get(0) + "-" + chunk.size(), report.toJson());
            }
        }
        // A chunk done again (a retried task) overwrites its own piece.
        JsonPieces.put(ports.reports(), foldsPrefix(replayId) + "chunk-" + chunk.get(0) + "-" + chunk.size() + ".json", folds.json());
        ports.replays().addCounts(replayId, chunk.size(), folds.events);
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("rebuilt", chunk.size());
        out.put("events", folds.events);
        folds.into(out);
        return out;
    }

    /**
     * The events a batch folded and where the folds started: from a snapshot (how many, and of which versions of their
     * aggregates, counted per version) or from the first event.
     */
    static final class Folds {
        long events;
        long fromSnapshots;
        long fromFirstEvent;
        final java.util.SortedMap<Long, Long> snapshotVersions = new java.util.TreeMap<>();

        void add(long folded, Optional<Long> snapshot) {
            events += folded;
            if (snapshot.isPresent()) {
                fromSnapshots++;
                snapshotVersions.merge(snapshot.get(), 1L, Long::sum);
            } else {
                fromFirstEvent++;
            }
        }

        void into(ObjectNode out) {
            out.put("fromSnapshots", fromSnapshots);
            out.put("fromFirstEvent", fromFirstEvent);
            ObjectNode versions = out.putObject("snapshotVersions");
            snapshotVersions.forEach((v, n) -> versions.put(Long.toString(v), n));
        }

        ObjectNode json() {
            ObjectNode out = EventCodec.JSON.createObjectNode();
            out.put("events", events);
            into(out);
            return out;
        }

        void add(JsonNode piece) {
            events += piece.path("events").asLong();
            fromSnapshots += piece.path("fromSnapshots").asLong();
            fromFirstEvent += piece.path("fromFirstEvent").asLong();
            piece.path("snapshotVersions").fields().forEachRemaining(f -> snapshotVersions.merge(Long.parseLong(f.getKey()), f.getValue().asLong(), Long::sum));
        }

        String summary() {
            return fromSnapshots + " folds from snapshots" + (snapshotVersions.isEmpty() ? "" : " (at versions "
                    + snapshotVersions.entrySet().stream().map(e -> e.getKey() + (e.getValue() > 1 ? " ×" + e.getValue() : ""))
                    .collect(java.util.stream.Collectors.joining(", ")) + ")")
                    + ", " + fromFirstEvent + " from the first event";
        }
    }

    /** Where a partial replay's batches put how they folded ({@link Folds}), one piece per batch. */
    static String foldsPrefix(String replayId) {
        return SCOPE_PREFIX + replayId + "/folds/";
    }

    /** The {@link Folds} of every batch of the replay, added up. */
    private Folds folds(String replayId) {
        Folds all = new Folds();
        JsonPieces.under(ports.reports(), foldsPrefix(replayId), "partial replay fold").forEach(all::add);
        return all;
    }

    /** Where a partial replay with {@code knownAt} puts the states it folded: one object per chunk and processor. */
    static String knownStatesPrefix(String replayId) {
        return "reports/known/" + replayId + "/";
    }

    /**
     * The states of {@code chunk} as known at {@code knownAt}: each aggregate folded up to the last of the versions
     * recorded by then (recordedAt ≤ knownAt, in version order: versions are contiguous, so the fold stops at the first
     * event recorded later), with the run's gateway mode applying to those events only. A processor without external
     * effects ({@code snapshots}) starts from the newest snapshot of its logic version whose events are all among those
     * ({@link Projector#at}); one with external effects folds from the first event. The live states stay as they are:
     * the folded states go to {@link #knownStatesPrefix} as {@code {"knownAt", "processor", "states": {aggregateId:
     * {"version", "state", "snapshot", "eventsFolded"}}}} ({@code snapshot}: the version of the snapshot the fold
     * started from, null for the first event), an aggregate with no event known by then with version 0 and no state
     * (nor one the processor folded nothing of). Adds the events folded to {@code folds}.
     */
    private void reproduce(String replayId, String processor, Projector<?> projector, boolean snapshots, Instant knownAt,
                           List<String> chunk, Folds folds) {
        ObjectNode piece = EventCodec.JSON.createObjectNode();
        piece.put("knownAt", knownAt.toString());
        piece.put("processor", processor);
        ObjectNode states = piece.putObject("states");
        for (String aggregateId : chunk) {
            long known = knownVersion(ports.events(), aggregateId, knownAt);
            ObjectNode entry = states.putObject(aggregateId);
            entry.put("version", known);
            if (known == 0) continue;
            Optional<Long> snapshot = Optional.empty();
            long folded = known;
            if (snapshots) {
                Optional<TimeTravel.Answer> answer = projector.at(aggregateId, knownPoint(knownAt, known));
                answer.ifPresent(a -> entry.set("state", a.state()));
                snapshot = answer.flatMap(TimeTravel.Answer::snapshot).map(Snapshot::version);
                folded = answer.map(TimeTravel.Answer::eventsFolded).orElse(0);
            } else {
                projector.stateAt("known-at:" + knownAt, aggregateId, Optional.empty(), known).ifPresent(f -> entry.set("state", f.state()));
            }
            if (snapshot.isPresent()) entry.put("snapshot", snapshot.get());
            else entry.putNull("snapshot");
            entry.put("eventsFolded", folded);
            folds.add(folded, snapshot);
        }
        JsonPieces.put(ports.reports(), knownStatesPrefix(replayId) + processor + "/chunk-" + chunk.get(0) + "-" + chunk.size() + ".json", piece);
    }

    /** The events recorded by {@code knownAt} up to {@code known}, the last version of the prefix recorded by then. */
    static PointInTime knownPoint(Instant knownAt, long known) {
        return new PointInTime(Optional.empty(), Optional.of(knownAt), java.util.OptionalLong.of(known));
    }

    /** The last version of the aggregate's stream whose events, from version 1 on, were all recorded by {@code knownAt}. */
    static long knownVersion(dev.playback.model.store.EventStore events, String aggregateId, Instant knownAt) {
        long version = 0;
        while (true) {
            List<EventEnvelope> page = events.read(aggregateId, version + 1, KNOWN_PAGE);
            for (EventEnvelope e : page) {
                if (e.recordedAt() == null || e.recordedAt().isAfter(knownAt)) return version;
                version = e.versionOrZero();
            }
            if (page.size() < KNOWN_PAGE) return version;
        }
    }

    private static final int KNOWN_PAGE = 500;

    /**
     * The replay's gateway run. With a time window, the external effects (sends, corrections) are those
     * of the events inside it; the aggregates are still rebuilt from their full streams, with the effects
     * of the other events suppressed.
     */
    private static GatewayRun effectsInScope(Replay replay) {
        GatewayRun run = Checkpoints.run(replay);
        JsonNode scope = Requests.object(replay.scope());
        Instant since = Requests.instant(scope, "since");
        Instant until = Requests.instant(scope, "until");
        if (since == null || until == null) return run;
        TimeField field = TimeField.parse(Requests.text(scope, "timeField"));
        return run.onlyEffectsOf(e -> {
            Instant t = field == TimeField.OCCURRED_AT ? e.occurredAt() : e.recordedAt();
            return t != null && !t.isBefore(since) && t.isBefore(until);
        });
    }

    ObjectNode report(String replayId) {
        Replay replay = checkpoints.require(replayId);
        ObjectNode out = EventCodec.JSON.createObjectNode();
        String gateway = checkpoints.hasExternalEffects(replay)
                ? new GatewayReports(ports.reports()).publishInto(out, replayId, replay.gatewayMode()) : "";
        Instant knownAt = Requests.instant(Requests.object(replay.scope()), "knownAt");
        Folds folds = folds(replayId);
        String summary = "partial replay " + replayId + ": " + replay.rebuilt() + " of " + replay.aggregatesRead()
                + " aggregates rebuilt from " + replay.events() + " events in " + String.join(", ", replay.processors())
                + " (" + folds.summary() + ")"
                + (knownAt == null ? "" : " as known at " + knownAt + " (live states unchanged; the states under "
                + knownStatesPrefix(replayId) + ")")
                + gateway;
        out.put("replayId", replayId);
        out.put("aggregatesRead", replay.aggregatesRead());
        out.put("rebuilt", replay.rebuilt());
        out.put("events", replay.events());
        folds.into(out);
        if (knownAt != null) {
            out.put("knownAt", knownAt.toString());
            out.put("states", knownStatesPrefix(replayId));
        }
        out.put("summary", summary);
        ports.replays().update(replay.withStatus(ReplayStatus.SUCCEEDED, summary).withResult(out));
        return out;
    }
}

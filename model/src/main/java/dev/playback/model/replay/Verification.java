package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.processor.EventNotes;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.Generations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The end of a nightly verification: compares the shadow generation (rebuilt with the current code)
 * with the live one aggregate by aggregate, writes the report, discards the shadow.
 */
final class Verification {
    static final int IDS_IN_SUMMARY = 5;
    /** At most this many aggregates per processor have their newest snapshot checked against a fold. */
    static final int SNAPSHOTS_CHECKED = 100;

    private final ReplayPorts ports;
    private final Checkpoints checkpoints;

    Verification(ReplayPorts ports, Checkpoints checkpoints) {
        this.ports = ports;
        this.checkpoints = checkpoints;
    }

    /**
     * @param snapshot  the version of the snapshot that differs from the fold ({@code live} its state), null for a state
     * @param reference for a verification with {@code knownAt}: where {@code live} (the state as known then) came from
     *                  ({@code {"snapshot", "eventsFolded"}}), null otherwise
     */
    record Drift(String aggregateId, String processor, JsonNode live, JsonNode rebuilt, long version, Long snapshot, JsonNode reference) {
        Drift(String aggregateId, String processor, JsonNode live, JsonNode rebuilt, long version) {
            this(aggregateId, processor, live, rebuilt, version, null, null);
        }

        Drift(String aggregateId, String processor, JsonNode live, JsonNode rebuilt, long version, Long snapshot) {
            this(aggregateId, processor, live, rebuilt, version, snapshot, null);
        }
    }

    /** What a verification compared: aggregates, those missing on either side, snapshots checked, and the drift found. */
    record Outcome(int compared, int missingInLive, int missingInShadow, int snapshotsChecked, List<Drift> drifts) {
    }

    ObjectNode finish(Replay replay) {
        if (KnownAtVerification.knownAt(replay) != null) {
            return report(replay, new KnownAtVerification(ports, checkpoints).outcome(replay));
        }
        int compared = 0, missingInLive = 0, missingInShadow = 0, snapshotsChecked = 0;
        List<Drift> drifts = new ArrayList<>();
        for (String processor : replay.processors()) {
            // Brings states forward for the comparison only: no query asked, no command sent or logged.
            Projector<?> projector = checkpoints.processor(processor).comparing(replay.replayId());
            String live = ports.states().activeGeneration(processor, Generations.DEFAULT);
            Map<String, ProcessorState> shadow = new TreeMap<>();
            // the processors' notes of single events (EventNotes) are compared through the states they decide, not as aggregates
            ports.states().forEach(processor, replay.generation(), s -> {
                if (!EventNotes.isNote(s.aggregateId())) shadow.put(s.aggregateId(), s);
            });
            Map<String, ProcessorState> liveOnly = new TreeMap<>();
            ports.states().forEach(processor, live, s -> {
                if (!shadow.containsKey(s.aggregateId()) && !EventNotes.isNote(s.aggregateId())) liveOnly.put(s.aggregateId(), s);
            });
            for (ProcessorState rebuilt : shadow.values()) {
                compared++;
                Optional<ProcessorState> current = ports.states().load(processor, live, rebuilt.aggregateId());
                if (current.isEmpty()) {
                    missingInLive++;
                    drifts.add(new Drift(rebuilt.aggregateId(), processor, null, rebuilt.state(), rebuilt.version()));
                    continue;
                }
                // Live traffic may have moved one side on: bring both to the same version before comparing.
                long version = Math.max(rebuilt.version(), current.get().version());
                ProcessorState a = projector.stateAt(replay.generation(), rebuilt.aggregateId(), Optional.of(rebuilt), version).orElseThrow();
                ProcessorState b = projector.stateAt(live, rebuilt.aggregateId(), current, version).orElseThrow();
                if (a.version() != b.version() || !normal(a.state()).equals(normal(b.state()))) {
                    drifts.add(new Drift(rebuilt.aggregateId(), processor, b.state(), a.state(), Math.max(a.version(), b.version())));
                }
            }
            for (ProcessorState s : liveOnly.values()) {
                compared++;
                missingInShadow++;
                drifts.add(new Drift(s.aggregateId(), processor, s.state(), null, s.version()));
            }
            // A sample of snapshots of the current logic: each against a fold of the events it holds.
            int checked = 0;
            for (String aggregateId : shadow.keySet()) {
                if (checked == SNAPSHOTS_CHECKED) break;
                Optional<Projector.SnapshotCheck> check = projector.checkSnapshot(aggregateId);
                if (check.isEmpty()) continue;
                checked++;
                var snapshot = check.get().snapshot();
                if (!normal(snapshot.state()).equals(normal(check.get().folded()))) {
                    drifts.add(new Drift(aggregateId, processor, snapshot.state(), check.get().folded(), snapshot.version(), snapshot.version()));
                }
            }
            snapshotsChecked += checked;
        }
        return report(replay, new Outcome(compared, missingInLive, missingInShadow, snapshotsChecked, drifts));
    }

    /**
     * Writes the report ({@code reports/verify/<replayId>.json}), discards the shadow generation (after the report: a
     * finish done again compares the same), and records the outcome on the replay.
     */
    private ObjectNode report(Replay replay, Outcome outcome) {
        List<Drift> drifts = outcome.drifts();
        int compared = outcome.compared();
        java.time.Instant knownAt = KnownAtVerification.knownAt(replay);
        String key = "reports/verify/" + replay.replayId() + ".json";
        ObjectNode report = EventCodec.JSON.createObjectNode();
        report.put("replayId", replay.replayId());
        report.put("generation", replay.generation());
        if (knownAt != null) report.put("knownAt", knownAt.toString());
        report.put("compared", compared);
        report.put("drifted", drifts.size());
        report.put("missingInLive", outcome.missingInLive());
        report.put("missingInShadow", outcome.missingInShadow());
        report.put("snapshotsChecked", outcome.snapshotsChecked());
        ArrayNode aggregates = report.putArray("aggregates");
        for (Drift d : drifts) {
            ObjectNode a = aggregates.addObject();
            a.put("aggregateId", d.aggregateId());
            a.put("processor", d.processor());
            if (d.snapshot() != null) a.put("snapshot", d.snapshot());
            if (d.reference() != null) a.set("reference", d.reference());
            a.set("live", d.live());
            a.set("rebuilt", d.rebuilt());
            a.putObject("events").put("from", 1).put("to", d.version());
        }
        String reportUri;
        try {
            reportUri = ports.reports().put(key, EventCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String processor : replay.processors()) {
            ports.states().stopBuilding(processor, replay.generation());
            ports.states().discard(processor, replay.generation());
        }
        boolean failed = !drifts.isEmpty() && !replay.reportOnly();
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("replayId", replay.replayId());
        out.put("kind", replay.kind().wireName());
        out.put("generation", replay.generation());
        out.put("failed", failed);
        String gateway = "";
        if (checkpoints.hasExternalEffects(replay)) {
            gateway = new GatewayReports(ports.reports()).publishInto(out, replay.replayId(), replay.gatewayMode());
        }
        out.put("summary", summary(replay.replayId(), compared, drifts, reportUri) + (knownAt == null ? "" : " (as known at " + knownAt
                + ": each aggregate folded from the events recorded by then, compared with the state from the snapshots recorded by then)")
                + gateway);
        if (knownAt != null) out.put("knownAt", knownAt.toString());
        out.put("reportUri", reportUri);
        out.put("drifted", drifts.size());
        out.put("compared", compared);
        ports.replays().update(replay.withStatus(ReplayStatus.SUCCEEDED, out.get("summary").asText()).withResult(out));
        return out;
    }

    static String summary(String replayId, int compared, List<Drift> drifts, String reportUri) {
        StringBuilder s = new StringBuilder("verify ").append(replayId).append(": ").append(drifts.size()).append(" of ")
                .append(compared).append(" aggregates drifted");
        if (!drifts.isEmpty()) {
            List<String> ids = drifts.stream().map(Drift::aggregateId).distinct().toList();
            s.append(" (").append(String.join(", ", ids.subList(0, Math.min(IDS_IN_SUMMARY, ids.size()))));
            if (ids.size() > IDS_IN_SUMMARY) s.append(", …");
            s.append(")");
        }
        return s.append("; report ").append(reportUri).toString();
    }

    /** Whether two states (either may be null: none) are the same, compared as {@link #normal} JSON. */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) return a == b;
        return normal(a).equals(normal(b));
    }

    /** States compared as JSON text read back, so that number node kinds (int/long) do not matter. */
    private static JsonNode normal(JsonNode n) {
        try {
            return EventCodec.JSON.readTree(n.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}

package dev.playback.model.replay;

import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What every replay feature shares: finding replays and their checkpoints, ids, processor names. */
final class Checkpoints {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReplayPorts ports;

    Checkpoints(ReplayPorts ports) {
        this.ports = ports;
    }

    Replay require(String replayId) {
        Replay.requireValidId(replayId);
        return ports.replays().find(replayId).orElseThrow(() -> new IllegalArgumentException("no replay '" + replayId + "' is recorded"));
    }

    /**
     * Refuses a call of an execution that no longer runs the replay (the newest execution of a replay id takes it
     * over), and any call for a replay that has ended. {@code execution} null: not named (no check).
     */
    void requireRunBy(Replay replay, String execution) {
        if (replay.status().ended() && replay.kind() != dev.playback.model.replay.ReplayKind.PARTIAL) {
            throw new IllegalStateException("replay '" + replay.replayId() + "' has ended " + replay.status() + " (" + replay.detail()
                    + "); its generation " + replay.generation() + " was dropped");
        }
        // a replay that succeeded answers any execution (a repeated start answers what it did)
        if (execution == null || replay.status() != dev.playback.model.replay.ReplayStatus.RUNNING) return;
        String runner = ports.replays().execution(replay.replayId()).orElse(null);
        if (runner != null && !runner.equals(execution)) {
            throw new IllegalStateException("replay '" + replay.replayId() + "' is run by execution " + runner
                    + " (started later with the same replayId); execution " + execution + " stops here");
        }
    }

    /** A given id (validated) or a new one: {@code r-<yyyyMMdd-HHmmss>-<6 hex>}. */
    String idOrNew(String given) {
        if (given != null) return Replay.requireValidId(given);
        return "r-" + ID_TIME.format(ports.clock().instant()) + "-" + String.format("%06x", RANDOM.nextInt(1 << 24));
    }

    List<String> allProcessors() {
        return ports.processors().stream().map(ReplayProcessor::name).toList();
    }

    /** The requested processors (all when null), each checked to exist. */
    List<String> processors(List<String> requested) {
        List<String> all = allProcessors();
        if (requested == null) return all;
        if (requested.isEmpty()) throw new IllegalArgumentException("field 'processors' is empty; leave it out to replay all of " + all);
        for (String p : requested) {
            if (!all.contains(p)) throw new IllegalArgumentException("unknown processor '" + p + "' in field 'processors'; known: " + all);
        }
        return List.copyOf(requested);
    }

    ReplayProcessor processor(String processor) {
        return ports.processors().stream().filter(p -> p.name().equals(processor)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown processor '" + processor + "'"));
    }

    /** Whether any of the replay's processors reaches external systems. */
    boolean hasExternalEffects(Replay replay) {
        return replay.processors().stream().anyMatch(p -> processor(p).hasExternalEffects());
    }

    /** The replay's gateway run: its mode and missing-record policy. */
    static GatewayRun run(Replay replay) {
        return GatewayRun.replay(replay.replayId(), GatewayMode.parse(replay.gatewayMode()), MissingRecord.parse(replay.missingRecords()));
    }

    /**
     * The request's {@code gatewayMode} and {@code missingRecords} in their canonical form (defaults
     * suppress and fail); errors name the field.
     */
    /** A replay's gateway policy in canonical form: {@code suppress|diff|allow:..} and {@code fail|live}. */
    record GatewayPolicy(String mode, String missingRecords) {
    }

    static GatewayPolicy gatewayPolicy(com.fasterxml.jackson.databind.JsonNode request) {
        String mode = Requests.text(request, "gatewayMode");
        String missing = Requests.text(request, "missingRecords");
        try {
            if (mode != null && mode.trim().equals("live")) {
                throw new IllegalArgumentException("live is not a replay mode; expected suppress, diff or allow:<gateway>[,<gateway>]");
            }
            mode = GatewayMode.format(GatewayMode.parse(mode));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'gatewayMode': " + e.getMessage());
        }
        try {
            missing = MissingRecord.format(MissingRecord.parse(missing));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field 'missingRecords': " + e.getMessage());
        }
        return new GatewayPolicy(mode, missing);
    }

    /**
     * Refuses {@code predict} outside a verification: its generation is a shadow that is compared and dropped, never
     * one that becomes active without the effects it predicted.
     */
    static void refusePredict(GatewayPolicy gateway) {
        if (GatewayMode.parse(gateway.mode()) instanceof GatewayMode.Predict) {
            throw new IllegalArgumentException("field 'gatewayMode': predict is for verifications (playback what-if) only; "
                    + "a rebuild or partial replay takes suppress, diff or allow:<gateway>[,<gateway>]");
        }
    }

    /** Refuses to resume a replay with another gateway policy than it was started with. */
    static void sameGatewayPolicy(Replay existing, com.fasterxml.jackson.databind.JsonNode request) {
        GatewayPolicy asked = gatewayPolicy(request);
        if (Requests.text(request, "gatewayMode") != null && !asked.mode().equals(existing.gatewayMode())) {
            throw new IllegalArgumentException("replay '" + existing.replayId() + "' was started with gatewayMode " + existing.gatewayMode()
                    + "; resume it with the same mode (or none), not " + asked.mode());
        }
        if (Requests.text(request, "missingRecords") != null && !asked.missingRecords().equals(existing.missingRecords())) {
            throw new IllegalArgumentException("replay '" + existing.replayId() + "' was started with missingRecords " + existing.missingRecords()
                    + "; resume it with the same policy (or none), not " + asked.missingRecords());
        }
    }

    List<SegmentCheckpoint> segments(Replay replay) {
        List<SegmentCheckpoint> out = new ArrayList<>();
        for (int s = 0; s < replay.segments(); s++) {
            out.add(ports.replays().checkpoint(replay.replayId(), s).orElse(SegmentCheckpoint.start(replay.replayId(), s)));
        }
        return out;
    }

    /** Per shard, the highest sequence number any segment published. */
    static Map<String, String> publishedShards(List<SegmentCheckpoint> segments) {
        Map<String, String> out = new TreeMap<>();
        for (SegmentCheckpoint c : segments) c.shards().forEach((shard, seq) -> out.merge(shard, seq, SequenceNumbers::max));
        return out;
    }
}

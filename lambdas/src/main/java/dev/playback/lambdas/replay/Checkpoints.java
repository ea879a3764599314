package dev.playback.lambdas.replay;

import dev.playback.model.processor.Projector;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.SegmentCheckpoint;
import dev.playback.model.replay.SequenceNumbers;

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

    /** A given id (validated) or a new one: {@code r-<yyyyMMdd-HHmmss>-<6 hex>}. */
    String idOrNew(String given) {
        if (given != null) return Replay.requireValidId(given);
        return "r-" + ID_TIME.format(ports.clock().instant()) + "-" + String.format("%06x", RANDOM.nextInt(1 << 24));
    }

    List<String> allProcessors() {
        return ports.projectors().stream().map(p -> p.processor().name()).toList();
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

    Projector<?> projector(String processor) {
        return ports.projectors().stream().filter(p -> p.processor().name().equals(processor)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown processor '" + processor + "'"));
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

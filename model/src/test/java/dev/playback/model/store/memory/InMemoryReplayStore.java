package dev.playback.model.store.memory;

import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.SegmentCheckpoint;
import dev.playback.model.replay.SequenceNumbers;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Replay records, checkpoints and applied marks in memory, with the DynamoDB adapter's semantics. Thread-safe. */
public final class InMemoryReplayStore implements ReplayStore {
    private final Map<String, Replay> replays = new HashMap<>();
    private final Map<String, SegmentCheckpoint> checkpoints = new HashMap<>();
    private final Map<String, String> applied = new HashMap<>();
    private final Map<String, Long> appliedEvents = new HashMap<>();
    private final Map<String, String> byGeneration = new HashMap<>();
    private final Map<String, String> executions = new HashMap<>();
    private final Map<String, AppliedShard> shards = new HashMap<>();
    private final Map<String, String> byExecution = new HashMap<>();

    @Override
    public synchronized Optional<Replay> find(String replayId) {
        return Optional.ofNullable(replays.get(replayId));
    }

    @Override
    public synchronized boolean create(Replay replay) {
        if (replay.generation() != null) {
            String builder = byGeneration.putIfAbsent(replay.generation(), replay.replayId());
            if (builder != null && !builder.equals(replay.replayId())) {
                throw new IllegalStateException("generation " + replay.generation() + " belongs to replay '" + builder
                        + "'; start replay '" + replay.replayId() + "' again for a new one");
            }
        }
        return replays.putIfAbsent(replay.replayId(), replay) == null;
    }

    @Override
    public synchronized Optional<Replay> building(String generation) {
        String id = byGeneration.get(generation);
        return id == null ? Optional.empty() : find(id);
    }

    @Override
    public synchronized void update(Replay replay) {
        Replay stored = replays.get(replay.replayId());
        if (stored == null) {
            replays.put(replay.replayId(), replay);
            return;
        }
        replays.put(replay.replayId(), new Replay(replay.replayId(), replay.kind(), replay.generation(), replay.processors(),
                replay.segments(), replay.batchSize(), replay.reportOnly(), replay.status(), replay.startedAt(), replay.detail(),
                replay.scope(), replay.aggregatesRead(), stored.rebuilt(), stored.events(), replay.result(), replay.gatewayMode(),
                replay.missingRecords(), replay.requestedBy()));
    }

    @Override
    public synchronized void addCounts(String replayId, long rebuilt, long events) {
        Replay r = replays.get(replayId);
        if (r == null) throw new IllegalArgumentException("no replay " + replayId);
        replays.put(replayId, new Replay(r.replayId(), r.kind(), r.generation(), r.processors(), r.segments(), r.batchSize(),
                r.reportOnly(), r.status(), r.startedAt(), r.detail(), r.scope(), r.aggregatesRead(), r.rebuilt() + rebuilt,
                r.events() + events, r.result(), r.gatewayMode(), r.missingRecords(), r.requestedBy()));
    }

    @Override
    public synchronized Optional<SegmentCheckpoint> checkpoint(String replayId, int segment) {
        return Optional.ofNullable(checkpoints.get(replayId + "#" + segment));
    }

    @Override
    public synchronized void saveCheckpoint(SegmentCheckpoint c) {
        checkpoints.put(c.replayId() + "#" + c.segment(), c);
    }

    @Override
    public synchronized void markApplied(String replayId, String processor, String shardId, String sequenceNumber, long events) {
        String key = replayId + "#" + processor + "#" + shardId;
        String mark = applied.merge(key, sequenceNumber, SequenceNumbers::max);
        AppliedShard shard = shards.get(key);
        if (shard != null) shards.put(key, new AppliedShard(mark, shard.events(), shard.failed(), shard.attempts()));
        appliedEvents.merge(replayId + "#" + processor, events, Long::sum);
    }

    @Override
    public synchronized Map<String, String> applied(String replayId, String processor, Collection<String> shardIds) {
        Map<String, String> out = new TreeMap<>();
        for (String shard : shardIds) {
            String seq = applied.get(replayId + "#" + processor + "#" + shard);
            if (seq != null) out.put(shard, seq);
        }
        return out;
    }

    @Override
    public synchronized long appliedEvents(String replayId, String processor) {
        return appliedEvents.getOrDefault(replayId + "#" + processor, 0L);
    }

    @Override
    public synchronized void runBy(String replayId, String executionArn) {
        byExecution.put(executionArn, replayId);
        executions.put(replayId, executionArn);
    }

    @Override
    public synchronized Optional<String> execution(String replayId) {
        return Optional.ofNullable(executions.get(replayId));
    }

    @Override
    public synchronized Optional<String> replayOfExecution(String executionArn) {
        return Optional.ofNullable(byExecution.get(executionArn));
    }

    @Override
    public synchronized AppliedShard recordApplied(String replayId, String processor, String shardId, String upTo, java.util.List<ProcessedRecord> records) {
        String key = replayId + "#" + processor + "#" + shardId;
        AppliedShard stored = shards.getOrDefault(key, new AppliedShard(applied.get(key), 0, Map.of(), Map.of()));
        long all = 0;
        for (ProcessedRecord r : records) {
            if (r.failure() == null && upTo != null && SequenceNumbers.compare(r.sequenceNumber(), upTo) <= 0) all += r.events();
        }
        AppliedShard after = stored.after(upTo, records);
        String next = after.sequenceNumber();
        shards.put(key, after);
        if (next != null) applied.put(key, next);
        appliedEvents.merge(replayId + "#" + processor, all, Long::sum);
        return after;
    }

    @Override
    public synchronized Map<String, AppliedShard> appliedShards(String replayId, String processor, Collection<String> shardIds) {
        Map<String, AppliedShard> out = new TreeMap<>();
        for (String shard : shardIds) {
            String key = replayId + "#" + processor + "#" + shard;
            AppliedShard a = shards.get(key);
            if (a == null && applied.containsKey(key)) a = new AppliedShard(applied.get(key), 0, Map.of(), Map.of());
            if (a != null) out.put(shard, a);
        }
        return out;
    }
}

package dev.playback.model.replay;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ReplayStore} that passes every call to another; tests override the calls they inject faults into.
 * {@link #advanceCheckpoint} keeps the port's default, so it goes through the (overridable) {@link #checkpoint}
 * and {@link #saveCheckpoint} of this store.
 */
public class ForwardingReplayStore implements ReplayStore {
    protected final ReplayStore delegate;

    public ForwardingReplayStore(ReplayStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Replay> find(String replayId) {
        return delegate.find(replayId);
    }

    @Override
    public boolean create(Replay replay) {
        return delegate.create(replay);
    }

    @Override
    public Optional<Replay> building(String generation) {
        return delegate.building(generation);
    }

    @Override
    public void update(Replay replay) {
        delegate.update(replay);
    }

    @Override
    public void addCounts(String replayId, long rebuilt, long events) {
        delegate.addCounts(replayId, rebuilt, events);
    }

    @Override
    public Optional<SegmentCheckpoint> checkpoint(String replayId, int segment) {
        return delegate.checkpoint(replayId, segment);
    }

    @Override
    public void saveCheckpoint(SegmentCheckpoint checkpoint) {
        delegate.saveCheckpoint(checkpoint);
    }

    @Override
    public void markApplied(String replayId, String processor, String shardId, String sequenceNumber, long events) {
        delegate.markApplied(replayId, processor, shardId, sequenceNumber, events);
    }

    @Override
    public Map<String, String> applied(String replayId, String processor, Collection<String> shardIds) {
        return delegate.applied(replayId, processor, shardIds);
    }

    @Override
    public AppliedShard recordApplied(String replayId, String processor, String shardId, String upTo, List<ProcessedRecord> records) {
        return delegate.recordApplied(replayId, processor, shardId, upTo, records);
    }

    @Override
    public Map<String, AppliedShard> appliedShards(String replayId, String processor, Collection<String> shardIds) {
        return delegate.appliedShards(replayId, processor, shardIds);
    }

    @Override
    public long appliedEvents(String replayId, String processor) {
        return delegate.appliedEvents(replayId, processor);
    }

    @Override
    public void runBy(String replayId, String executionArn) {
        delegate.runBy(replayId, executionArn);
    }

    @Override
    public Optional<String> execution(String replayId) {
        return delegate.execution(replayId);
    }

    @Override
    public Optional<String> replayOfExecution(String executionArn) {
        return delegate.replayOfExecution(executionArn);
    }
}

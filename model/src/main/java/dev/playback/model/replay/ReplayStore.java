package dev.playback.model.replay;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Port: replay records, segment checkpoints and what the projection applied, kept in the data store. */
public interface ReplayStore {
    Optional<Replay> find(String replayId);

    /**
     * Records a new replay; false when one with that id exists already (nothing written then). A replay
     * with a generation is also findable by it ({@link #building}).
     */
    boolean create(Replay replay);

    /** The replay that builds {@code generation} (a rebuild's {@code g<N>}, a verification's shadow), if any. */
    default Optional<Replay> building(String generation) {
        return Optional.empty();
    }

    /** Replaces the recorded replay (its counters are kept as stored). */
    void update(Replay replay);

    /** Adds to a partial replay's counters. */
    void addCounts(String replayId, long rebuilt, long events);

    Optional<SegmentCheckpoint> checkpoint(String replayId, int segment);

    void saveCheckpoint(SegmentCheckpoint checkpoint);

    /**
     * Saves {@code next} if the stored checkpoint is still {@code previous} (same batch count and owner; none
     * stored when {@code previous} counts none and has no owner); false when another publisher of the segment
     * moved or claimed it meanwhile.
     */
    default boolean advanceCheckpoint(SegmentCheckpoint previous, SegmentCheckpoint next) {
        Optional<SegmentCheckpoint> stored = checkpoint(next.replayId(), next.segment());
        long batches = stored.map(SegmentCheckpoint::batches).orElse(0L);
        String owner = stored.map(SegmentCheckpoint::owner).orElse(null);
        if (batches != previous.batches() || !java.util.Objects.equals(owner, previous.owner())) return false;
        saveCheckpoint(next);
        return true;
    }

    /**
     * Records that {@code processor} processed the playback stream of {@code shardId} up to
     * {@code sequenceNumber} for the replay, unless a higher one is recorded. Adds {@code events} to the
     * processor's applied counter of the replay (for display).
     */
    void markApplied(String replayId, String processor, String shardId, String sequenceNumber, long events);

    /** The highest sequence number {@code processor} processed per shard, for the given shards that have one. */
    Map<String, String> applied(String replayId, String processor, Collection<String> shardIds);

    /**
     * One playback record a processor processed in a batch: its sequence number, what it carried (aggregate,
     * versions, number of events) and why it failed ({@code failure} null: applied).
     */
    record ProcessedRecord(String sequenceNumber, String aggregateId, long firstVersion, long lastVersion, int events, String failure) {
        public String describe() {
            return "aggregate " + aggregateId + " versions " + firstVersion + ".." + lastVersion + (failure == null ? "" : ": " + failure);
        }
    }

    /**
     * What a processor did with one shard's records of a replay in a batch, in one conditional write: the mark moves up
     * to {@code upTo} (the highest sequence number processed below the first record to retry; null: none), the events
     * of applied records between the old mark and the new one are counted (once each, however often a record is
     * redelivered), a failed record is remembered until it applies. A remembered failure the mark has passed, or one
     * that failed more than {@link AppliedShard#RETRIES} times, is a record the processor gave up on: the replay must
     * not switch. Returns the shard's record after this write.
     */
    AppliedShard recordApplied(String replayId, String processor, String shardId, String upTo, java.util.List<ProcessedRecord> records);

    /**
     * Per shard: the mark, the events counted below it, and the records that failed and have not applied since (by
     * sequence number: what failed, and how often).
     */
    record AppliedShard(String sequenceNumber, long events, Map<String, String> failed, Map<String, Integer> attempts) {
        /**
         * How often a failed playback record is retried before its processor gives up on it (passes over it, so
         * that the shard moves on): its replay then fails naming it. The event source mappings themselves retry
         * without a budget, so nothing else is ever skipped.
         */
        public static final int RETRIES = 10;

        /** A shard nothing was recorded for yet. */
        public static final AppliedShard NONE = new AppliedShard(null, 0, Map.of(), Map.of());

        public AppliedShard {
            failed = Map.copyOf(failed);
            attempts = Map.copyOf(attempts);
        }

        /** Whether the record at {@code sequenceNumber} failed more than {@link #RETRIES} times, so its processor gives up on it. */
        public boolean givenUp(String sequenceNumber) {
            return attempts.getOrDefault(sequenceNumber, 0) > RETRIES;
        }

        /**
         * Whether the failed record at {@code sequenceNumber} will never apply: the mark passed it (it was skipped),
         * or its processor gave up on it.
         */
        public boolean skipped(String sequenceNumber) {
            return givenUp(sequenceNumber) || this.sequenceNumber != null && SequenceNumbers.compare(sequenceNumber, this.sequenceNumber) <= 0;
        }

        /**
         * This shard's record after a batch ({@link #recordApplied}): a failed record is remembered with one attempt
         * more; an applied one is forgotten as failed, and its events count when it lies above the old mark and at or
         * below {@code upTo} (so a redelivered record counts once); the mark moves up to {@code upTo}.
         */
        public AppliedShard after(String upTo, java.util.List<ProcessedRecord> records) {
            long counted = events;
            Map<String, String> stillFailed = new java.util.TreeMap<>(failed);
            Map<String, Integer> tries = new java.util.TreeMap<>(attempts);
            for (ProcessedRecord r : records) {
                if (r.failure() != null) {
                    stillFailed.put(r.sequenceNumber(), r.describe());
                    tries.merge(r.sequenceNumber(), 1, Integer::sum);
                    continue;
                }
                stillFailed.remove(r.sequenceNumber());
                tries.remove(r.sequenceNumber());
                boolean marked = upTo != null && SequenceNumbers.compare(r.sequenceNumber(), upTo) <= 0;
                if (marked && (sequenceNumber == null || SequenceNumbers.compare(r.sequenceNumber(), sequenceNumber) > 0)) {
                    counted += r.events();
                }
            }
            String next = upTo == null ? sequenceNumber : sequenceNumber == null ? upTo : SequenceNumbers.max(sequenceNumber, upTo);
            return new AppliedShard(next, counted, stillFailed, tries);
        }
    }

    /** {@link #recordApplied}'s record of each given shard that has one. */
    Map<String, AppliedShard> appliedShards(String replayId, String processor, Collection<String> shardIds);

    /** The applied counter of a processor (for display; may count redelivered records twice). */
    long appliedEvents(String replayId, String processor);

    /**
     * Records {@code executionArn} (a Step Functions execution) as the one that runs the replay now; the replay is
     * also findable by it ({@link #replayOfExecution}). The newest execution of a replay id takes it over: calls of
     * an older one are refused from then on.
     */
    void runBy(String replayId, String executionArn);

    /** The execution that runs the replay now, if one was recorded. */
    Optional<String> execution(String replayId);

    /** The replay an execution ran (or runs), if it recorded one. */
    Optional<String> replayOfExecution(String executionArn);
}

package dev.playback.model.replay;

import dev.playback.model.replay.ReplayStore.AppliedShard;
import dev.playback.model.replay.ReplayStore.ProcessedRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link ReplayStore}: replay records, segment checkpoints, what processors applied per shard, and
 * which execution runs a replay. Extend it once per implementation and supply a fresh, empty store from
 * {@link #newReplayStore}. This class ships in model's test-jar, so an adapter module runs it as is:
 * <pre>{@code
 * class DynamoReplayStoreIT extends ReplayStoreContract {
 *     protected ReplayStore newReplayStore() {
 *         return new DynamoReplayStore(dynamo, freshDataTable());
 *     }
 * }
 * }</pre>
 * Sequence numbers are Kinesis's: decimal strings compared as numbers, of any length.
 */
public abstract class ReplayStoreContract {
    private static final Instant STARTED = Instant.parse("2026-01-01T00:00:00.123456789Z");
    private static final String SHARD_0 = "shardId-000000000000";
    private static final String SHARD_1 = "shardId-000000000001";
    /** Kinesis sequence numbers of 56 digits, and one of 57 digits that is higher than all of them. */
    private static final String SEQ_1 = "49650000000000000000000000000000000000000000000000000001";
    private static final String SEQ_2 = "49650000000000000000000000000000000000000000000000000002";
    private static final String SEQ_3 = "49650000000000000000000000000000000000000000000000000003";
    private static final String SEQ_4 = "49650000000000000000000000000000000000000000000000000004";
    private static final String SEQ_LONGER = "100000000000000000000000000000000000000000000000000000000";

    protected ReplayStore store;

    /** A fresh store with no replay, no checkpoint, no applied mark and no execution. */
    protected abstract ReplayStore newReplayStore();

    @BeforeEach
    void createStore() {
        store = newReplayStore();
    }

    private static Replay rebuild(String replayId, String generation) {
        return new Replay(replayId, ReplayKind.REBUILD, generation, List.of("totals", "notifier"), 4, 500, false,
                ReplayStatus.RUNNING, STARTED, null, null, 0, 0, 0, null, "diff", "live",
                json("{\"via\":\"execution\",\"executionName\":\"" + replayId + "\",\"claimed\":\"cli:ada@desk\"}"));
    }

    private static Replay partial(String replayId) {
        return new Replay(replayId, ReplayKind.PARTIAL, null, List.of("totals"), 1, 100, false, ReplayStatus.RUNNING,
                STARTED, null, json("{\"aggregates\":[\"acc-1\",\"acc-2\"],\"since\":\"2026-01-01T00:00:00Z\"}"), 2, 0, 0, null,
                null, null, null);
    }

    private static ProcessedRecord applied(String seq, String aggregateId, long first, long last) {
        return new ProcessedRecord(seq, aggregateId, first, last, (int) (last - first + 1), null);
    }

    private static ProcessedRecord failed(String seq, String aggregateId, long first, long last, String why) {
        return new ProcessedRecord(seq, aggregateId, first, last, (int) (last - first + 1), why);
    }

    // --- replay records ---

    @Test
    void findsNoReplayThatWasNeverCreated() {
        assertEquals(Optional.empty(), store.find("r-unknown"));
        assertEquals(Optional.empty(), store.building("g9"));
    }

    @Test
    void findsAReplayAsItWasCreated() {
        Replay rebuild = rebuild("r-1", "g1");
        Replay partial = partial("p-1");

        assertTrue(store.create(rebuild));
        assertTrue(store.create(partial));

        assertEquals(rebuild, store.find("r-1").orElseThrow());
        assertEquals(partial, store.find("p-1").orElseThrow());
        assertEquals("suppress", store.find("p-1").orElseThrow().gatewayMode(), "a replay without a gateway mode suppresses");
        assertEquals("fail", store.find("p-1").orElseThrow().missingRecords());
        assertNull(store.find("p-1").orElseThrow().requestedBy());
    }

    @Test
    void createsAReplayIdOnlyOnce_andKeepsTheFirst() {
        Replay first = rebuild("r-1", "g1");
        store.create(first);

        assertFalse(store.create(first), "the same replay again");
        assertFalse(store.create(first.withStatus(ReplayStatus.FAILED, "other")), "another replay with the same id");

        assertEquals(first, store.find("r-1").orElseThrow());
    }

    @Test
    void findsAReplayByTheGenerationItBuilds() {
        store.create(rebuild("r-1", "g1"));
        store.create(rebuild("v-1", "shadow-v-1"));
        store.create(partial("p-1"));

        assertEquals("r-1", store.building("g1").orElseThrow().replayId());
        assertEquals("v-1", store.building("shadow-v-1").orElseThrow().replayId());
        assertEquals(Optional.empty(), store.building("g2"));
    }

    @Test
    void refusesASecondReplayForAGenerationThatAnotherReplayBuilds_namingBoth() {
        store.create(rebuild("r-1", "g1"));

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> store.create(rebuild("r-2", "g1")));

        assertTrue(refused.getMessage().contains("g1") && refused.getMessage().contains("r-1") && refused.getMessage().contains("r-2"),
                refused.getMessage());
        assertEquals(Optional.empty(), store.find("r-2"));
        assertEquals("r-1", store.building("g1").orElseThrow().replayId());
    }

    @Test
    void replacesTheRecordedReplayOnUpdate_butKeepsItsCountersAsStored() {
        Replay created = partial("p-1");
        store.create(created);
        store.addCounts("p-1", 2, 10);
        Replay changed = new Replay("p-1", ReplayKind.PARTIAL, null, List.of("totals"), 1, 100, false, ReplayStatus.FAILED,
                STARTED, "boom", created.scope(), 7, 99, 999, json("{\"a\":1}"), null, null,
                json("{\"via\":\"eventbridge\",\"id\":\"ev-1\"}"));

        store.update(changed);

        Replay stored = store.find("p-1").orElseThrow();
        assertEquals(new Replay("p-1", ReplayKind.PARTIAL, null, List.of("totals"), 1, 100, false, ReplayStatus.FAILED,
                STARTED, "boom", json("{\"aggregates\":[\"acc-1\",\"acc-2\"],\"since\":\"2026-01-01T00:00:00Z\"}"), 7, 2, 10,
                json("{\"a\":1}"), null, null, json("{\"via\":\"eventbridge\",\"id\":\"ev-1\"}")), stored);
    }

    @Test
    void forgetsWhatAnUpdateNoLongerHas() {
        Replay created = rebuild("r-1", "g1").withStatus(ReplayStatus.FAILED, "boom").withResult(json("{\"a\":1}"));
        store.create(created);

        store.update(rebuild("r-1", "g1"));

        Replay stored = store.find("r-1").orElseThrow();
        assertNull(stored.detail());
        assertNull(stored.result());
        assertEquals(ReplayStatus.RUNNING, stored.status());
        assertEquals(json("{\"via\":\"execution\",\"executionName\":\"r-1\",\"claimed\":\"cli:ada@desk\"}"), stored.requestedBy(),
                "an update keeps who requested the replay");
    }

    @Test
    void addsToAPartialReplaysCounters() {
        store.create(partial("p-1"));

        store.addCounts("p-1", 2, 10);
        store.addCounts("p-1", 1, 4);
        store.addCounts("p-1", 0, 0);

        Replay stored = store.find("p-1").orElseThrow();
        assertEquals(3, stored.rebuilt());
        assertEquals(14, stored.events());
    }

    @Test
    void refusesToCountForAReplayThatWasNeverCreated() {
        assertThrows(RuntimeException.class, () -> store.addCounts("p-unknown", 1, 1));
        assertEquals(Optional.empty(), store.find("p-unknown"), "counting created no replay");
    }

    // --- segment checkpoints ---

    @Test
    void keepsTheLatestCheckpointOfEachSegment() {
        SegmentCheckpoint first = SegmentCheckpoint.start("r-1", 3).next("{\"aggregateId\":\"a\",\"version\":2}", 5, Map.of(SHARD_1, SEQ_1));
        SegmentCheckpoint second = first.next(null, 2, Map.of(SHARD_0, SEQ_2));
        SegmentCheckpoint other = SegmentCheckpoint.start("r-2", 3).next("{\"aggregateId\":\"b\",\"version\":1}", 1, Map.of());

        store.saveCheckpoint(first);
        store.saveCheckpoint(other);
        store.saveCheckpoint(second);

        assertEquals(new SegmentCheckpoint("r-1", 3, null, 7, 2, true, Map.of(SHARD_0, SEQ_2, SHARD_1, SEQ_1), null),
                store.checkpoint("r-1", 3).orElseThrow());
        assertEquals(other, store.checkpoint("r-2", 3).orElseThrow());
        assertEquals(Optional.empty(), store.checkpoint("r-1", 2));
    }

    @Test
    void advancesACheckpointOnlyFromWhatIsStored() {
        SegmentCheckpoint start = SegmentCheckpoint.start("r-2", 0);
        SegmentCheckpoint mine = start.withOwner("exec-1");
        assertTrue(store.advanceCheckpoint(start, mine), "the first execution claims the segment");
        SegmentCheckpoint next = mine.next("{\"k\":1}", 10, Map.of());
        assertTrue(store.advanceCheckpoint(mine, next));
        assertEquals("exec-1", store.checkpoint("r-2", 0).orElseThrow().owner());

        SegmentCheckpoint theirs = next.withOwner("exec-2");
        assertTrue(store.advanceCheckpoint(next, theirs), "a resumed execution claims it");
        assertFalse(store.advanceCheckpoint(next, next.next("{\"k\":2}", 10, Map.of())),
                "the stopped execution's publisher, still running, cannot advance it any more");
        assertFalse(store.advanceCheckpoint(start, start.withOwner("exec-3")), "a stale claim fails");

        assertEquals(new SegmentCheckpoint("r-2", 0, "{\"k\":1}", 10, 1, false, Map.of(), "exec-2"), store.checkpoint("r-2", 0).orElseThrow());
    }

    @Test
    void advancesACheckpointThatNobodyOwnsOnlyWhileItsBatchCountIsUnchanged() {
        SegmentCheckpoint start = SegmentCheckpoint.start("r-3", 1);
        SegmentCheckpoint one = start.next("{\"k\":1}", 3, Map.of(SHARD_0, SEQ_1));
        assertTrue(store.advanceCheckpoint(start, one));

        assertFalse(store.advanceCheckpoint(start, start.next("{\"k\":9}", 9, Map.of())), "another publisher moved it meanwhile");

        assertEquals(one, store.checkpoint("r-3", 1).orElseThrow());
    }

    // --- applied marks (markApplied / applied) ---

    @Test
    void keepsTheHighestMarkPerProcessorAndShard_andAddsTheAppliedEvents() {
        store.markApplied("r-1", "totals", SHARD_1, SEQ_3, 3);
        store.markApplied("r-1", "totals", SHARD_1, SEQ_2, 1);
        store.markApplied("r-1", "totals", SHARD_0, SEQ_1, 2);

        assertEquals(Map.of(SHARD_0, SEQ_1, SHARD_1, SEQ_3), store.applied("r-1", "totals", List.of(SHARD_0, SHARD_1, "shardId-000000000002")));
        assertEquals(6, store.appliedEvents("r-1", "totals"));
        assertEquals(Map.of(), store.applied("r-1", "notifier", List.of(SHARD_1)), "each processor has its own marks");
        assertEquals(0, store.appliedEvents("r-1", "notifier"));
        assertEquals(Map.of(), store.applied("r-2", "totals", List.of(SHARD_1)), "each replay has its own marks");
    }

    @Test
    void comparesSequenceNumbersAsNumbers() {
        store.markApplied("r-1", "totals", SHARD_0, SEQ_LONGER, 1);
        store.markApplied("r-1", "totals", SHARD_0, SEQ_4, 1);

        assertEquals(Map.of(SHARD_0, SEQ_LONGER), store.applied("r-1", "totals", List.of(SHARD_0)));
    }

    // --- what a processor did per shard (recordApplied / appliedShards) ---

    @Test
    void knowsNothingAppliedInAShardNoBatchWasRecordedFor() {
        assertEquals(Map.of(), store.appliedShards("r-1", "totals", List.of(SHARD_0)));
    }

    @Test
    void countsTheEventsOfAppliedRecordsUpToTheMark_andReturnsTheShardsRecord() {
        AppliedShard returned = store.recordApplied("r-1", "totals", SHARD_0, SEQ_2,
                List.of(applied(SEQ_1, "acc-1", 1, 4), applied(SEQ_2, "acc-2", 1, 3)));

        AppliedShard expected = new AppliedShard(SEQ_2, 7, Map.of(), Map.of());
        assertEquals(expected, returned);
        assertEquals(Map.of(SHARD_0, expected), store.appliedShards("r-1", "totals", List.of(SHARD_0, SHARD_1)));
        assertEquals(Map.of(SHARD_0, SEQ_2), store.applied("r-1", "totals", List.of(SHARD_0)));
        assertEquals(7, store.appliedEvents("r-1", "totals"));
        assertEquals(Map.of(), store.appliedShards("r-1", "notifier", List.of(SHARD_0)), "each processor has its own record");
    }

    @Test
    void countsARedeliveredRecordOnce() {
        List<ProcessedRecord> batch = List.of(applied(SEQ_1, "acc-1", 1, 4), applied(SEQ_2, "acc-2", 1, 3));
        store.recordApplied("r-1", "totals", SHARD_0, SEQ_2, batch);

        AppliedShard again = store.recordApplied("r-1", "totals", SHARD_0, SEQ_2, batch);

        assertEquals(new AppliedShard(SEQ_2, 7, Map.of(), Map.of()), again);
        assertEquals(Map.of(SHARD_0, again), store.appliedShards("r-1", "totals", List.of(SHARD_0)));
    }

    @Test
    void countsTheRecordsAfterAFailedOneOnlyWhenTheMarkPassesThem() {
        List<ProcessedRecord> batch = List.of(applied(SEQ_1, "acc-1", 1, 2), failed(SEQ_2, "acc-2", 4, 6, "boom"),
                applied(SEQ_3, "acc-3", 1, 1));

        AppliedShard first = store.recordApplied("r-1", "totals", SHARD_0, SEQ_1, batch);

        assertEquals(new AppliedShard(SEQ_1, 2, Map.of(SEQ_2, "aggregate acc-2 versions 4..6: boom"), Map.of(SEQ_2, 1)), first);

        AppliedShard redelivered = store.recordApplied("r-1", "totals", SHARD_0, SEQ_3,
                List.of(applied(SEQ_2, "acc-2", 4, 6), applied(SEQ_3, "acc-3", 1, 1)));

        assertEquals(new AppliedShard(SEQ_3, 6, Map.of(), Map.of()), redelivered);
        assertEquals(Map.of(SHARD_0, redelivered), store.appliedShards("r-1", "totals", List.of(SHARD_0)));
    }

    @Test
    void remembersAFailedRecordWithItsAttemptsUntilItApplies() {
        store.recordApplied("r-1", "totals", SHARD_0, null, List.of(failed(SEQ_1, "acc-1", 1, 3, "boom")));
        AppliedShard second = store.recordApplied("r-1", "totals", SHARD_0, null, List.of(failed(SEQ_1, "acc-1", 1, 3, "boom again")));

        AppliedShard expected = new AppliedShard(null, 0, Map.of(SEQ_1, "aggregate acc-1 versions 1..3: boom again"), Map.of(SEQ_1, 2));
        assertEquals(expected, second);
        assertEquals(Map.of(SHARD_0, expected), store.appliedShards("r-1", "totals", List.of(SHARD_0)),
                "a shard with failures and no mark yet has a record");
        assertEquals(Map.of(), store.applied("r-1", "totals", List.of(SHARD_0)), "but no mark");

        AppliedShard applied = store.recordApplied("r-1", "totals", SHARD_0, SEQ_1, List.of(applied(SEQ_1, "acc-1", 1, 3)));

        assertEquals(new AppliedShard(SEQ_1, 3, Map.of(), Map.of()), applied);
    }

    @Test
    void countsEveryFailureOfARecordSoThatItsProcessorGivesUpOnIt() {
        AppliedShard last = AppliedShard.NONE;
        for (int i = 0; i < 11; i++) {
            last = store.recordApplied("r-1", "totals", SHARD_0, null, List.of(failed(SEQ_1, "acc-1", 1, 1, "boom")));
        }

        assertEquals(Map.of(SEQ_1, 11), last.attempts());
        assertTrue(last.givenUp(SEQ_1));
        assertEquals(Map.of(SEQ_1, 11), store.appliedShards("r-1", "totals", List.of(SHARD_0)).get(SHARD_0).attempts());
    }

    @Test
    void keepsAFailedRecordTheMarkPassed_asSkipped() {
        store.recordApplied("r-1", "totals", SHARD_0, null, List.of(failed(SEQ_2, "acc-2", 1, 1, "boom")));

        AppliedShard after = store.recordApplied("r-1", "totals", SHARD_0, SEQ_3, List.of(applied(SEQ_3, "acc-3", 1, 2)));

        assertEquals(new AppliedShard(SEQ_3, 2, Map.of(SEQ_2, "aggregate acc-2 versions 1..1: boom"), Map.of(SEQ_2, 1)), after);
        assertTrue(after.skipped(SEQ_2));
    }

    @Test
    void neverMovesTheMarkDown() {
        store.recordApplied("r-1", "totals", SHARD_0, SEQ_3, List.of(applied(SEQ_3, "acc-3", 1, 2)));

        AppliedShard after = store.recordApplied("r-1", "totals", SHARD_0, SEQ_1, List.of(applied(SEQ_1, "acc-1", 1, 5)));

        assertEquals(new AppliedShard(SEQ_3, 2, Map.of(), Map.of()), after, "a record below the mark counts nothing");
        assertEquals(Map.of(SHARD_0, SEQ_3), store.applied("r-1", "totals", List.of(SHARD_0)));
    }

    @Test
    void comparesTheMarkAsANumber() {
        store.recordApplied("r-1", "totals", SHARD_0, SEQ_LONGER, List.of(applied(SEQ_LONGER, "acc-1", 1, 1)));

        AppliedShard after = store.recordApplied("r-1", "totals", SHARD_0, SEQ_4, List.of(applied(SEQ_4, "acc-2", 1, 1)));

        assertEquals(SEQ_LONGER, after.sequenceNumber());
        assertEquals(1, after.events());
    }

    @Test
    void recordsEachShardOnItsOwn() {
        store.recordApplied("r-1", "totals", SHARD_0, SEQ_1, List.of(applied(SEQ_1, "acc-1", 1, 2)));
        store.recordApplied("r-1", "totals", SHARD_1, SEQ_4, List.of(applied(SEQ_4, "acc-2", 1, 3)));

        assertEquals(Map.of(SHARD_0, new AppliedShard(SEQ_1, 2, Map.of(), Map.of()), SHARD_1, new AppliedShard(SEQ_4, 3, Map.of(), Map.of())),
                store.appliedShards("r-1", "totals", List.of(SHARD_0, SHARD_1)));
        assertEquals(5, store.appliedEvents("r-1", "totals"));
    }

    @Test
    void continuesFromAMarkSetWithMarkApplied_andShowsAMarkSetAfterwards() {
        store.markApplied("r-1", "totals", SHARD_0, SEQ_1, 2);

        AppliedShard after = store.recordApplied("r-1", "totals", SHARD_0, SEQ_2, List.of(applied(SEQ_1, "acc-1", 1, 2), applied(SEQ_2, "acc-2", 1, 3)));

        assertEquals(new AppliedShard(SEQ_2, 3, Map.of(), Map.of()), after, "only the record above the mark counts");

        store.markApplied("r-1", "totals", SHARD_0, SEQ_4, 0);

        assertEquals(SEQ_4, store.appliedShards("r-1", "totals", List.of(SHARD_0)).get(SHARD_0).sequenceNumber());
        assertEquals(Map.of(SHARD_0, SEQ_4), store.applied("r-1", "totals", List.of(SHARD_0)));
    }

    // --- executions ---

    @Test
    void knowsNoExecutionOfAReplayNoneRan() {
        assertEquals(Optional.empty(), store.execution("r-1"));
        assertEquals(Optional.empty(), store.replayOfExecution("arn:aws:states:us-east-1:123456789012:execution:Rebuild:r-1"));
    }

    @Test
    void letsTheNewestExecutionOfAReplayTakeItOver_andFindsTheReplayOfEachExecution() {
        String first = "arn:aws:states:us-east-1:123456789012:execution:Rebuild:r-1";
        String second = "arn:aws:states:us-east-1:123456789012:execution:Rebuild:r-1-resumed";
        String other = "arn:aws:states:us-east-1:123456789012:execution:Rebuild:r-2";

        store.runBy("r-1", first);
        store.runBy("r-2", other);
        store.runBy("r-1", second);

        assertEquals(Optional.of(second), store.execution("r-1"));
        assertEquals(Optional.of(other), store.execution("r-2"));
        assertEquals(Optional.of("r-1"), store.replayOfExecution(first), "an older execution is still known to have run it");
        assertEquals(Optional.of("r-1"), store.replayOfExecution(second));
        assertEquals(Optional.of("r-2"), store.replayOfExecution(other));
    }
}

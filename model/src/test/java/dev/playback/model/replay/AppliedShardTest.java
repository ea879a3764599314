package dev.playback.model.replay;

import dev.playback.model.replay.ReplayStore.AppliedShard;
import dev.playback.model.replay.ReplayStore.ProcessedRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a processor's record of one shard of a replay becomes after a batch: the counts a rebuild switches on. */
class AppliedShardTest {
    private static ProcessedRecord applied(String seq, int events) {
        return new ProcessedRecord(seq, "acc-" + seq, 1, events, events, null);
    }

    private static ProcessedRecord failed(String seq, String why) {
        return new ProcessedRecord(seq, "acc-" + seq, 1, 3, 3, why);
    }

    @Test
    void countsTheEventsOfAppliedRecordsUpToTheMark_andMovesTheMark() {
        AppliedShard after = AppliedShard.NONE.after("30", List.of(applied("10", 4), applied("20", 5), applied("30", 6)));

        assertEquals(new AppliedShard("30", 15, Map.of(), Map.of()), after);
    }

    @Test
    void aRedeliveredBatchCountsItsEventsOnce() {
        List<ProcessedRecord> batch = List.of(applied("10", 4), applied("20", 5));
        AppliedShard once = AppliedShard.NONE.after("20", batch);

        AppliedShard twice = once.after("20", batch);

        assertEquals(9, twice.events());
        assertEquals("20", twice.sequenceNumber());
    }

    @Test
    void aFailedRecordIsRememberedWithItsAttempts_andForgottenOnceItApplies() {
        AppliedShard first = AppliedShard.NONE.after("10", List.of(applied("10", 2), failed("20", "boom")));
        AppliedShard second = first.after("10", List.of(failed("20", "boom again")));

        assertEquals(Map.of("20", "aggregate acc-20 versions 1..3: boom again"), second.failed());
        assertEquals(Map.of("20", 2), second.attempts());
        assertEquals(2, second.events(), "the failed record's events are not counted");

        AppliedShard third = second.after("20", List.of(applied("20", 3)));

        assertEquals(new AppliedShard("20", 5, Map.of(), Map.of()), third);
    }

    @Test
    void recordsAboveTheMarkAreNotCountedYet_andTheMarkNeverMovesBack() {
        AppliedShard at30 = AppliedShard.NONE.after("30", List.of(applied("30", 1)));

        AppliedShard after = at30.after("20", List.of(applied("20", 7), applied("40", 9)));

        assertEquals("30", after.sequenceNumber());
        assertEquals(1, after.events(), "20 lies below the old mark (counted before or skipped), 40 above the new one");
    }
}

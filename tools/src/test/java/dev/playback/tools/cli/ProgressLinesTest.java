package dev.playback.tools.cli;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What {@code playback status} and {@code --watch} print: only figures that are known, from the first sample on. */
class ProgressLinesTest {
    private static final ReplayProgress NOT_RECORDED = new ReplayProgress("r-1", false, null, null, null, List.of(), 0, 0, null, null,
            0, 0, 0, 0, List.of(), Map.of());

    /** A rebuild's record as the replay function writes it before its first batch: segments known, no generation yet. */
    private static final ReplayProgress PREPARED_WITHOUT_GENERATION = new ReplayProgress("r-1", true, "rebuild", "RUNNING", null,
            List.of("balances"), 2, 500, "2026-12-01T03:00:00Z", null, 0, 0, 0, 0,
            List.of(new ReplayProgress.Segment(0, 0, 0, false, false), new ReplayProgress.Segment(1, 0, 0, false, false)), Map.of());

    private static final ReplayProgress PUBLISHING = new ReplayProgress("r-1", true, "rebuild", "RUNNING", "g-7",
            List.of("balances", "payouts"), 2, 500, "2026-12-01T03:00:00Z", null, 1500, 3, 1, 1000,
            List.of(new ReplayProgress.Segment(0, 1000, 2, true, true), new ReplayProgress.Segment(1, 500, 1, false, true)), Map.of());

    @Test
    void the_watch_line_of_a_replay_not_recorded_yet_says_starting_without_figures() {
        assertEquals("replay r-1 starting, 1 s  ", ProgressLines.watch(NOT_RECORDED, 2000, null, 1.2));
    }

    @Test
    void the_watch_line_at_the_first_sample_shows_no_rate() {
        ProgressLines.Sample first = new ProgressLines.Sample(1_000_000_000L, 1500, 1000);
        Double rate = ProgressLines.rate(first, first);
        assertNull(rate);
        assertEquals("[###############---------------]  50% RUNNING published 1,500, applied 1,000 of 2,000, — events/s, segments 1/2 done, 3 s  ",
                ProgressLines.watch(PUBLISHING, 2000, rate, 3.4));
    }

    @Test
    void the_rate_needs_two_samples_more_than_half_a_second_apart_and_something_published() {
        assertNull(ProgressLines.rate(new ProgressLines.Sample(0, 100, 0), new ProgressLines.Sample(400_000_000L, 200, 0)));
        assertNull(ProgressLines.rate(new ProgressLines.Sample(0, 0, 0), new ProgressLines.Sample(2_000_000_000L, 0, 0)));
        // 1,000 applied in 2 s
        assertEquals(500.0, ProgressLines.rate(new ProgressLines.Sample(0, 1000, 0), new ProgressLines.Sample(2_000_000_000L, 1500, 1000)));
        // nothing applied yet: 600 published in 2 s
        assertEquals(300.0, ProgressLines.rate(new ProgressLines.Sample(0, 0, 0), new ProgressLines.Sample(2_000_000_000L, 600, 0)));
    }

    @Test
    void the_watch_line_with_a_rate_and_a_total_shows_the_eta() {
        // 1,000 of 2,000 left at 500 events/s: 2 s
        assertEquals("[###############---------------]  50% RUNNING published 1,500, applied 1,000 of 2,000, 500 events/s, ETA 0:02, "
                + "segments 1/2 done, 9 s  ", ProgressLines.watch(PUBLISHING, 2000, 500.0, 9.0));
    }

    @Test
    void the_status_of_a_fresh_rebuild_says_starting_until_its_segments_are_recorded() {
        ReplayProgress fresh = new ReplayProgress("r-1", true, "rebuild", "RUNNING", null, List.of(), 0, 0, null, null, 0, 0, 0, 0,
                List.of(), Map.of());
        assertEquals("replay r-1: rebuild, status RUNNING", ProgressLines.headline(fresh));
        assertEquals("starting: the segments are not recorded yet", ProgressLines.counts(fresh));
    }

    @Test
    void the_status_headline_leaves_out_what_the_record_does_not_hold_yet() {
        assertEquals("replay r-1: rebuild, status RUNNING, processors balances, started 2026-12-01T03:00:00Z",
                ProgressLines.headline(PREPARED_WITHOUT_GENERATION));
        assertEquals("published 0 in 0 batches, applied 0; segments done 0 of 2 (batch size 500)", ProgressLines.counts(PREPARED_WITHOUT_GENERATION));
        assertEquals("replay r-1: rebuild, status RUNNING, generation g-7, processors balances, payouts, started 2026-12-01T03:00:00Z",
                ProgressLines.headline(PUBLISHING));
    }

    @Test
    void a_record_with_no_fields_yet_is_said_so() {
        ReplayProgress bare = new ReplayProgress("r-2", true, null, null, null, List.of(), 0, 0, null, null, 0, 0, 0, 0, List.of(), Map.of());
        assertEquals("replay r-2: recorded, no details yet", ProgressLines.headline(bare));
    }

    @Test
    void a_partial_replay_shows_its_aggregates_and_events_not_segments() {
        Map<String, AttributeValue> record = Map.of("aggregatesRead", AttributeValue.fromN("12"), "rebuilt", AttributeValue.fromN("5"),
                "events", AttributeValue.fromN("1234"));
        ReplayProgress partial = new ReplayProgress("p-1", true, "partial", "RUNNING", null, List.of("balances"), 0, 0,
                "2026-12-01T03:00:00Z", null, 0, 0, 0, 0, List.of(), record);
        assertEquals("replay p-1: partial, status RUNNING, processors balances, started 2026-12-01T03:00:00Z", ProgressLines.headline(partial));
        assertEquals("aggregates read 12, rebuilt 5, events 1,234", ProgressLines.counts(partial));
    }
}

package dev.playback.model.playback;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.store.memory.InMemoryReplayStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.playback.model.event.Envelopes.added;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class PlaybackMarksTest {
    private final InMemoryReplayStore replays = new InMemoryReplayStore();

    /** A record of replay {@code r1} for {@code processors}: versions {@code from..to} of {@code aggregateId}. */
    private static PlaybackRecord record(String aggregateId, long from, long to, String... processors) {
        List<EventEnvelope> events = new java.util.ArrayList<>();
        for (long v = from; v <= to; v++) events.add(added(aggregateId + "-" + v, aggregateId, "1").withVersion(v));
        return new PlaybackRecord("r1", "g1", List.of(processors), events);
    }

    private ReplayStore.AppliedShard shard(String processor, String shardId) {
        return replays.appliedShards("r1", processor, List.of(shardId)).get(shardId);
    }

    @Test
    void marksTheHighestRecordBelowTheFirstFailureAndCountsTheEventsOfThoseApplied() {
        List<PlaybackMarks.Processed> batch = List.of(
                new PlaybackMarks.Processed("s1", "10", record("a", 1, 2, "p")),
                new PlaybackMarks.Processed("s1", "20", record("b", 3, 5, "p")),
                new PlaybackMarks.Processed("s1", "30", record("c", 7, 7, "p")));
        Set<String> givenUp = PlaybackMarks.mark(replays, List.of("p"), batch, Set.of("20"));
        assertEquals(Set.of(), givenUp);
        ReplayStore.AppliedShard s1 = shard("p", "s1");
        assertEquals("10", s1.sequenceNumber());
        assertEquals(2, s1.events());
        assertEquals(Map.of("20", "aggregate b versions 3..5: could not be applied by p"), s1.failed());
        assertEquals(Map.of("20", 1), s1.attempts());
        assertEquals(2, replays.appliedEvents("r1", "p"));
    }

    @Test
    void marksEveryRecordWhenNoneFailed() {
        List<PlaybackMarks.Processed> batch = List.of(
                new PlaybackMarks.Processed("s1", "9", record("a", 1, 1, "p")),
                new PlaybackMarks.Processed("s1", "100", record("a", 2, 4, "p")));
        PlaybackMarks.mark(replays, List.of("p"), batch, Set.of());
        assertEquals("100", shard("p", "s1").sequenceNumber());
        assertEquals(4, shard("p", "s1").events());
        assertEquals(Map.of(), shard("p", "s1").failed());
    }

    @Test
    void aFailureInOneShardHoldsBackOnlyThatShard() {
        List<PlaybackMarks.Processed> batch = List.of(
                new PlaybackMarks.Processed("s1", "5", record("a", 1, 1, "p")),
                new PlaybackMarks.Processed("s2", "6", record("b", 1, 1, "p")),
                new PlaybackMarks.Processed("s2", "8", record("c", 1, 1, "p")));
        PlaybackMarks.mark(replays, List.of("p"), batch, Set.of("5"), Map.of("5", "boom"));
        assertEquals(null, shard("p", "s1").sequenceNumber());
        assertEquals(Map.of("5", "aggregate a versions 1..1: boom"), shard("p", "s1").failed());
        assertEquals("8", shard("p", "s2").sequenceNumber());
        assertEquals(2, shard("p", "s2").events());
    }

    @Test
    void theLowestFailureOfAShardIsTheLimitWhateverTheOrderOfTheBatch() {
        List<PlaybackMarks.Processed> batch = List.of(
                new PlaybackMarks.Processed("s1", "40", record("d", 1, 1, "p")),
                new PlaybackMarks.Processed("s1", "30", record("c", 1, 1, "p")),
                new PlaybackMarks.Processed("s1", "10", record("a", 1, 1, "p")),
                new PlaybackMarks.Processed("s1", "20", record("b", 1, 1, "p")));
        PlaybackMarks.mark(replays, List.of("p"), batch, Set.of("40", "20"));
        assertEquals("10", shard("p", "s1").sequenceNumber());
        assertEquals(1, shard("p", "s1").events());
        assertEquals(Set.of("20", "40"), shard("p", "s1").failed().keySet());
    }

    @Test
    void aRecordCountsOnlyForTheProcessorsItNames() {
        List<PlaybackMarks.Processed> batch = List.of(
                new PlaybackMarks.Processed("s1", "1", record("a", 1, 2, "p")),
                new PlaybackMarks.Processed("s1", "2", record("b", 1, 3, "p", "q")));
        PlaybackMarks.mark(replays, List.of("p", "q", "other"), batch, Set.of());
        assertEquals(5, shard("p", "s1").events());
        assertEquals("2", shard("q", "s1").sequenceNumber());
        assertEquals(3, shard("q", "s1").events());
        assertFalse(replays.appliedShards("r1", "other", List.of("s1")).containsKey("s1"));
        PlaybackMarks.mark(replays, List.of("p"), List.of(new PlaybackMarks.Processed("s1", "3", record("c", 1, 1, "q"))), Set.of());
        assertEquals("2", shard("p", "s1").sequenceNumber(), "a record of q moves nothing of p");
    }

    @Test
    void aRecordThatFailedMoreThanTheRetriesIsGivenUp() {
        List<PlaybackMarks.Processed> batch = List.of(new PlaybackMarks.Processed("s1", "7", record("a", 1, 1, "p")));
        for (int attempt = 1; attempt <= ReplayStore.AppliedShard.RETRIES; attempt++) {
            assertEquals(Set.of(), PlaybackMarks.mark(replays, List.of("p"), batch, Set.of("7")), "attempt " + attempt);
        }
        assertEquals(Set.of("7"), PlaybackMarks.mark(replays, List.of("p"), batch, Set.of("7")));
        assertEquals(11, shard("p", "s1").attempts().get("7"));
    }
}

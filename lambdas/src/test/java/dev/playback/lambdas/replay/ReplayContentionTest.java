package dev.playback.lambdas.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.model.replay.ForwardingReplayStore;
import dev.playback.model.replay.SegmentCheckpoint;
import dev.playback.model.store.ForwardingStateStore;
import dev.playback.model.store.Generations;
import dev.playback.model.store.memory.InMemoryPlaybackStream;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.LedgerEnvelopes.withdrawn;
import static dev.playback.lambdas.replay.ReplayWorld.input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay's checkpoints and generation switch when another publisher or another switch gets there first. */
class ReplayContentionTest {
    private static void ledger(ReplayWorld world) {
        world.live(opened("a1", "acc-1"), deposited("a2", "acc-1", "10.00"), withdrawn("a3", "acc-1", "2.50"));
        world.live(opened("b1", "acc-2"), deposited("b2", "acc-2", "1.00"));
        world.live(opened("c1", "acc-3"), withdrawn("c2", "acc-3", "9.00"));
    }

    private static int eventsOn(List<InMemoryPlaybackStream.Entry> entries) {
        return entries.stream().mapToInt(e -> e.record().events().size()).sum();
    }

    @Test
    void aPublisherWhoseCheckpointWasMovedByAnotherLeavesTheSegmentToItAfterTheOneBatchInHand() {
        // Another execution's publisher takes the segment over right after this one published its first batch.
        AtomicBoolean armed = new AtomicBoolean(true);
        ReplayWorld world = new ReplayWorld(replays -> new ForwardingReplayStore(replays) {
            @Override
            public boolean advanceCheckpoint(SegmentCheckpoint previous, SegmentCheckpoint next) {
                if (next.batches() == 1 && armed.compareAndSet(true, false)) saveCheckpoint(next.withOwner("arn:exec:other"));
                return super.advanceCheckpoint(previous, next);
            }
        }, UnaryOperator.identity(), Duration.ofMinutes(10));
        ledger(world);
        world.prepare("rebuild", input("replayId", "r-1", "segments", 1, "batchSize", 2));

        JsonNode published = world.call(input("action", "publish", "replayId", "r-1", "segment", 0, "round", 0, "maxRounds", 642,
                "owner", "arn:exec:mine"));

        assertFalse(armed.get(), "the checkpoint was contested");
        assertEquals(2, eventsOn(world.stream.drain()), "the one batch of 2 events in hand, and no other");
        assertFalse(published.get("done").asBoolean());
        assertEquals(2, published.get("published").asLong(), "what the checkpoint that won says");
        assertEquals("arn:exec:other", world.replays.checkpoint("r-1", 0).orElseThrow().owner());
    }

    @Test
    void aPublisherWithoutContentionPublishesTheWholeSegmentInOneCallWithinItsBudget() {
        ReplayWorld world = new ReplayWorld(UnaryOperator.identity(), UnaryOperator.identity(), Duration.ofMinutes(10));
        ledger(world);
        world.prepare("rebuild", input("replayId", "r-1", "segments", 1, "batchSize", 2));

        JsonNode published = world.call(input("action", "publish", "replayId", "r-1", "segment", 0, "round", 0, "maxRounds", 642,
                "owner", "arn:exec:mine"));

        assertTrue(published.get("done").asBoolean());
        assertEquals(7, published.get("published").asLong());
        assertEquals(7, eventsOn(world.stream.drain()));
    }

    @Test
    void aSwitchThatLosesTheRaceToActivateReadsTheGenerationsAgainAndKeepsTheOneThatWonAsPrevious() {
        AtomicBoolean armed = new AtomicBoolean(true);
        ReplayWorld world = new ReplayWorld(UnaryOperator.identity(), states -> new ForwardingStateStore(states) {
            @Override
            public boolean activate(String processor, String expectedActive, String generation) {
                // a rollback to another generation lands between this switch's read and its conditional write
                if (armed.compareAndSet(true, false)) assertTrue(next.activate(processor, expectedActive, "g7"));
                return next.activate(processor, expectedActive, generation);
            }
        }, Duration.ZERO);
        ledger(world);

        JsonNode finished = world.run("rebuild", input("replayId", "r-1", "segments", 1));

        assertFalse(armed.get(), "the switch lost once");
        assertEquals("g1", finished.get("generation").asText());
        assertEquals("g7", finished.get("previous").asText(), "the generation active when the switch succeeded");
        assertEquals(new Generations("g1", "g7", Set.of()), world.states.generations(BalancesProjection.NAME));
        assertEquals("7.50", world.balance("g1", "acc-1"));
    }

    @Test
    void aSwitchWhoseActiveGenerationKeepsChangingFailsAfterFiveTriesNamingTheProcessor() {
        AtomicInteger tries = new AtomicInteger();
        ReplayWorld world = new ReplayWorld(UnaryOperator.identity(), states -> new ForwardingStateStore(states) {
            @Override
            public boolean activate(String processor, String expectedActive, String generation) {
                int n = tries.incrementAndGet();
                assertTrue(next.activate(processor, expectedActive, "g" + (100 + n)));
                return next.activate(processor, expectedActive, generation);
            }
        }, Duration.ZERO);
        ledger(world);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> world.run("rebuild", input("replayId", "r-1", "segments", 1)));

        assertEquals("the active generation of balances kept changing; g1 was not activated", e.getMessage());
        assertEquals(5, tries.get());
        assertEquals("g105", world.states.generations(BalancesProjection.NAME).active(), "g1 never became active");
    }
}

package dev.playback.model.processor;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The per-event notes: kept beside the states, in memory, or over stored ones for a comparison. */
class EventNotesTest {
    private final CountingStates states = new CountingStates(new InMemoryStateStore());

    @Test
    void shouldKeepEveryDistinctReversalOnce_whenANoteIsReversedAgain() {
        EventNotes.Note n = EventNotes.Note.empty("a", 1)
                .reversedBy(new EventNotes.Reversal("r-1", 3))
                .reversedBy(new EventNotes.Reversal("r-2", 5))
                .reversedBy(new EventNotes.Reversal("r-1", 3));

        assertEquals(List.of(new EventNotes.Reversal("r-1", 3), new EventNotes.Reversal("r-2", 5)), n.reversals());
    }

    @Test
    void shouldWriteNothing_whenAStoredNoteIsUnchanged() {
        EventNotes notes = EventNotes.in(states, "sum", "g1");
        notes.update("agg-1", "a", 1, n -> n);
        assertEquals(1, states.saves, "a first note is written, even empty");

        notes.update("agg-1", "a", 1, n -> n);

        assertEquals(1, states.saves);
        assertEquals(Optional.of(EventNotes.Note.empty("a", 1)), notes.find("agg-1", "a"));
    }

    @Test
    void shouldTryAgainAndThenGiveUp_whenAnotherWriterKeepsMovingTheNote() {
        EventNotes notes = EventNotes.in(states, "sum", "g1");
        states.refusals = 9;
        notes.update("agg-1", "a", 1, n -> n.withNote(TextNode.valueOf("declined")));
        assertEquals(TextNode.valueOf("declined"), notes.find("agg-1", "a").orElseThrow().note());

        states.saves = 0;
        states.refusals = 10;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> notes.update("agg-1", "b", 2, n -> n.withNote(TextNode.valueOf("x"))));
        assertEquals(10, states.saves);
        assertEquals("note of event b of agg-1 in sum/g1 kept changing under concurrent writers; gave up after 10 attempts", e.getMessage());
    }

    @Test
    void shouldReadTheStoredNotesAndKeepItsOwnInMemory_whenOverlaid() {
        EventNotes base = EventNotes.in(states, "sum", "g1");
        base.update("agg-1", "a", 1, n -> n.withNote(TextNode.valueOf("stored")));
        EventNotes overlay = EventNotes.overlay(base);

        overlay.update("agg-1", "a", 1, n -> n.reversedBy(new EventNotes.Reversal("r-1", 3)));
        overlay.update("agg-1", "b", 2, n -> n.withNote(TextNode.valueOf("new")));

        assertEquals(new EventNotes.Note("a", 1, TextNode.valueOf("stored"), List.of(new EventNotes.Reversal("r-1", 3))),
                overlay.find("agg-1", "a").orElseThrow());
        assertEquals(TextNode.valueOf("new"), overlay.find("agg-1", "b").orElseThrow().note());
        assertEquals(new EventNotes.Note("a", 1, TextNode.valueOf("stored"), List.of()), base.find("agg-1", "a").orElseThrow());
        assertEquals(Optional.empty(), base.find("agg-1", "b"));
    }
}

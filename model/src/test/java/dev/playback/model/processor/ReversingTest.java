package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reversals decided by the toolkit from the reversed event for any processor that takes them so: which reversals are
 * in effect (a reversal of a reversal puts the target back, a second reversal of a reversed event is refused), which
 * targets are refused, and where the per-event notes live.
 */
class ReversingTest {
    /** The sum of {@code Added} amounts; {@code Reversed} undoes an earlier event (a reversal of a reversal redoes). */
    record Sum(long total, long reversals, List<String> refusals) {
    }

    static final Processor<Sum> SUM = new Processor<>() {
        @Override
        public String name() {
            return "sum";
        }

        @Override
        public Sum initial(String aggregateId) {
            return new Sum(0, 0, List.of());
        }

        @Override
        public Sum apply(Sum s, EventEnvelope e) {
            return new Sum(s.total() + e.payload().path("amount").asLong(), s.reversals(), s.refusals());
        }

        @Override
        public Optional<String> reverses(EventEnvelope e) {
            return e.type().equals("Reversed") ? Optional.of(e.payload().path("reverses").asText()) : Optional.empty();
        }

        @Override
        public boolean reversalsFromEvents() {
            return true;
        }

        @Override
        public ReversalOutcome<Sum> applyReversal(Sum s, EventEnvelope reversal, ReversedEvent target) {
            return ReversalOutcome.applied(new Sum(s.total() - effect(target), s.reversals() + 1, s.refusals()));
        }

        private long effect(ReversedEvent t) {
            return t.reverses().map(inner -> -effect(inner)).orElse(t.event().payload().path("amount").asLong());
        }

        @Override
        public Sum applyUnresolvable(Sum s, EventEnvelope reversal, String reason) {
            List<String> refusals = new ArrayList<>(s.refusals());
            refusals.add(reason);
            return new Sum(s.total(), s.reversals(), refusals);
        }

        @Override
        public JsonNode encode(Sum s) {
            return JsonNodeFactory.instance.objectNode().put("total", s.total());
        }

        @Override
        public Sum decode(JsonNode json) {
            return new Sum(json.path("total").asLong(), 0, List.of());
        }
    };

    private static EventEnvelope added(String id, long amount) {
        return event(id, "agg-1", "Added", json("{\"amount\":" + amount + "}"));
    }

    private static EventEnvelope reversed(String id, String target) {
        return event(id, "agg-1", "Reversed", json("{\"reverses\":\"" + target + "\"}"));
    }

    private static Sum fold(EventEnvelope... events) {
        List<EventEnvelope> versioned = new ArrayList<>();
        for (EventEnvelope e : events) versioned.add(e.withVersion(versioned.size() + 1));
        return Reversing.fold(SUM, "agg-1", versioned);
    }

    @Test
    void aReversalTakesItsTargetOut_aSecondIsRefused_reversingTheReversalPutsItBack_andItCanBeReversedAgain() {
        Sum s = fold(added("a", 100), added("b", 5), reversed("r-1", "a"), reversed("r-2", "a"), reversed("r-3", "r-1"),
                reversed("r-4", "a"));
        assertEquals(List.of("event a is already reversed by r-1"), s.refusals());
        assertEquals(5, s.total(), "105, a out (5), a back (105), a out again (5)");
        assertEquals(3, s.reversals());
    }

    @Test
    void aReversalOfAReversalThatWasReversedIsRefused_andReversingTheRestoringOneTakesTheTargetOutAgain() {
        Sum s = fold(added("a", 100), reversed("r-1", "a"), reversed("r-2", "r-1"), reversed("r-3", "r-1"), reversed("r-4", "r-2"));
        assertEquals(List.of("event r-1 is already reversed by r-2"), s.refusals());
        assertEquals(0, s.total());
    }

    @Test
    void anUnknownEventAnotherAggregatesALaterOneAndTheReversalItselfAreRefused() {
        EventEnvelope elsewhere = event("x", "agg-2", "Added", json("{\"amount\":7}")).withVersion(1);
        List<EventEnvelope> events = List.of(added("a", 1).withVersion(1), reversed("r-1", "nope").withVersion(2),
                reversed("r-2", "x").withVersion(3), reversed("r-3", "later").withVersion(4), reversed("r-4", "r-4").withVersion(5),
                added("later", 2).withVersion(6));
        Reversing<Sum> reversing = new Reversing<>(SUM, id -> id.equals("x") ? Optional.of(elsewhere)
                : events.stream().filter(e -> e.eventId().equals(id)).findFirst(), EventNotes.inMemory(), 0);
        Sum s = SUM.initial("agg-1");
        for (EventEnvelope e : events) s = reversing.apply(s, e);
        assertEquals(4, s.refusals().size(), s.refusals().toString());
        assertTrue(s.refusals().get(0).contains("event nope has no recorded effect on agg-1"), s.refusals().get(0));
        assertTrue(s.refusals().get(1).contains("event x has no recorded effect on agg-1"), s.refusals().get(1));
        assertTrue(s.refusals().get(2).contains("event later has no recorded effect on agg-1"), s.refusals().get(2));
        assertEquals("event r-4 cannot reverse itself", s.refusals().get(3));
        assertEquals(3, s.total());
    }

    @Test
    void notesAreItemsOfTheirProcessorAndGenerationBesideTheStates_goneWithTheGeneration() {
        InMemoryStateStore states = new InMemoryStateStore();
        EventNotes notes = EventNotes.in(states, "sum", "g1");
        notes.update("agg-1", "a", 1, n -> n.withNote(json("{\"declined\":true}")));
        notes.update("agg-1", "a", 1, n -> n.reversedBy(new EventNotes.Reversal("r-1", 3)));
        notes.update("agg-1", "a", 1, n -> n.reversedBy(new EventNotes.Reversal("r-1", 3)));

        EventNotes.Note a = notes.find("agg-1", "a").orElseThrow();
        assertEquals(json("{\"declined\":true}"), a.note());
        assertEquals(List.of(new EventNotes.Reversal("r-1", 3)), a.reversals(), "added once");
        ProcessorState item = states.load("sum", "g1", "agg-1#a").orElseThrow();
        assertEquals(1, item.version());
        assertTrue(EventNotes.isNote(item.aggregateId()));
        assertFalse(EventNotes.isNote("agg-1"));
        assertEquals(Optional.empty(), EventNotes.in(states, "sum", "g2").find("agg-1", "a"), "another generation has its own");

        states.discard("sum", "g1");
        assertEquals(Optional.empty(), notes.find("agg-1", "a"));
    }

    @Test
    void aProjectorWithoutAStateStoreFindsTargetsAmongTheEventsItReadAsTheConsoleStepsThroughAHistory() {
        List<EventEnvelope> events = List.of(added("a", 100).withVersion(1), added("b", 5).withVersion(2),
                reversed("r-1", "a").withVersion(3), reversed("r-2", "a").withVersion(4));
        dev.playback.model.store.EventStore loaded = new dev.playback.model.store.EventStore() {
            @Override
            public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
                return events.subList((int) Math.min(events.size(), fromVersion - 1), (int) Math.min(events.size(), fromVersion - 1 + limit));
            }

            @Override
            public java.util.Map<String, dev.playback.model.store.EventStatus> statuses(java.util.Collection<String> eventIds) {
                return java.util.Map.of();
            }
        };
        dev.playback.model.event.EventCatalog catalog = new dev.playback.model.event.EventCatalog(List.of(type("Added"), type("Reversed")));
        Projector<Sum> projector = new Projector<>(SUM, loaded, null, catalog);
        List<Long> totals = new ArrayList<>();
        Optional<ProcessorState> state = Optional.empty();
        for (EventEnvelope e : events) {
            state = projector.stateAt("computed", "agg-1", state, e.versionOrZero());
            totals.add(state.orElseThrow().state().path("total").asLong());
        }
        assertEquals(List.of(100L, 105L, 5L, 5L), totals, "a out at r-1; r-2 refused");
    }

    /** A reversing over {@code events} (looked up by id) with the notes in memory, of which those up to {@code known} are not at hand. */
    private static Reversing<Sum> reversing(List<EventEnvelope> events, EventNotes notes, long known) {
        return new Reversing<>(SUM, id -> events.stream().filter(e -> e.eventId().equals(id)).findFirst(), notes, known);
    }

    @Test
    void shouldNotDecide_whenTheTargetsNoteIsAtOrBelowTheVersionsNotAtHand() {
        List<EventEnvelope> events = List.of(added("a", 100).withVersion(1), added("b", 5).withVersion(2),
                reversed("r-1", "b").withVersion(3), reversed("r-2", "a").withVersion(4));
        Reversing<Sum> r = reversing(events, EventNotes.inMemory(), 2);
        Sum s = new Sum(105, 0, List.of());

        assertThrows(CannotInvert.class, () -> r.apply(s, events.get(2)));
        assertThrows(CannotInvert.class, () -> r.apply(s, events.get(3)));
        assertEquals(100, reversing(events, EventNotes.inMemory(), 1).apply(s, events.get(2)).total(), "b's note is at hand above 1");
    }

    @Test
    void shouldApplyAReversalAgain_whenItsOwnEarlierApplicationIsAlreadyInTheTargetsNote() {
        // a retry: the note of a records r-1 (version 3), the state saved before r-1 did not
        List<EventEnvelope> events = List.of(added("a", 100).withVersion(1), added("b", 5).withVersion(2), reversed("r-1", "a").withVersion(3));
        EventNotes notes = EventNotes.inMemory();
        notes.update("agg-1", "a", 1, n -> n.reversedBy(new EventNotes.Reversal("r-1", 3)));

        Sum s = reversing(events, notes, 0).apply(new Sum(105, 0, List.of()), events.get(2));

        assertEquals(new Sum(5, 1, List.of()), s);
    }

    @Test
    void shouldHandOverARefusedReversalWithoutWhatItNamed_whenThatReversalIsReversed() {
        // r-1 took a out; r-2 (also of a) was refused; reversing r-2 undoes an event that changed nothing
        Sum s = fold(added("a", 100), added("b", 5), reversed("r-1", "a"), reversed("r-2", "a"), reversed("r-3", "r-2"));

        assertEquals(List.of("event a is already reversed by r-1"), s.refusals());
        assertEquals(5, s.total(), "r-3 undoes r-2, which had no effect: a stays out");
        assertEquals(2, s.reversals());
    }

    /** An event type that takes any payload. */
    static dev.playback.model.event.EventType type(String name) {
        return new dev.playback.model.event.EventType() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void validate(com.fasterxml.jackson.databind.node.ObjectNode payload) {
            }
        };
    }
}

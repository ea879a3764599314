package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.EventEnvelope;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reversals of a processor whose state does not remember single events: a reversal it cannot undo makes the toolkit
 * rebuild the aggregate without the reversed events ({@link Reversals}), absorbing the reversals that took them out.
 */
class ReversalsTest {
    /** A total and what happened besides adding: reversals absorbed, reversals that could not apply. */
    record Total(long total, List<String> log) {
        Total with(String line) {
            List<String> l = new ArrayList<>(log);
            l.add(line);
            return new Total(total, l);
        }
    }

    /** Adds {@code Added} amounts; cannot undo any event from its state (it keeps only the total). */
    static final Processor<Total> FORGETFUL = new Processor<>() {
        @Override
        public String name() {
            return "forgetful";
        }

        @Override
        public Total initial(String aggregateId) {
            return new Total(0, List.of());
        }

        @Override
        public Total apply(Total s, EventEnvelope e) {
            if (e.type().equals("Reversed")) throw new CannotInvert(e.payload().path("reverses").asText(), "only the total is kept");
            return new Total(s.total() + e.payload().path("amount").asLong(), s.log());
        }

        @Override
        public Optional<String> reverses(EventEnvelope e) {
            return e.type().equals("Reversed") ? Optional.of(e.payload().path("reverses").asText()) : Optional.empty();
        }

        @Override
        public Total applyAbsorbed(Total s, EventEnvelope reversal) {
            return s.with("absorbed " + reversal.eventId());
        }

        @Override
        public Total applyUnresolvable(Total s, EventEnvelope reversal, String reason) {
            return s.with(reason);
        }

        @Override
        public Optional<JsonNode> note(Total before, Total after, EventEnvelope e) {
            return Optional.of(TextNode.valueOf(e.eventId() + " " + before.total() + "->" + after.total()));
        }

        @Override
        public JsonNode encode(Total s) {
            return JsonNodeFactory.instance.objectNode().put("total", s.total());
        }

        @Override
        public Total decode(JsonNode json) {
            return new Total(json.path("total").asLong(), List.of());
        }
    };

    private static EventEnvelope added(String id, long amount) {
        return event(id, "agg-1", "Added", json("{\"amount\":" + amount + "}"));
    }

    private static EventEnvelope reversed(String id, String target) {
        return event(id, "agg-1", "Reversed", json("{\"reverses\":\"" + target + "\"}"));
    }

    private static List<EventEnvelope> versioned(EventEnvelope... events) {
        List<EventEnvelope> out = new ArrayList<>();
        for (EventEnvelope e : events) out.add(e.withVersion(out.size() + 1));
        return out;
    }

    @Test
    void shouldRebuildWithoutTheTargetAndAbsorbTheReversal_whenTheProcessorCannotUndoIt() {
        List<EventEnvelope> events = versioned(added("a", 100), added("b", 5), reversed("r-1", "a"));

        Total t = Reversals.fold(FORGETFUL, "agg-1", FORGETFUL.initial("agg-1"), List.of(), events);

        assertEquals(new Total(5, List.of("absorbed r-1")), t);
    }

    @Test
    void shouldPutTheTargetBack_whenTheReversalIsReversed() {
        List<EventEnvelope> events = versioned(added("a", 100), added("b", 5), reversed("r-1", "a"), reversed("r-2", "r-1"));

        assertEquals(new Reversals.Plan(Set.of("r-1"), Set.of("r-2")), Reversals.plan(events, FORGETFUL));
        assertEquals(new Total(105, List.of("absorbed r-2")), Reversals.refold(FORGETFUL, "agg-1", events));
    }

    @Test
    void shouldRefuseAReversalWithoutATargetInEffect_whenRebuilt() {
        List<EventEnvelope> events = versioned(added("a", 100), reversed("r-1", "nope"));

        Total t = Reversals.fold(FORGETFUL, "agg-1", FORGETFUL.initial("agg-1"), List.of(), events);

        assertEquals(new Total(100, List.of("event nope is not an event of agg-1 in effect; the reversal cannot apply")), t);
    }

    @Test
    void shouldNoteEveryEventAsTheRebuildAppliedIt_whenNotesAreKept() {
        List<EventEnvelope> events = versioned(added("a", 100), added("b", 5), reversed("r-1", "a"), reversed("r-2", "gone"));
        Map<String, EventNotes.Note> notes = new HashMap<>();

        Total t = Reversals.refold(FORGETFUL, "agg-1", new Total(1000, List.of()), events, notes);

        assertEquals(1005, t.total());
        assertEquals(new EventNotes.Note("a", 1, null, List.of(new EventNotes.Reversal("r-1", 3))), notes.get("a"));
        assertEquals(new EventNotes.Note("b", 2, TextNode.valueOf("b 1000->1005"), List.of()), notes.get("b"));
        assertEquals(EventNotes.Note.empty("r-1", 3), notes.get("r-1"));
        assertEquals(new EventNotes.Note("r-2", 4, TextNode.valueOf("r-2 1005->1005"), List.of()), notes.get("r-2"));
    }

    @Test
    void shouldFoldThroughTheReversedEvents_whenTheProcessorTakesItsReversalsFromThem() {
        List<EventEnvelope> events = versioned(added("a", 100), added("b", 5), reversed("r-1", "a"));

        ReversingTest.Sum s = Reversals.fold(ReversingTest.SUM, "agg-1", ReversingTest.SUM.initial("agg-1"), List.of(), events);

        assertEquals(5, s.total());
        assertEquals(1, s.reversals());
    }
}

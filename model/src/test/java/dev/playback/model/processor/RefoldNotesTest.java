package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A processor whose reversals come from the events but that cannot undo one from its state ({@link CannotInvert}):
 * the aggregate is folded again without the reversed event, and the notes become those of that fold, so a second
 * reversal of the same event is refused as already reversed.
 */
class RefoldNotesTest {
    private static final String AGG = "acc-1";
    private static final EventCatalog CATALOG = new EventCatalog(List.of(ReversingTest.type("Added"), ReversingTest.type("Reversed")));

    /** A total, then the ids of the reversals it refused ("15 refused r-2"); a reversal is never undone from the total. */
    static final Processor<String> REFOLDING = new Processor<>() {
        @Override
        public String name() {
            return "refolding";
        }

        @Override
        public String initial(String aggregateId) {
            return "0";
        }

        @Override
        public String apply(String state, EventEnvelope e) {
            if (!e.type().equals("Added")) return state;
            int cut = state.indexOf(' ');
            long total = Long.parseLong(cut < 0 ? state : state.substring(0, cut));
            return (total + e.payload().path("amount").asLong()) + (cut < 0 ? "" : state.substring(cut));
        }

        @Override
        public Optional<String> reverses(EventEnvelope e) {
            return ReversingTest.SUM.reverses(e); // a "Reversed" event names its target in "reverses"
        }

        @Override
        public boolean reversalsFromEvents() {
            return true;
        }

        @Override
        public ReversalOutcome<String> applyReversal(String state, EventEnvelope reversal, ReversedEvent target) {
            throw new CannotInvert(target.event().eventId(), "a total cannot take an amount back");
        }

        @Override
        public String applyAbsorbed(String state, EventEnvelope reversal) {
            return state;
        }

        @Override
        public String applyUnresolvable(String state, EventEnvelope reversal, String reason) {
            return state + " refused " + reversal.eventId();
        }

        @Override
        public JsonNode encode(String state) {
            return TextNode.valueOf(state);
        }

        @Override
        public String decode(JsonNode node) {
            return node.asText();
        }
    };

    private static final List<EventEnvelope> EVENTS = List.of(
            event("a", AGG, "Added", json("{\"amount\":10}")).withVersion(1),
            event("b", AGG, "Added", json("{\"amount\":5}")).withVersion(2),
            event("r-1", AGG, "Reversed", json("{\"reverses\":\"a\"}")).withVersion(3),
            event("r-2", AGG, "Reversed", json("{\"reverses\":\"a\"}")).withVersion(4));

    @Test
    void aSecondReversalOfAnEventTakenOutByARefoldIsRefused_whenFoldedInMemory() {
        assertEquals("5 refused r-2", Reversing.fold(REFOLDING, AGG, EVENTS));
    }

    @Test
    void theRefoldsNotesAreStoredAndASecondReversalIsRefused_whenCaughtUpEventByEvent() {
        InMemoryEventLog log = new InMemoryEventLog();
        InMemoryStateStore states = new InMemoryStateStore();
        Projector<String> projector = new Projector<>(REFOLDING, log, states, CATALOG);
        for (EventEnvelope e : EVENTS) {
            log.record(new EventStatus.Claimed(e.eventId(), AGG, e.versionOrZero(), Instant.parse("2026-01-01T00:00:00Z")));
            assertEquals(List.of(), log.write(List.of(e)));
            projector.catchUp("g1", AGG, Long.MAX_VALUE);
        }

        assertEquals("5 refused r-2", states.load("refolding", "g1", AGG).map(ProcessorState::state).orElseThrow().asText());
        assertEquals(List.of(new EventNotes.Reversal("r-1", 3)),
                EventNotes.in(states, "refolding", "g1").find(AGG, "a").orElseThrow().reversals());
    }
}

package dev.playback.model.processor;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.store.ProcessorState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.model.store.ForwardingStateStore;
import dev.playback.model.store.StateStore;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.LedgerEnvelopes.withdrawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectorTest {
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final Projector<?> projector = new Projector<>(new BalancesProjection(), log, states, Ledger.catalog());

    /** Stores the events of acc-1 at versions 1, 2, … in the events table. */
    private void store(EventEnvelope... events) {
        List<EventEnvelope> versioned = new ArrayList<>();
        long v = log.latestVersion("acc-1") + 1;
        for (EventEnvelope e : events) versioned.add(e.withVersion(v++));
        log.write(versioned);
    }

    private ProcessorState stored() {
        return states.load("balances", "g0", "acc-1").orElseThrow();
    }

    @Test
    void appliesEveryStoredEventAndKeepsTheVersion() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), withdrawn("e-3", "acc-1", "2.50"));
        CatchUp result = projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(new CatchUp("acc-1", 3, 3, true), result);
        assertEquals(3, stored().version());
        assertEquals("7.50", stored().state().get("balance").asText());
    }

    @Test
    void appliesNothingTwice() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"));
        projector.catchUp("g0", "acc-1", 2);
        ProcessorState before = stored();
        assertEquals(new CatchUp("acc-1", 0, 2, true), projector.catchUp("g0", "acc-1", 2));
        assertEquals(new CatchUp("acc-1", 0, 2, true), projector.catchUp("g0", "acc-1", 1));
        assertEquals(new CatchUp("acc-1", 0, 2, true), projector.catchUp("g0", "acc-1", Long.MAX_VALUE));
        assertEquals(before, stored());
    }

    @Test
    void appliesOnlyTheEventsAfterTheAppliedVersion() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"));
        projector.catchUp("g0", "acc-1", 2);
        store(deposited("e-3", "acc-1", "1.00"), deposited("e-4", "acc-1", "1.00"));
        assertEquals(new CatchUp("acc-1", 2, 4, true), projector.catchUp("g0", "acc-1", 4));
        assertEquals("12.00", stored().state().get("balance").asText());
        assertEquals(3, stored().state().get("deposits").asLong());
    }

    @Test
    void stopsAtTheRequestedVersion() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), deposited("e-3", "acc-1", "5.00"));
        assertEquals(new CatchUp("acc-1", 2, 2, true), projector.catchUp("g0", "acc-1", 2));
        assertEquals("10.00", stored().state().get("balance").asText());
    }

    @Test
    void fillsAGapByReadingTheMissingEvents() {
        store(opened("e-1", "acc-1"));
        projector.catchUp("g0", "acc-1", 1);
        store(deposited("e-2", "acc-1", "1.00"), deposited("e-3", "acc-1", "2.00"), deposited("e-4", "acc-1", "3.00"));
        // Only version 4 was delivered; 2 and 3 come from the events table.
        assertEquals(new CatchUp("acc-1", 3, 4, true), projector.catchUp("g0", "acc-1", 4));
        assertEquals("6.00", stored().state().get("balance").asText());
    }

    @Test
    void readsLongStreamsPageByPage() {
        List<EventEnvelope> events = new ArrayList<>();
        events.add(opened("e-0", "acc-1"));
        for (int i = 1; i <= 2500; i++) events.add(deposited("e-" + i, "acc-1", "0.01"));
        store(events.toArray(EventEnvelope[]::new));
        assertEquals(new CatchUp("acc-1", 2501, 2501, true), projector.catchUp("g0", "acc-1", Long.MAX_VALUE));
        assertEquals("25.00", stored().state().get("balance").asText());
    }

    @Test
    void reportsIncompleteWhenTheVersionIsNotStoredYet() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"));
        assertEquals(new CatchUp("acc-1", 2, 2, false), projector.catchUp("g0", "acc-1", 4));
        assertEquals(2, stored().version());
        assertEquals(new CatchUp("acc-1", 0, 2, false), projector.catchUp("g0", "acc-1", 4));
        store(deposited("e-3", "acc-1", "1.00"), deposited("e-4", "acc-1", "1.00"));
        assertEquals(new CatchUp("acc-1", 2, 4, true), projector.catchUp("g0", "acc-1", 4));
    }

    @Test
    void reportsIncompleteForAnAggregateWithNoEventsYet() {
        assertEquals(new CatchUp("acc-1", 0, 0, false), projector.catchUp("g0", "acc-1", 1));
        assertEquals(Optional.empty(), states.load("balances", "g0", "acc-1"));
    }

    @Test
    void keepsGenerationsApart() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(new CatchUp("acc-1", 2, 2, true), projector.catchUp("g1", "acc-1", Long.MAX_VALUE));
        assertEquals(2, states.load("balances", "g1", "acc-1").orElseThrow().version());
    }

    @Test
    void retriesOnTopOfAConcurrentWriterWithoutApplyingAnythingTwice() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), deposited("e-3", "acc-1", "5.00"));
        Projector<?> rival = new Projector<>(new BalancesProjection(), log, states, Ledger.catalog());
        AtomicInteger saves = new AtomicInteger();
        StateStore racing = new ForwardingStateStore(states) {
            @Override
            public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
                return states.load(processor, generation, aggregateId);
            }

            @Override
            public boolean save(ProcessorState state, long expectedVersion) {
                if (saves.incrementAndGet() == 1) rival.catchUp(state.generation(), state.aggregateId(), 2);
                return states.save(state, expectedVersion);
            }

            @Override
            public String activeGeneration(String processor, String defaultGeneration) {
                return states.activeGeneration(processor, defaultGeneration);
            }
        };
        Projector<?> projector = new Projector<>(new BalancesProjection(), log, racing, Ledger.catalog());
        assertEquals(new CatchUp("acc-1", 1, 3, true), projector.catchUp("g0", "acc-1", 3));
        assertEquals(2, saves.get());
        assertEquals("15.00", stored().state().get("balance").asText());
        assertEquals(2, stored().state().get("deposits").asLong());
    }

    @Test
    void givesUpWhenTheStateNeverStopsChanging() {
        store(opened("e-1", "acc-1"));
        StateStore alwaysBeaten = new ForwardingStateStore(states) {
            @Override
            public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
                return Optional.empty();
            }

            @Override
            public boolean save(ProcessorState state, long expectedVersion) {
                return false;
            }

            @Override
            public String activeGeneration(String processor, String defaultGeneration) {
                return defaultGeneration;
            }
        };
        Projector<?> projector = new Projector<>(new BalancesProjection(), log, alwaysBeaten, Ledger.catalog());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> projector.catchUp("g0", "acc-1", 1));
        assertTrue(e.getMessage().contains("acc-1"), e.getMessage());
    }

    @Test
    void refusesToGuessOverAGapInTheEventsTable() {
        log.write(List.of(opened("e-1", "acc-1").withVersion(1), deposited("e-3", "acc-1", "1.00").withVersion(3)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> projector.catchUp("g0", "acc-1", 3));
        assertTrue(e.getMessage().contains("gap") && e.getMessage().contains("acc-1"), e.getMessage());
        assertFalse(states.load("balances", "g0", "acc-1").isPresent());
    }

    @Test
    void appliesOlderPayloadShapesUpcastToTheCurrentOne() {
        // Schema 1 of MoneyDeposited carried cents as a number; schema 2 carries the decimal string.
        EventType depositedV2 = new EventType() {
            @Override
            public String name() {
                return LedgerEvent.MONEY_DEPOSITED;
            }

            @Override
            public int schemaVersion() {
                return 2;
            }

            @Override
            public void validate(ObjectNode payload) {
            }

            @Override
            public ObjectNode upcast(int fromSchemaVersion, ObjectNode payload) {
                long cents = payload.get("cents").asLong();
                return json("{\"amount\":\"" + cents / 100 + "." + String.format("%02d", cents % 100) + "\"}");
            }
        };
        List<EventType> types = new ArrayList<>(LedgerEvent.types());
        types.removeIf(t -> t.name().equals(LedgerEvent.MONEY_DEPOSITED));
        types.add(depositedV2);
        Projector<?> upcasting = new Projector<>(new BalancesProjection(), log, states, new EventCatalog(types));
        store(opened("e-1", "acc-1"), event("e-2", "acc-1", LedgerEvent.MONEY_DEPOSITED, json("{\"cents\":1234}")));
        upcasting.catchUp("g0", "acc-1", 2);
        assertEquals("12.34", stored().state().get("balance").asText());
    }

    private List<EventEnvelope> versions(EventEnvelope... events) {
        List<EventEnvelope> out = new ArrayList<>();
        for (int i = 0; i < events.length; i++) out.add(events[i].withVersion(i + 1));
        return out;
    }

    @Test
    void appliesAPlaybackRecordDirectlyAndSkipsWhatIsApplied() {
        List<EventEnvelope> stream = versions(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), deposited("e-3", "acc-1", "1.00"));
        assertEquals(new CatchUp("acc-1", 2, 2, true), projector.applyPlayback("g1", stream.subList(0, 2)));
        assertEquals(new CatchUp("acc-1", 1, 3, true), projector.applyPlayback("g1", stream));
        assertEquals(new CatchUp("acc-1", 0, 3, true), projector.applyPlayback("g1", stream));
        assertEquals("11.00", states.load("balances", "g1", "acc-1").orElseThrow().state().get("balance").asText());
    }

    @Test
    void fillsAGapBeforeAPlaybackRecordFromTheEventsTable() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), deposited("e-3", "acc-1", "1.00"));
        List<EventEnvelope> stream = log.read("acc-1", 1, 10);
        assertEquals(new CatchUp("acc-1", 3, 3, true), projector.applyPlayback("g1", stream.subList(2, 3)));
        assertEquals("11.00", states.load("balances", "g1", "acc-1").orElseThrow().state().get("balance").asText());
    }

    @Test
    void rebuildsAStateFromTheFullStreamReplacingWhatIsStored() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        ObjectNode wrong = json("{\"opened\":true,\"balance\":\"999.00\"}");
        states.save(new ProcessorState("balances", "g0", "acc-1", 2, wrong), 2);
        assertEquals(new CatchUp("acc-1", 2, 2, true), projector.rebuild("g0", "acc-1").result());
        assertEquals("10.00", stored().state().get("balance").asText());
        assertEquals(new CatchUp("acc-1", 2, 2, true), projector.rebuild("g0", "acc-1").result());
        assertEquals("10.00", stored().state().get("balance").asText());
    }

    @Test
    void computesAStateAtALaterVersionWithoutSavingIt() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), deposited("e-3", "acc-1", "1.00"));
        projector.catchUp("g0", "acc-1", 2);
        ProcessorState later = projector.stateAt("g0", "acc-1", Optional.of(stored()), 3).orElseThrow();
        assertEquals(3, later.version());
        assertEquals("11.00", later.state().get("balance").asText());
        assertEquals(2, stored().version());
    }

    /** Balances with a bug: it throws on event {@code e-3}. */
    private static final class ThrowsOnE3 implements Processor<dev.playback.examples.ledger.AccountBalance> {
        private final BalancesProjection balances = new BalancesProjection();

        @Override
        public String name() {
            return "balances";
        }

        @Override
        public dev.playback.examples.ledger.AccountBalance initial(String aggregateId) {
            return balances.initial(aggregateId);
        }

        @Override
        public dev.playback.examples.ledger.AccountBalance apply(dev.playback.examples.ledger.AccountBalance s, EventEnvelope e) {
            if (e.eventId().equals("e-3")) throw new ArithmeticException("Non-terminating decimal expansion");
            return balances.apply(s, e);
        }

        @Override
        public com.fasterxml.jackson.databind.JsonNode encode(dev.playback.examples.ledger.AccountBalance s) {
            return balances.encode(s);
        }

        @Override
        public dev.playback.examples.ledger.AccountBalance decode(com.fasterxml.jackson.databind.JsonNode json) {
            return balances.decode(json);
        }
    }

    @Test
    void anEventTheProcessorThrowsOnIsNamedAndTheEventsBeforeItStayApplied() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), deposited("e-3", "acc-1", "1.00"), deposited("e-4", "acc-1", "1.00"));
        Projector<?> buggy = new Projector<>(new ThrowsOnE3(), log, states, Ledger.catalog());

        EventNotApplied e = assertThrows(EventNotApplied.class, () -> buggy.catchUp("g0", "acc-1", Long.MAX_VALUE));

        assertEquals("e-3", e.event().eventId());
        assertEquals(3, e.event().version());
        assertTrue(e.getCause() instanceof ArithmeticException, e.toString());
        assertEquals(2, stored().version(), "the state stays at the version before the failing event");
        assertEquals("10.00", stored().state().get("balance").asText());
    }

    @Test
    void aBatchWhoseThirdEventFailsKeepsTheFirstTwoApplied() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), deposited("e-3", "acc-1", "1.00"));
        Projector<?> buggy = new Projector<>(new ThrowsOnE3(), log, states, Ledger.catalog());

        assertThrows(EventNotApplied.class, () -> buggy.applyPlayback("g0", log.read("acc-1", 1, 10)));

        assertEquals(2, stored().version());
    }

    @Test
    void aRebuildThrowsWhatTheProcessorThrew() {
        store(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "10.00"), deposited("e-3", "acc-1", "1.00"));
        Projector<?> buggy = new Projector<>(new ThrowsOnE3(), log, states, Ledger.catalog());

        assertThrows(ArithmeticException.class, () -> buggy.rebuild("g0", "acc-1"));
        assertFalse(states.load("balances", "g0", "acc-1").isPresent(), "a rebuild keeps no partial state");
    }
}

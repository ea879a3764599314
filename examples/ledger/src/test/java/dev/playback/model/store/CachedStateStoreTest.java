package dev.playback.model.store;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.event.EventEnvelope;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachedStateStoreTest {
    private final InMemoryStateStore stored = new InMemoryStateStore();
    private final AtomicInteger reads = new AtomicInteger();
    private final StateStore counting = new ForwardingStateStore(stored) {
        @Override
        public Map<String, Revision> loadAllRevisions(String processor, String generation, Collection<String> ids) {
            reads.addAndGet(ids.size());
            return super.loadAllRevisions(processor, generation, ids);
        }
    };
    private final CachedStateStore cached = new CachedStateStore(counting, 2);
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final Projector<?> projector = new Projector<>(new BalancesProjection(), log, cached, Ledger.catalog());

    private List<EventEnvelope> append(EventEnvelope... events) {
        long v = log.latestVersion(events[0].aggregateId()) + 1;
        List<EventEnvelope> versioned = new java.util.ArrayList<>();
        for (EventEnvelope e : events) versioned.add(e.withVersion(v++));
        log.write(versioned);
        return versioned;
    }

    private String balance(StateStore store, String aggregateId) {
        return store.load("balances", "g0", aggregateId).orElseThrow().state().get("balance").asText();
    }

    @Test
    void doesNotReadBackTheStatesItWrote() {
        projector.applyPlayback("g0", append(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "5.00")));
        Map<String, ProcessorState> states = cached.loadAllRecent("balances", "g0", List.of("acc-1"));
        assertEquals(0, reads.get());
        assertEquals(stored.load("balances", "g0", "acc-1"), Optional.of(states.get("acc-1")));
        cached.loadAllRecent("balances", "g0", List.of("acc-1", "acc-2"));
        assertEquals(1, reads.get(), "only the state it does not know is read");
        cached.loadAll("balances", "g0", List.of("acc-1"));
        assertEquals(2, reads.get(), "loadAll always reads the store");
    }

    @Test
    void aRememberedStateRewrittenByAnotherWriterIsNotSavedOverButReadAgain() {
        projector.applyPlayback("g0", append(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "5.00")));
        // a rebuild with other logic rewrites version 2 behind the cache's back
        ProcessorState current = stored.load("balances", "g0", "acc-1").orElseThrow();
        var rebuilt = current.state().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) rebuilt).put("balance", "500.00");
        assertTrue(stored.save(new ProcessorState("balances", "g0", "acc-1", 2, rebuilt), 2));

        List<EventEnvelope> next = append(deposited("e-3", "acc-1", "1.00"));
        Map<String, ProcessorState> preloaded = cached.loadAllRecent("balances", "g0", List.of("acc-1"));
        assertEquals("5.00", preloaded.get("acc-1").state().get("balance").asText(), "answered from memory");
        projector.applyPlayback("g0", next, Optional.ofNullable(preloaded.get("acc-1")));

        assertEquals("501.00", balance(stored, "acc-1"), "applied to the rewritten state, not to the remembered one");
        assertEquals(3, stored.load("balances", "g0", "acc-1").orElseThrow().version());
    }

    @Test
    void keepsAtMostItsCapacity() {
        for (String id : List.of("acc-1", "acc-2", "acc-3")) projector.applyPlayback("g0", append(opened("o-" + id, id)));
        cached.loadAllRecent("balances", "g0", List.of("acc-1", "acc-2", "acc-3"));
        assertEquals(1, reads.get(), "the least recently used (acc-1) was forgotten");
    }
}

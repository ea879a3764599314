package dev.playback.model.store.memory;

import dev.playback.model.store.StateStore;
import dev.playback.model.store.StateStoreContract;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InMemoryStateStoreTest extends StateStoreContract {
    @Override
    protected StateStore newStateStore() {
        return new InMemoryStateStore();
    }

    @Test
    void servesTheActivatedGeneration() {
        InMemoryStateStore states = new InMemoryStateStore();
        states.activate("totals", "g7");
        assertEquals("g7", states.activeGeneration("totals", "g0"));
        assertEquals("g0", states.activeGeneration("audit", "g0"));
    }
}

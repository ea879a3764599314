package dev.playback.model.store;

import dev.playback.model.metrics.Metrics;
import dev.playback.model.store.memory.InMemoryStateStore;

/** The {@link StateStore} contract holds with the state-size guard (default limits) in front of a store. */
class StateSizeGuardContractTest extends StateStoreContract {
    @Override
    protected StateStore newStateStore() {
        return new StateSizeGuard(new InMemoryStateStore(), p -> StateSizeLimits.DEFAULT, Metrics.NONE, line -> { });
    }
}

package dev.playback.model.store;

import dev.playback.model.store.memory.InMemoryStateStore;

/** The {@link StateStore} contract holds with the cache in front of a store. */
class CachedStateStoreContractTest extends StateStoreContract {
    @Override
    protected StateStore newStateStore() {
        return new CachedStateStore(new InMemoryStateStore(), 100);
    }
}

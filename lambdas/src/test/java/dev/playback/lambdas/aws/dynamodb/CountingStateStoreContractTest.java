package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.store.StateStore;
import dev.playback.model.store.StateStoreContract;
import dev.playback.model.store.memory.InMemoryStateStore;

/** The {@link StateStore} contract holds with the counting store in front of a store. */
class CountingStateStoreContractTest extends StateStoreContract {
    @Override
    protected StateStore newStateStore() {
        return new CountingStateStore.Tally().counting(new InMemoryStateStore());
    }
}

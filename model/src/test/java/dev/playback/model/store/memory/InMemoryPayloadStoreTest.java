package dev.playback.model.store.memory;

import dev.playback.model.store.PayloadStore;
import dev.playback.model.store.PayloadStoreContract;

class InMemoryPayloadStoreTest extends PayloadStoreContract {
    @Override
    protected PayloadStore newPayloadStore() {
        return new InMemoryPayloadStore();
    }
}

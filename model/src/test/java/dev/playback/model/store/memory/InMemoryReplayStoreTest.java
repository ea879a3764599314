package dev.playback.model.store.memory;

import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.ReplayStoreContract;

class InMemoryReplayStoreTest extends ReplayStoreContract {
    @Override
    protected ReplayStore newReplayStore() {
        return new InMemoryReplayStore();
    }
}

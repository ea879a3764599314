package dev.playback.model.snapshot.memory;

import dev.playback.model.snapshot.SnapshotStore;
import dev.playback.model.snapshot.SnapshotStoreContract;

class InMemorySnapshotStoreTest extends SnapshotStoreContract {
    @Override
    protected SnapshotStore newStore() {
        return new InMemorySnapshotStore();
    }
}

package dev.playback.model.processor;

import dev.playback.model.store.ForwardingStateStore;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryStateStore;

/** A state store in memory that counts its saves and refuses the next {@link #refusals} of them (another writer won). */
final class CountingStates extends ForwardingStateStore {
    final InMemoryStateStore stored;
    int saves;
    int refusals;

    CountingStates(InMemoryStateStore stored) {
        super(stored);
        this.stored = stored;
    }

    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        saves++;
        if (refusals > 0) {
            refusals--;
            return false;
        }
        return super.save(state, expectedVersion);
    }
}

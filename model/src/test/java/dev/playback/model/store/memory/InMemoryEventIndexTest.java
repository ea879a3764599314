package dev.playback.model.store.memory;

import dev.playback.model.replay.EventIndexContract;

class InMemoryEventIndexTest extends EventIndexContract<InMemoryEventIndex> {
    @Override
    protected EventsTable<InMemoryEventIndex> newEventsTable() {
        InMemoryEventLog log = new InMemoryEventLog(new InMemoryPayloadStore());
        return new EventsTable<>(log, new InMemoryEventIndex(log));
    }
}

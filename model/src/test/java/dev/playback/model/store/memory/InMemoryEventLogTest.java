package dev.playback.model.store.memory;

import dev.playback.model.store.EventLogContract;
import dev.playback.model.store.PayloadStore;

class InMemoryEventLogTest extends EventLogContract<InMemoryEventLog> {
    @Override
    protected InMemoryEventLog newEventLog(PayloadStore payloads) {
        return new InMemoryEventLog(payloads);
    }
}

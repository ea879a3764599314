package dev.playback.model.store.memory;

import dev.playback.model.parking.ParkedAggregates;
import dev.playback.model.parking.ParkedAggregatesContract;

class InMemoryParkedAggregatesTest extends ParkedAggregatesContract {
    @Override
    protected ParkedAggregates newParkedAggregates() {
        return new InMemoryParkedAggregates();
    }
}

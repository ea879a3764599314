package dev.playback.model.gateway.memory;

import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.GatewayStoresContract;
import dev.playback.model.gateway.QueryRecords;

class InMemoryGatewayStoresTest extends GatewayStoresContract {
    private final InMemoryQueryRecords records = new InMemoryQueryRecords();
    private final InMemoryCommandLog log = new InMemoryCommandLog();

    @Override
    protected QueryRecords records() {
        return records;
    }

    @Override
    protected CommandLog log() {
        return log;
    }
}

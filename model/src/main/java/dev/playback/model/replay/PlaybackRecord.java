package dev.playback.model.replay;

import dev.playback.model.event.EventEnvelope;

import java.util.List;

/**
 * One playback-stream record: consecutive events of one aggregate (the partition key), for the named
 * processors of one replay, to be applied to {@code generation}. Processors not named ignore it.
 */
public record PlaybackRecord(String replayId, String generation, List<String> processors, List<EventEnvelope> events) {
    public PlaybackRecord {
        processors = List.copyOf(processors);
        events = List.copyOf(events);
        if (events.isEmpty()) throw new IllegalArgumentException("a playback record holds at least one event");
    }

    public String aggregateId() {
        return events.get(0).aggregateId();
    }
}

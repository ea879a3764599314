package dev.playback.model.replay;

import dev.playback.model.event.EventEnvelope;

import java.util.List;

/**
 * One playback-stream record: consecutive events of one aggregate (the partition key), for the named
 * processors of one replay, to be applied to {@code generation}. Processors not named ignore it.
 * {@code gatewayMode} and {@code missingRecords} are the replay's gateway policy, for processors with
 * external effects (defaults {@code suppress} and {@code fail}).
 */
public record PlaybackRecord(String replayId, String generation, List<String> processors, List<EventEnvelope> events,
                             String gatewayMode, String missingRecords) {
    public PlaybackRecord {
        processors = List.copyOf(processors);
        events = List.copyOf(events);
        if (events.isEmpty()) throw new IllegalArgumentException("a playback record holds at least one event");
        gatewayMode = gatewayMode == null ? Replay.DEFAULT_GATEWAY_MODE : gatewayMode;
        missingRecords = missingRecords == null ? Replay.DEFAULT_MISSING_RECORDS : missingRecords;
    }

    /** A record with the default gateway policy (suppress, fail). */
    public PlaybackRecord(String replayId, String generation, List<String> processors, List<EventEnvelope> events) {
        this(replayId, generation, processors, events, null, null);
    }

    public String aggregateId() {
        return events.get(0).aggregateId();
    }

    public boolean isFor(String processor) {
        return processors.contains(processor);
    }
}

package dev.playback.model.replay;

import dev.playback.model.store.EventStore;
import dev.playback.model.store.PayloadStore;
import dev.playback.model.store.StateStore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What the replay core works with.
 *
 * @param processors     the processors a replay can run (projections, and processors with external effects)
 * @param reports        where reports go: verification reports ({@code reports/verify/<replayId>.json}), gateway
 *                       reports per batch ({@link GatewayReports}) and merged ({@code reports/gateway/<replayId>.json})
 * @param publishBudget  how long one {@code publish} call keeps publishing batches (at least one batch)
 */
public record ReplayPorts(List<ReplayProcessor> processors, EventStore events, EventPages pages, EventIndex index,
                          StateStore states, ReplayStore replays, PlaybackPublisher playback, PayloadStore reports,
                          Clock clock, Duration publishBudget) {
    public static final Duration DEFAULT_PUBLISH_BUDGET = Duration.ofSeconds(20);

    public ReplayPorts {
        processors = List.copyOf(processors);
        if (processors.isEmpty()) throw new IllegalArgumentException("no processors to replay");
    }
}

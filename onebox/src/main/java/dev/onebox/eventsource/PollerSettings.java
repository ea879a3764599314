package dev.onebox.eventsource;

import java.time.Duration;

/**
 * Timing of the local pollers. {@code idlePollInterval}: pause after a GetRecords that found nothing (a shard with
 * records flowing is polled again at once). {@code shardDiscoveryInterval}: how often ListShards looks for new shards.
 * Retries of a failed batch back off exponentially from {@code initialBackoff} up to {@code maxBackoff}.
 */
public record PollerSettings(Duration idlePollInterval, Duration shardDiscoveryInterval, Duration initialBackoff,
                             Duration maxBackoff, int getRecordsLimit, Duration shutdownTimeout) {

    public PollerSettings {
        if (getRecordsLimit < 1 || getRecordsLimit > 10_000) {
            throw new IllegalArgumentException("getRecordsLimit must be 1..10000, was " + getRecordsLimit);
        }
    }

    /** 150 ms idle polls, shards listed every second, retries from 50 ms to 1 s, GetRecords Limit 10000. */
    public static PollerSettings defaults() {
        return new PollerSettings(Duration.ofMillis(150), Duration.ofSeconds(1), Duration.ofMillis(50),
                Duration.ofSeconds(1), 10_000, Duration.ofSeconds(90));
    }

    public PollerSettings withIdlePollInterval(Duration interval) {
        return new PollerSettings(interval, shardDiscoveryInterval, initialBackoff, maxBackoff, getRecordsLimit,
                shutdownTimeout);
    }

    public PollerSettings withBackoff(Duration initial, Duration max) {
        return new PollerSettings(idlePollInterval, shardDiscoveryInterval, initial, max, getRecordsLimit,
                shutdownTimeout);
    }
}

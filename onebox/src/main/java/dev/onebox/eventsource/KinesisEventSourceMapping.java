package dev.onebox.eventsource;

import dev.onebox.lambda.LocalFunction;
import dev.onebox.template.EventSource;
import dev.onebox.template.LocalNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One Kinesis → Lambda event source mapping, run locally with AWS Lambda's semantics: one poller thread per shard
 * (strict order within a shard), batches of up to BatchSize records and 6 MB of event (waiting up to
 * MaximumBatchingWindowInSeconds to fill one), StartingPosition only when a shard has no checkpoint, checkpoints kept in DynamoDB ({@link ShardCheckpoints})
 * so a restart resumes, and the error handling of {@link BatchRunner}. New shards (after a reshard) are found by
 * ListShards every second (by default); a child shard starts once its parents were read to their end.
 *
 * <p>ParallelizationFactor is read but a shard is always processed by one poller (a factor above 1 only adds
 * concurrency on AWS, the per-partition-key order is the same).
 */
public final class KinesisEventSourceMapping implements AutoCloseable {
    private final String uuid;
    private final String checkpointKey;
    private final LocalFunction function;
    private final EventSource.Kinesis event;
    private final KinesisClient kinesis;
    private final ShardCheckpoints checkpoints;
    private final PollerSettings settings;
    private final BatchRunner runner;
    private final MappingStats stats = new MappingStats();
    private final Stopper stopper = new Stopper();
    private final Map<String, ShardPoller> pollers = new ConcurrentHashMap<>();
    private final Map<String, Thread> threads = new ConcurrentHashMap<>();
    private final Set<String> endedShards = ConcurrentHashMap.newKeySet();
    private volatile Thread discovery;
    private volatile long lastDiscoveryStart;
    private volatile boolean started;

    /**
     * @param functionLogicalId the function's logical id, used (with the event's name) to name the mapping
     * @param destination where discarded batches go; see {@link #destinationFor}
     */
    public KinesisEventSourceMapping(String functionLogicalId, LocalFunction function, EventSource.Kinesis event,
                                     KinesisClient kinesis, ShardCheckpoints checkpoints, FailureDestination destination,
                                     PollerSettings settings, Clock clock) {
        this.function = function;
        this.event = event;
        this.kinesis = kinesis;
        this.checkpoints = checkpoints;
        this.settings = settings;
        this.checkpointKey = functionLogicalId + "/" + event.name() + "/" + event.streamName();
        this.uuid = UUID.nameUUIDFromBytes(("esm:" + checkpointKey).getBytes(StandardCharsets.UTF_8)).toString();
        KinesisEvents events = new KinesisEvents(event.streamArn(), LocalNames.REGION,
                "arn:aws:iam::" + LocalNames.ACCOUNT + ":role/" + functionLogicalId + "Role");
        this.runner = new BatchRunner(uuid, function, event, events, destination, settings, stats, stopper, clock);
    }

    /** The destination of an event's OnFailure: S3 buckets are written with {@code s3}; none drops with a log line. */
    public static FailureDestination destinationFor(EventSource.Kinesis event, S3Client s3) {
        Optional<EventSource.OnFailure> onFailure = event.onFailure();
        if (onFailure.isEmpty()) {
            return new FailureDestination.None();
        }
        if (!onFailure.get().type().equals("S3")) {
            throw new IllegalArgumentException("Kinesis event " + event.name() + ": OnFailure destination type "
                    + onFailure.get().type() + " (" + onFailure.get().destinationArn()
                    + ") is not supported locally; use S3");
        }
        return new FailureDestination.S3(s3, LocalNames.bucketNameOf(onFailure.get().destinationArn()));
    }

    /** The mapping's id (stable across restarts), used in on-failure object keys like Lambda's ESM UUID. */
    public String uuid() {
        return uuid;
    }

    public String functionName() {
        return function.name();
    }

    public EventSource.Kinesis event() {
        return event;
    }

    /** Lists the shards and starts their pollers; fails at once if the stream cannot be listed. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("Mapping " + checkpointKey + " was already started");
        }
        started = true;
        if (!event.enabled()) {
            return;
        }
        discoverShards();
        Thread thread = new Thread(this::discoverLoop, "esm-" + function.name() + "-shards");
        thread.setDaemon(true);
        discovery = thread;
        thread.start();
    }

    /**
     * Waits until every shard has been polled to its end after this call began, with nothing pending: every record
     * written to the stream before the call has then been processed (or sent to the on-failure destination).
     *
     * @return true when idle, false when {@code timeout} passed first
     */
    public boolean awaitIdle(Duration timeout) {
        long since = System.nanoTime();
        long deadline = since + timeout.toNanos();
        while (true) {
            if (isIdleSince(since)) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(Math.max(5, settings.idlePollInterval().toMillis() / 4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    boolean isIdleSince(long nanoTime) {
        if (!event.enabled()) {
            return true;
        }
        long discovered = lastDiscoveryStart;
        for (ShardPoller poller : pollers.values()) {
            if (!poller.caughtUpSince(nanoTime)) {
                return false;
            }
            if (poller.ended() && discovered - poller.endedAt() < 0) {
                return false; // its children may not have been started yet
            }
        }
        return true;
    }

    /** Counters of this mapping. */
    public MappingStats.Stats stats() {
        return stats.snapshot();
    }

    /** The last checkpointed sequence number of each shard being polled (absent: nothing processed yet). */
    public Map<String, Optional<String>> checkpoints() {
        Map<String, Optional<String>> result = new LinkedHashMap<>();
        pollers.values().stream().sorted((a, b) -> a.shardId().compareTo(b.shardId()))
                .forEach(p -> result.put(p.shardId(), p.checkpoint()));
        return result;
    }

    /**
     * Stops polling. A batch being delivered finishes (and is checkpointed); a batch waiting for a retry is left for
     * the next start. Waits up to the settings' shutdown timeout for the pollers.
     */
    @Override
    public void close() {
        stopper.stop();
        List<Thread> all = new ArrayList<>(threads.values());
        if (discovery != null) {
            all.add(discovery);
        }
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        for (Thread thread : all) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                System.err.println("[event source mapping " + uuid + "] " + thread.getName()
                        + " did not stop within " + settings.shutdownTimeout());
            }
        }
    }

    private void discoverLoop() {
        while (stopper.pause(settings.shardDiscoveryInterval())) {
            try {
                discoverShards();
            } catch (RuntimeException e) {
                stats.pollerErrors.incrementAndGet();
                System.err.println("[event source mapping " + uuid + "] cannot list the shards of "
                        + event.streamName() + ": " + e);
            }
        }
    }

    private synchronized void discoverShards() {
        long start = System.nanoTime();
        List<Shard> shards = listShards();
        Set<String> known = ConcurrentHashMap.newKeySet();
        shards.forEach(s -> known.add(s.shardId()));
        for (ShardPoller poller : pollers.values()) {
            if (poller.ended()) {
                endedShards.add(poller.shardId());
            }
        }
        for (Shard shard : shards) {
            String id = shard.shardId();
            if (pollers.containsKey(id) || endedShards.contains(id)) {
                continue;
            }
            if (checkpoints.get(checkpointKey, id).shardEnded()) {
                endedShards.add(id);
                continue;
            }
            if (!parentDone(shard.parentShardId(), known) || !parentDone(shard.adjacentParentShardId(), known)) {
                continue;
            }
            boolean child = endedShards.contains(String.valueOf(shard.parentShardId()))
                    || endedShards.contains(String.valueOf(shard.adjacentParentShardId()));
            ShardPoller poller = new ShardPoller(checkpointKey, id, event, kinesis, checkpoints, runner, settings,
                    stats, stopper, child);
            pollers.put(id, poller);
            Thread thread = new Thread(poller, "esm-" + function.name() + "-" + id);
            thread.setDaemon(true);
            threads.put(id, thread);
            thread.start();
        }
        lastDiscoveryStart = start;
    }

    private boolean parentDone(String parent, Set<String> known) {
        return parent == null || !known.contains(parent) || endedShards.contains(parent);
    }

    private List<Shard> listShards() {
        List<Shard> shards = new ArrayList<>();
        ListShardsResponse page = kinesis.listShards(ListShardsRequest.builder().streamName(event.streamName()).build());
        shards.addAll(page.shards());
        while (page.nextToken() != null) {
            String token = page.nextToken();
            page = kinesis.listShards(ListShardsRequest.builder().nextToken(token).build());
            shards.addAll(page.shards());
        }
        return shards;
    }
}

package dev.onebox.eventsource;

import dev.onebox.template.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads one shard in order and hands batches to the {@link BatchRunner}: GetRecords (Limit from the settings) again
 * at once while records flow, after the idle interval when the shard is caught up. Starts after the shard's
 * checkpoint, or at the mapping's StartingPosition when there is none. A Kinesis, DynamoDB or S3 error of the poller
 * itself is logged, backed off, and the shard resumes from its checkpoint (at-least-once, nothing skipped).
 */
final class ShardPoller implements Runnable {
    /** Lambda's synchronous invocation payload limit: a batch is cut before its event would exceed it. */
    static final long MAX_PAYLOAD_BYTES = 6L * 1024 * 1024;
    /** The JSON around one record in the event (ids, ARNs, names), roughly. */
    private static final int RECORD_OVERHEAD_BYTES = 500;

    private final String mappingId;
    private final String shardId;
    private final EventSource.Kinesis event;
    private final KinesisClient kinesis;
    private final ShardCheckpoints checkpoints;
    private final BatchRunner runner;
    private final PollerSettings settings;
    private final MappingStats stats;
    private final Stopper stopper;
    private final boolean childOfReadShard;

    private final Deque<StreamRecord> buffer = new ArrayDeque<>();
    private String iterator;
    private String lastFetched;
    private Optional<String> checkpoint = Optional.empty();
    private Optional<Instant> skipBefore = Optional.empty();
    private long bufferSince;
    private volatile long lastCaughtUpPollStart = Long.MIN_VALUE;
    private volatile boolean ended;
    private volatile long endedAt;
    private volatile String checkpointed;

    ShardPoller(String mappingId, String shardId, EventSource.Kinesis event, KinesisClient kinesis,
                ShardCheckpoints checkpoints, BatchRunner runner, PollerSettings settings, MappingStats stats,
                Stopper stopper, boolean childOfReadShard) {
        this.childOfReadShard = childOfReadShard;
        this.mappingId = mappingId;
        this.shardId = shardId;
        this.event = event;
        this.kinesis = kinesis;
        this.checkpoints = checkpoints;
        this.runner = runner;
        this.settings = settings;
        this.stats = stats;
        this.stopper = stopper;
    }

    String shardId() {
        return shardId;
    }

    /** Whether a GetRecords that started at or after {@code nanoTime} found the shard caught up and nothing pending. */
    boolean caughtUpSince(long nanoTime) {
        return ended || lastCaughtUpPollStart - nanoTime >= 0 && lastCaughtUpPollStart != Long.MIN_VALUE;
    }

    boolean ended() {
        return ended;
    }

    /** When the shard was read to its end ({@link System#nanoTime()}); meaningful once {@link #ended()}. */
    long endedAt() {
        return endedAt;
    }

    /** The last sequence number checkpointed, if any. */
    Optional<String> checkpoint() {
        return Optional.ofNullable(checkpointed);
    }

    @Override
    public void run() {
        int errors = 0;
        while (!stopper.isStopped() && !ended) {
            try {
                if (!pollOnce()) {
                    return;
                }
                errors = 0;
            } catch (RuntimeException e) {
                errors++;
                stats.pollerErrors.incrementAndGet();
                System.err.println("[event source mapping " + mappingId + " " + shardId + "] poller error, resuming "
                        + "from the checkpoint: " + e);
                buffer.clear();
                iterator = null;
                lastFetched = null;
                long delay = Math.min(settings.maxBackoff().toMillis(),
                        settings.initialBackoff().toMillis() << Math.min(errors, 10));
                if (!stopper.pause(Duration.ofMillis(delay))) {
                    return;
                }
            }
        }
    }

    /** One GetRecords and the batches it completes; false when the mapping stopped. */
    private boolean pollOnce() {
        if (iterator == null) {
            iterator = buffer.isEmpty() && lastFetched == null ? initialIterator() : iteratorAfter(lastFetched);
        }
        long pollStart = System.nanoTime();
        GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(iterator).limit(settings.getRecordsLimit()));
        List<Record> records = response.records();
        if (!records.isEmpty()) {
            lastCaughtUpPollStart = Long.MIN_VALUE;
        }
        boolean wasEmpty = buffer.isEmpty();
        for (Record record : records) {
            StreamRecord r = StreamRecord.of(shardId, record);
            if (skipBefore.isPresent() && r.approximateArrivalTimestamp().isBefore(skipBefore.get())) {
                continue;
            }
            skipBefore = Optional.empty();
            buffer.addLast(r);
        }
        if (wasEmpty && !buffer.isEmpty()) {
            bufferSince = System.nanoTime();
        }
        if (!records.isEmpty()) {
            lastFetched = records.get(records.size() - 1).sequenceNumber();
        }
        iterator = response.nextShardIterator();
        boolean shardClosed = iterator == null;
        while (!buffer.isEmpty() && readyToInvoke(shardClosed)) {
            List<StreamRecord> batch = new ArrayList<>(Math.min(buffer.size(), event.batchSize()));
            long payload = 0;
            while (batch.size() < event.batchSize() && !buffer.isEmpty()) {
                long size = eventSize(buffer.peekFirst());
                if (!batch.isEmpty() && payload + size > MAX_PAYLOAD_BYTES) {
                    break;
                }
                payload += size;
                batch.add(buffer.pollFirst());
            }
            if (runner.run(batch, this::checkpoint) == BatchRunner.Outcome.STOPPED) {
                return false;
            }
            bufferSince = System.nanoTime();
        }
        boolean behind = response.millisBehindLatest() != null && response.millisBehindLatest() > 0;
        if (shardClosed && buffer.isEmpty()) {
            checkpoints.markEnded(mappingId, shardId, checkpoint);
            endedAt = System.nanoTime();
            ended = true;
            return true;
        }
        if (records.isEmpty() && buffer.isEmpty() && !behind) {
            lastCaughtUpPollStart = pollStart;
        }
        if (records.isEmpty() && !behind) {
            return stopper.pause(settings.idlePollInterval());
        }
        return true;
    }

    /** The size of a record in the invocation event: its data in base64, its partition key and the fields around. */
    static long eventSize(StreamRecord record) {
        long data = record.data().asByteArrayUnsafe().length;
        return 4 * ((data + 2) / 3) + record.partitionKey().length() + RECORD_OVERHEAD_BYTES;
    }

    private boolean readyToInvoke(boolean shardClosed) {
        return event.maximumBatchingWindow().isZero() || shardClosed || stopper.isStopped()
                || buffer.size() >= event.batchSize()
                || System.nanoTime() - bufferSince >= event.maximumBatchingWindow().toNanos();
    }

    private void checkpoint(String sequenceNumber) {
        checkpoints.put(mappingId, shardId, sequenceNumber);
        checkpoint = Optional.of(sequenceNumber);
        checkpointed = sequenceNumber;
    }

    private String initialIterator() {
        ShardCheckpoints.Checkpoint stored = checkpoints.get(mappingId, shardId);
        skipBefore = Optional.empty();
        checkpoint = stored.sequenceNumber();
        checkpointed = checkpoint.orElse(null);
        if (checkpoint.isPresent()) {
            return iteratorAfter(checkpoint.get());
        }
        // LATEST and AT_TIMESTAMP are read as TRIM_HORIZON minus the records that arrived before the start time:
        // kinesalite never answers an AT_TIMESTAMP GetShardIterator when no record is that recent, and a LATEST
        // position is remembered (as a time) so a restart before the first record skips nothing written meanwhile.
        if (childOfReadShard) {
            // After a reshard, a child shard is read from its start once its parents are done, as Lambda does.
            skipBefore = Optional.empty();
        } else if (stored.positionedAt().isPresent()) {
            skipBefore = stored.positionedAt();
        } else if (event.startingPosition() == EventSource.StartingPosition.LATEST) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            checkpoints.putPosition(mappingId, shardId, now);
            skipBefore = Optional.of(now);
        } else if (event.startingPosition() == EventSource.StartingPosition.AT_TIMESTAMP) {
            skipBefore = event.startingPositionTimestamp();
        }
        return kinesis.getShardIterator(b -> b.streamName(event.streamName()).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    }

    private String iteratorAfter(String sequenceNumber) {
        return kinesis.getShardIterator(b -> b.streamName(event.streamName()).shardId(shardId)
                .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                .startingSequenceNumber(sequenceNumber)).shardIterator();
    }
}

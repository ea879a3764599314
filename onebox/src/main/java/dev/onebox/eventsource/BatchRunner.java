package dev.onebox.eventsource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onebox.lambda.FunctionError;
import dev.onebox.lambda.LocalFunction;
import dev.onebox.template.EventSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Delivers one batch of one shard to the function with Lambda's error handling, in shard order:
 * <ul>
 * <li>success (or a response without failures) checkpoints the whole batch;</li>
 * <li>with ReportBatchItemFailures, {@code batchItemFailures} checkpoints up to the lowest failed sequence number and
 * retries from there; an empty or null {@code itemIdentifier}, or one not in the batch, fails the whole batch;</li>
 * <li>on an error with BisectBatchOnFunctionError the batch is split in halves, first half first (splitting does not
 * use up retries; a partial response that makes no progress is bisected too);</li>
 * <li>after MaximumRetryAttempts retries, or for records older than MaximumRecordAgeInSeconds, the records go to the
 * on-failure destination and are checkpointed: a poison record never blocks its shard.</li>
 * </ul>
 * Retries back off exponentially. When the mapping stops during retries, the undone records are left unchecked so a
 * restart delivers them again.
 */
final class BatchRunner {
    enum Outcome { DONE, STOPPED }

    private record Work(List<StreamRecord> records, int failures) {
        StreamRecord last() {
            return records.get(records.size() - 1);
        }
    }

    private sealed interface Result {
        record Success() implements Result {
        }

        record Partial(int index) implements Result {
        }

        record Failure(String functionError, String errorType, String errorMessage) implements Result {
        }
    }

    private final String mappingUuid;
    private final LocalFunction function;
    private final EventSource.Kinesis event;
    private final KinesisEvents events;
    private final FailureDestination destination;
    private final PollerSettings settings;
    private final MappingStats stats;
    private final Stopper stopper;
    private final Clock clock;

    BatchRunner(String mappingUuid, LocalFunction function, EventSource.Kinesis event, KinesisEvents events,
                FailureDestination destination, PollerSettings settings, MappingStats stats, Stopper stopper,
                Clock clock) {
        this.mappingUuid = mappingUuid;
        this.function = function;
        this.event = event;
        this.events = events;
        this.destination = destination;
        this.settings = settings;
        this.stats = stats;
        this.stopper = stopper;
        this.clock = clock;
    }

    /** Runs the batch to the end; {@code checkpoint} is called with each sequence number that is done with. */
    Outcome run(List<StreamRecord> batch, Consumer<String> checkpoint) {
        Deque<Work> work = new ArrayDeque<>();
        work.add(new Work(List.copyOf(batch), 0));
        Result.Failure lastFailure = null;
        while (!work.isEmpty()) {
            Work w = work.pollFirst();
            int expired = expiredPrefix(w.records());
            if (expired > 0) {
                List<StreamRecord> old = w.records().subList(0, expired);
                discard(old, "RecordAgeExceeded", w.failures(), lastFailure);
                checkpoint.accept(old.get(old.size() - 1).sequenceNumber());
                if (expired < w.records().size()) {
                    work.addFirst(new Work(w.records().subList(expired, w.records().size()), w.failures()));
                }
                continue;
            }
            Result result = invoke(w.records());
            if (result instanceof Result.Success) {
                stats.recordsSucceeded.addAndGet(w.records().size());
                checkpoint.accept(w.last().sequenceNumber());
                lastFailure = null;
                continue;
            }
            if (result instanceof Result.Partial partial && partial.index() > 0) {
                stats.partialFailures.incrementAndGet();
                stats.recordsSucceeded.addAndGet(partial.index());
                checkpoint.accept(w.records().get(partial.index() - 1).sequenceNumber());
                List<StreamRecord> rest = w.records().subList(partial.index(), w.records().size());
                lastFailure = partialFailure(rest.get(0));
                if (event.bisectBatchOnFunctionError()) {
                    work.addFirst(new Work(rest, w.failures()));
                    continue;
                }
                w = new Work(rest, w.failures());
            } else if (result instanceof Result.Partial) {
                stats.partialFailures.incrementAndGet();
                lastFailure = partialFailure(w.records().get(0));
            } else {
                lastFailure = (Result.Failure) result;
            }
            if (event.bisectBatchOnFunctionError() && w.records().size() > 1) {
                stats.bisections.incrementAndGet();
                int half = w.records().size() / 2;
                work.addFirst(new Work(w.records().subList(half, w.records().size()), w.failures()));
                work.addFirst(new Work(w.records().subList(0, half), w.failures()));
                continue;
            }
            int failures = w.failures() + 1;
            if (event.maximumRetryAttempts() != EventSource.Kinesis.UNLIMITED
                    && failures > event.maximumRetryAttempts()) {
                discard(w.records(), "RetryAttemptsExhausted", failures, lastFailure);
                checkpoint.accept(w.last().sequenceNumber());
                continue;
            }
            stats.mostRetries.accumulateAndGet(failures, Math::max); // this batch's retry number `failures` follows
            if (!stopper.pause(backoff(failures))) {
                return Outcome.STOPPED;
            }
            work.addFirst(new Work(w.records(), failures));
        }
        return Outcome.DONE;
    }

    private Duration backoff(int failures) {
        long initial = settings.initialBackoff().toMillis();
        long delay = initial << Math.min(failures - 1, 20);
        return Duration.ofMillis(Math.min(delay, settings.maxBackoff().toMillis()));
    }

    private int expiredPrefix(List<StreamRecord> records) {
        if (event.maximumRecordAgeInSeconds() == EventSource.Kinesis.UNLIMITED) {
            return 0;
        }
        Instant limit = clock.instant().minusSeconds(event.maximumRecordAgeInSeconds());
        int expired = 0;
        while (expired < records.size() && records.get(expired).approximateArrivalTimestamp().isBefore(limit)) {
            expired++;
        }
        return expired;
    }

    private Result invoke(List<StreamRecord> records) {
        stats.invocations.incrementAndGet();
        stats.recordsDelivered.addAndGet(records.size());
        Object response;
        try {
            response = function.invoke(events.event(records));
        } catch (FunctionError e) {
            stats.functionErrors.incrementAndGet();
            return new Result.Failure("Unhandled", e.errorType(), e.errorMessage());
        }
        if (!event.reportBatchItemFailures() || response == null) {
            return new Result.Success();
        }
        JsonNode json;
        try {
            json = response instanceof String text ? KinesisEvents.JSON.readTree(text)
                    : KinesisEvents.JSON.valueToTree(response);
        } catch (IOException | IllegalArgumentException e) {
            // Lambda ignores a response it cannot read as a batch item failure report.
            return new Result.Success();
        }
        JsonNode failures = json == null ? null : json.get("batchItemFailures");
        if (failures == null || !failures.isArray() || failures.isEmpty()) {
            return new Result.Success();
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            index.put(records.get(i).sequenceNumber(), i);
        }
        int lowest = Integer.MAX_VALUE;
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            Integer at = id == null || !id.isTextual() ? null : index.get(id.asText());
            if (at == null) {
                stats.functionErrors.incrementAndGet();
                return new Result.Failure(null, "InvalidBatchItemFailure", "batchItemFailures has itemIdentifier "
                        + id + ", which is empty or not a sequence number of the batch: the whole batch failed");
            }
            lowest = Math.min(lowest, at);
        }
        return new Result.Partial(lowest);
    }

    private static Result.Failure partialFailure(StreamRecord first) {
        return new Result.Failure(null, "BatchItemFailure", "The function reported batch item failures from sequence "
                + "number " + first.sequenceNumber());
    }

    private void discard(List<StreamRecord> records, String condition, int invokeCount, Result.Failure failure) {
        StreamRecord first = records.get(0);
        FailureRecord record = new FailureRecord(mappingUuid, UUID.randomUUID().toString(), function.arn(), condition,
                invokeCount, failure == null ? null : failure.functionError(),
                failure == null ? null : failure.errorType(), failure == null ? null : failure.errorMessage(),
                clock.instant(), first.shardId(), event.streamArn(), records, events.json(records));
        destination.send(record);
        stats.discardedBatches.incrementAndGet();
        stats.discardedRecords.addAndGet(records.size());
    }
}

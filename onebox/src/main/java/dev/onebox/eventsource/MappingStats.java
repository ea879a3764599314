package dev.onebox.eventsource;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of one event source mapping; {@link #snapshot()} reads them. */
public final class MappingStats {
    final AtomicLong invocations = new AtomicLong();
    final AtomicLong recordsDelivered = new AtomicLong();
    final AtomicLong recordsSucceeded = new AtomicLong();
    final AtomicLong functionErrors = new AtomicLong();
    final AtomicLong partialFailures = new AtomicLong();
    final AtomicLong bisections = new AtomicLong();
    final AtomicLong discardedBatches = new AtomicLong();
    final AtomicLong discardedRecords = new AtomicLong();
    final AtomicLong pollerErrors = new AtomicLong();
    final AtomicLong mostRetries = new AtomicLong();

    Stats snapshot() {
        return new Stats(invocations.get(), recordsDelivered.get(), recordsSucceeded.get(), functionErrors.get(),
                partialFailures.get(), bisections.get(), discardedBatches.get(), discardedRecords.get(),
                pollerErrors.get(), mostRetries.get());
    }

    /**
     * Counters of a mapping. {@code recordsDelivered} counts records in invocations (a retried record counts again);
     * {@code recordsSucceeded} counts records checkpointed after a successful invocation; {@code discardedRecords}
     * were sent to the on-failure destination (or dropped without one); {@code pollerErrors} are Kinesis, DynamoDB
     * or S3 errors of the poller itself, after which it resumed from its checkpoint; {@code mostRetries} is the
     * most retries one batch had (the MaximumRetryAttempts it would have needed not to be discarded).
     */
    public record Stats(long invocations, long recordsDelivered, long recordsSucceeded, long functionErrors,
                        long partialFailures, long bisections, long discardedBatches, long discardedRecords,
                        long pollerErrors, long mostRetries) {

        public Stats plus(Stats other) {
            return new Stats(invocations + other.invocations, recordsDelivered + other.recordsDelivered,
                    recordsSucceeded + other.recordsSucceeded, functionErrors + other.functionErrors,
                    partialFailures + other.partialFailures, bisections + other.bisections,
                    discardedBatches + other.discardedBatches, discardedRecords + other.discardedRecords,
                    pollerErrors + other.pollerErrors, Math.max(mostRetries, other.mostRetries));
        }

        public static Stats zero() {
            return new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }
}

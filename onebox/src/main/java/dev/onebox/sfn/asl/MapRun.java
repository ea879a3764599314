package dev.onebox.sfn.asl;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run of a DISTRIBUTED Map state, as DescribeMapRun shows it: its ARN, the execution that started it, its status,
 * the settings UpdateMapRun may change while it runs (MaxConcurrency, ToleratedFailurePercentage,
 * ToleratedFailureCount) and its item and child execution counts, kept live. The interpreter that runs the map reads
 * the settings before each child it starts and when it checks the failures, so an update takes effect at once.
 */
public final class MapRun {
    /** RUNNING, SUCCEEDED, FAILED or ABORTED. */
    public enum Status { RUNNING, SUCCEEDED, FAILED, ABORTED }

    /** The counts DescribeMapRun returns, for items and for child executions alike. */
    public static final class Counts {
        final AtomicLong pending = new AtomicLong();
        final AtomicLong running = new AtomicLong();
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong timedOut = new AtomicLong();
        final AtomicLong aborted = new AtomicLong();
        final AtomicLong total = new AtomicLong();
        final AtomicLong resultsWritten = new AtomicLong();

        /** The API's member names and values, in AWS's order. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pending", pending.get());
            m.put("running", running.get());
            m.put("succeeded", succeeded.get());
            m.put("failed", failed.get());
            m.put("timedOut", timedOut.get());
            m.put("aborted", aborted.get());
            m.put("total", total.get());
            m.put("resultsWritten", resultsWritten.get());
            m.put("failuresNotRedrivable", 0L);
            m.put("pendingRedrive", 0L);
            return m;
        }

        static AtomicLong of(Counts c, String childStatus) {
            return switch (childStatus) {
                case "SUCCEEDED" -> c.succeeded;
                case "TIMED_OUT" -> c.timedOut;
                case "ABORTED" -> c.aborted;
                default -> c.failed;
            };
        }

        public long succeeded() {
            return succeeded.get();
        }

        public long failed() {
            return failed.get();
        }

        public long running() {
            return running.get();
        }

        public long pending() {
            return pending.get();
        }

        public long total() {
            return total.get();
        }

        public long resultsWritten() {
            return resultsWritten.get();
        }
    }

    private final String arn;
    private final String id;
    private final String executionArn;
    private final String stateMachineArn;
    private final Instant startDate;
    private volatile int maxConcurrency;
    private volatile double toleratedFailurePercentage;
    private volatile long toleratedFailureCount;
    private volatile boolean toleranceSet;
    private volatile Status status = Status.RUNNING;
    private volatile Instant stopDate;
    private final Counts items = new Counts();
    private final Counts executions = new Counts();
    /** Wakes the interpreter's dispatch loop: a child ended (its index) or the settings changed (-1). */
    final BlockingQueue<Integer> signals = new LinkedBlockingQueue<>();

    /**
     * @param toleratedFailurePercentage -1 when the state sets none
     * @param toleratedFailureCount      -1 when the state sets none
     */
    public MapRun(String arn, String id, String executionArn, String stateMachineArn, Instant startDate,
                  int maxConcurrency, double toleratedFailurePercentage, long toleratedFailureCount) {
        this.arn = arn;
        this.id = id;
        this.executionArn = executionArn;
        this.stateMachineArn = stateMachineArn;
        this.startDate = startDate;
        this.maxConcurrency = maxConcurrency;
        this.toleranceSet = toleratedFailurePercentage >= 0 || toleratedFailureCount >= 0;
        this.toleratedFailurePercentage = toleratedFailurePercentage;
        this.toleratedFailureCount = toleratedFailureCount;
    }

    public String arn() {
        return arn;
    }

    /** The last part of the ARN: the folder ResultWriter writes under. */
    public String id() {
        return id;
    }

    public String executionArn() {
        return executionArn;
    }

    /** The state machine of the child executions: {@code <machine>/<Label>}. */
    public String stateMachineArn() {
        return stateMachineArn;
    }

    public Instant startDate() {
        return startDate;
    }

    public Instant stopDate() {
        return stopDate;
    }

    public Status status() {
        return status;
    }

    /** 0 means no limit of its own (the service's cap applies). */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** As DescribeMapRun shows it: 0 when not set. */
    public double toleratedFailurePercentage() {
        return Math.max(0, toleratedFailurePercentage);
    }

    /** As DescribeMapRun shows it: 0 when not set. */
    public long toleratedFailureCount() {
        return Math.max(0, toleratedFailureCount);
    }

    public Counts itemCounts() {
        return items;
    }

    public Counts executionCounts() {
        return executions;
    }

    /**
     * UpdateMapRun: changes what is given (null: unchanged). The running map starts children up to the new
     * MaxConcurrency at once and checks failures against the new thresholds from now on.
     */
    public synchronized void update(Integer newMaxConcurrency, Double newPercentage, Long newCount) {
        if (newMaxConcurrency != null) {
            maxConcurrency = newMaxConcurrency;
        }
        if (newPercentage != null) {
            toleratedFailurePercentage = newPercentage;
            toleranceSet = true;
        }
        if (newCount != null) {
            toleratedFailureCount = newCount;
            toleranceSet = true;
        }
        signals.offer(-1);
    }

    /**
     * Whether {@code failed} failures out of {@code total} exceed what the run tolerates now: with neither threshold
     * set any failure does; otherwise the count or the percentage that is set.
     */
    public boolean exceeded(long failed, long total) {
        if (!toleranceSet) {
            return failed > 0;
        }
        long count = toleratedFailureCount;
        double percentage = toleratedFailurePercentage;
        return count >= 0 && failed > count || percentage >= 0 && total > 0 && failed * 100.0 / total > percentage;
    }

    void planned(long units, long itemCount) {
        executions.total.set(units);
        executions.pending.set(units);
        items.total.set(itemCount);
        items.pending.set(itemCount);
    }

    void started(long itemCount) {
        executions.pending.decrementAndGet();
        executions.running.incrementAndGet();
        items.pending.addAndGet(-itemCount);
        items.running.addAndGet(itemCount);
    }

    /** A child ended with this status: SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
    void ended(long itemCount, String childStatus) {
        executions.running.decrementAndGet();
        items.running.addAndGet(-itemCount);
        Counts.of(executions, childStatus).incrementAndGet();
        Counts.of(items, childStatus).addAndGet(itemCount);
    }

    void resultsWritten(long itemCount, long executionCount) {
        items.resultsWritten.addAndGet(itemCount);
        executions.resultsWritten.addAndGet(executionCount);
    }

    /** StopExecution of the parent: the run is ABORTED at once (its children stop as they see it). */
    public void abort(Instant at) {
        finish(Status.ABORTED, at);
    }

    synchronized void finish(Status end, Instant at) {
        if (status == Status.RUNNING) {
            status = end;
            stopDate = at;
        }
    }
}

package dev.onebox.sfn;

import dev.onebox.sfn.asl.History;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.onebox.sfn.asl.RunContext;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One execution. Mutable while it runs; {@link #snapshot()} gives the DescribeExecution view.
 */
public final class Execution {
    private final String arn;
    private final String name;
    private final StateMachine stateMachine;
    private final String input;
    private final Instant startDate;
    private final History history;
    private volatile CompletableFuture<ExecutionResult> done = new CompletableFuture<>();
    private volatile RunContext run;
    private volatile ExecutionResult result;
    private volatile Instant stopDate;
    /** The run on a thread of the current attempt (the first run or a redrive): done once its thread let go. */
    private volatile CompletableFuture<Void> attempt = new CompletableFuture<>();
    private volatile int redriveCount;
    private volatile Instant redriveDate;
    /** The client tokens of the last redrives (at most 10), each with the redrive it started. */
    private final java.util.LinkedHashMap<String, Instant> redriveTokens = new java.util.LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean launched = new java.util.concurrent.atomic.AtomicBoolean();

    Execution(String arn, String name, StateMachine stateMachine, String input, Instant startDate, History history) {
        this.arn = arn;
        this.name = name;
        this.stateMachine = stateMachine;
        this.input = input;
        this.startDate = startDate;
        this.history = history;
    }

    /** An execution read back from where it was kept: ended, never run again. */
    static Execution restored(String arn, String name, StateMachine stateMachine, String input, Instant startDate,
                              History history, ExecutionResult result, Instant stopDate) {
        Execution e = new Execution(arn, name, stateMachine, input, startDate, history);
        e.launched.set(true);
        for (HistoryEvent h : history.events()) {   // its redrives, as DescribeExecution counts them
            if (h.type().equals("ExecutionRedriven")) {
                e.redriveCount++;
                e.redriveDate = h.timestamp();
            }
        }
        e.finish(result, stopDate);
        return e;
    }

    public String arn() {
        return arn;
    }

    public String name() {
        return name;
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }

    public String input() {
        return input;
    }

    public History history() {
        return history;
    }

    /** True exactly once: for the caller that gets to run the execution. */
    boolean launch() {
        return launched.compareAndSet(false, true);
    }

    void attach(RunContext run) {
        this.run = run;
    }

    RunContext run() {
        return run;
    }

    synchronized boolean finish(ExecutionResult r, Instant at) {
        if (result != null) {
            return false;
        }
        result = r;
        stopDate = at;
        done.complete(r);
        return true;
    }

    public CompletableFuture<ExecutionResult> completion() {
        return done;
    }

    /** The end of the last attempt, or null while running. */
    ExecutionResult result() {
        return result;
    }

    Instant stopDate() {
        return stopDate;
    }

    /**
     * The date of the redrive this client token started, when it is one of the last 10 redrives' tokens and at most
     * 15 minutes old (AWS answers such a retried request with that redrive and restarts nothing); null otherwise.
     */
    synchronized Instant redrivenWith(String clientToken, Instant now) {
        Instant earlier = clientToken == null ? null : redriveTokens.get(clientToken);
        return earlier != null && earlier.plus(java.time.Duration.ofMinutes(15)).isAfter(now) ? earlier : null;
    }

    CompletableFuture<Void> attempt() {
        return attempt;
    }

    /** RedriveExecution: the ended execution runs again (RUNNING, no stop date, a new completion). */
    synchronized void redrive(String clientToken, Instant now) {
        attempt = new CompletableFuture<>();
        result = null;
        stopDate = null;
        done = new CompletableFuture<>();
        redriveCount++;
        redriveDate = now;
        if (clientToken != null) {
            redriveTokens.put(clientToken, now);
            if (redriveTokens.size() > 10) {
                redriveTokens.remove(redriveTokens.keySet().iterator().next());
            }
        }
    }

    public ExecutionDescription snapshot() {
        ExecutionResult r = result;
        return new ExecutionDescription(arn, name, stateMachine.arn(), stateMachine.name(),
                r == null ? ExecutionStatus.RUNNING : r.status(), input, r == null ? null : r.output(),
                r == null ? null : r.error(), r == null ? null : r.cause(), startDate, stopDate, redriveCount, redriveDate);
    }
}

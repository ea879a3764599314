package dev.onebox.sfn;

import dev.onebox.sfn.asl.History;
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
    private final CompletableFuture<ExecutionResult> done = new CompletableFuture<>();
    private volatile RunContext run;
    private volatile ExecutionResult result;
    private volatile Instant stopDate;
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

    public ExecutionDescription snapshot() {
        ExecutionResult r = result;
        return new ExecutionDescription(arn, name, stateMachine.arn(), stateMachine.name(),
                r == null ? ExecutionStatus.RUNNING : r.status(), input, r == null ? null : r.output(),
                r == null ? null : r.error(), r == null ? null : r.cause(), startDate, stopDate);
    }
}

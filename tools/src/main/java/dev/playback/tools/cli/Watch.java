package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Follows a replay until it ends, drawing a progress bar (events/s, published and applied counts, ETA)
 * from the replay record, its checkpoints and applied items in the data table, and the events table's
 * item count. A replay that continues as a new execution (before the history limit) is followed into it. The watch
 * ends at its deadline even when the replay does not: a stuck replay fails the command instead of holding it forever.
 */
final class Watch {
    /** How long {@code --watch} follows a replay unless told otherwise. */
    static final String DEFAULT_TIMEOUT = "PT2H";

    private final Connection c;
    private final PrintStream err;
    private final boolean tty;
    private final Duration timeout;

    Watch(Connection c, PrintStream err, Duration timeout) {
        if (timeout.isNegative()) throw new IllegalArgumentException("--watch-timeout " + timeout + " is negative");
        this.c = c;
        this.err = err;
        this.tty = System.console() != null && err == System.err;
        this.timeout = timeout;
    }

    /** How a followed replay ended; {@code publishedBefore}: what its checkpoints counted when the watch began (a resume). */
    record Outcome(String replayId, String status, String error, String cause, double seconds, ReplayProgress progress,
                   String executionArn, String output, long publishedBefore) {
        /** Events published per second by this run; null when not known (nothing published by it, or no time measured). */
        Double eventsPerSecond() {
            long published = progress.published() - publishedBefore;
            return seconds > 0 && published > 0 ? published / seconds : null;
        }

        boolean succeeded() {
            return "SUCCEEDED".equals(status);
        }

        ObjectNode toJson() {
            ObjectNode n = ReplayCommands.JSON.createObjectNode().put("replayId", replayId).put("status", status)
                    .put("seconds", Math.round(seconds * 10) / 10.0).put("published", progress.published())
                    .put("applied", progress.applied()).put("executionArn", executionArn)
                    .put("publishedBefore", publishedBefore);
            if (eventsPerSecond() != null) n.put("eventsPerSecond", Math.round(eventsPerSecond()));
            if (progress.generation() != null) n.put("generation", progress.generation());
            if (error != null) n.put("error", error).put("cause", cause);
            if (output != null) {
                try {
                    n.set("output", ReplayCommands.JSON.readTree(output));
                } catch (Exception e) {
                    n.put("output", output);
                }
            }
            return n;
        }
    }

    /** Follows the replay until it ends; an {@link IllegalStateException} naming the replay when it outlives the timeout. */
    Outcome follow(String replayId, String executionArn) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long total = ReplayCommands.eventsInTable(c);
        String exec = executionArn;
        ArrayDeque<ProgressLines.Sample> window = new ArrayDeque<>();
        long lastLine = 0;
        int polls = 0;
        long publishedBefore = -1;
        while (true) {
            String current = exec;
            DescribeExecutionResponse d = c.sfn().describeExecution(b -> b.executionArn(current));
            ReplayProgress p = ReplayProgress.read(c.dynamo(), c.dataTable(), replayId);
            if (publishedBefore < 0) publishedBefore = p.published();
            long now = System.nanoTime();
            window.addLast(new ProgressLines.Sample(now, p.published(), p.applied()));
            while (window.size() > 2 && now - window.peekFirst().nanos() > 10_000_000_000L) window.removeFirst();
            if (d.status() != ExecutionStatus.RUNNING) {
                String continued = d.status() == ExecutionStatus.SUCCEEDED && !p.finished() ? continuation(replayId, d) : null;
                if (continued != null) {
                    exec = continued;
                    continue;
                }
                if (tty) err.println();
                ReplayProgress last = ReplayProgress.read(c.dynamo(), c.dataTable(), replayId);
                String status = d.status() == ExecutionStatus.SUCCEEDED && last.exists() && last.status() != null
                        && !"SUCCEEDED".equals(last.status()) && !"RUNNING".equals(last.status()) ? last.status() : d.statusAsString();
                return new Outcome(replayId, status, d.error(), d.cause(), (System.nanoTime() - t0) / 1e9, last, d.executionArn(), d.output(),
                        publishedBefore);
            }
            if (now - deadline >= 0) {
                if (tty) err.println();
                throw new IllegalStateException("replay " + replayId + " (execution " + exec + ") still RUNNING after " + timeout
                        + " of --watch (published " + p.published() + ", applied " + p.applied() + "); it goes on: follow it with"
                        + " 'playback status " + replayId + "', stop it, or watch longer with --watch-timeout");
            }
            boolean print = tty || now - lastLine >= 5_000_000_000L || polls == 0;
            if (print) {
                err.print((tty ? "\r" : "") + ProgressLines.watch(p, total, ProgressLines.rate(window.peekFirst(), window.peekLast()), (now - t0) / 1e9) + (tty ? "" : System.lineSeparator()));
                err.flush();
                lastLine = now;
            }
            polls++;
            Thread.sleep(1000);
        }
    }

    /** The execution the replay continued in (ContinueAsNew starts one with {@code replayId} in its input). */
    private String continuation(String replayId, DescribeExecutionResponse ended) throws InterruptedException {
        for (int attempt = 0; attempt < 10; attempt++) {
            for (ExecutionListItem e : c.sfn().listExecutions(b -> b.stateMachineArn(ended.stateMachineArn())
                    .statusFilter(ExecutionStatus.RUNNING).maxResults(100)).executions()) {
                if (e.executionArn().equals(ended.executionArn())) continue;
                DescribeExecutionResponse d = c.sfn().describeExecution(b -> b.executionArn(e.executionArn()));
                String input = d.input() == null ? "" : d.input();
                if (input.contains("\"" + replayId + "\"")) return d.executionArn();
            }
            Thread.sleep(500);
        }
        return null;
    }

    /** Polls an execution until it is no longer RUNNING. */
    static DescribeExecutionResponse awaitEnd(Connection c, String executionArn, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            DescribeExecutionResponse d = c.sfn().describeExecution(b -> b.executionArn(executionArn));
            if (d.status() != ExecutionStatus.RUNNING) return d;
            if (System.nanoTime() > deadline) throw new IllegalStateException("execution " + executionArn + " still running after " + timeout);
            Thread.sleep(200);
        }
    }
}

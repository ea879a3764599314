package dev.onebox.sfn.bench;

import dev.onebox.sfn.ExecutionResult;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.WorkflowType;
import dev.onebox.sfn.asl.SfnClock;

import dev.onebox.sfn.store.JournalStore;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures the interpreter: a Pass/Choice loop that increments a counter with
 * States.MathAdd until a Choice ends it, run as an EXPRESS workflow (no history), printing
 * state transitions per second. {@code sfn bench [ITERATIONS] [RUNS]}.
 */
public final class SfnBenchmark {
    public static final int DEFAULT_ITERATIONS = 50_000;

    private SfnBenchmark() {
    }

    public static String loopDefinition(int iterations) {
        return """
                {"Comment": "Counter loop for the benchmark",
                 "StartAt": "Increment",
                 "States": {
                   "Increment": {"Type": "Pass",
                                 "Parameters": {"counter.$": "States.MathAdd($.counter, 1)"},
                                 "Next": "Check"},
                   "Check": {"Type": "Choice",
                             "Choices": [{"Variable": "$.counter", "NumericGreaterThanEquals": %d, "Next": "Done"}],
                             "Default": "Increment"},
                   "Done": {"Type": "Succeed"}
                 }}""".formatted(iterations);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the benchmark; args: [iterations] [measured runs]. Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ITERATIONS;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String definition = loopDefinition(iterations);
        long transitions = 2L * iterations + 1; // Increment and Check per iteration, then Done
        try (LocalStepFunctions sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).build()) {
            String arn = sfn.createStateMachine("benchmark-loop", definition, WorkflowType.EXPRESS, null).arn();
            for (int i = 0; i < 15; i++) { // warm-up: let the JIT compile the interpreter
                check(sfn.run(definition, "{\"counter\": 0}", WorkflowType.EXPRESS), iterations);
            }
            double best = 0;
            double sum = 0;
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                var d = sfn.startSyncExecution(arn, "run-" + i, "{\"counter\": 0}");
                long t1 = System.nanoTime();
                if (d.status() != ExecutionStatus.SUCCEEDED) {
                    err.println("benchmark execution failed: " + d.error() + " " + d.cause());
                    return 1;
                }
                double perSecond = transitions / ((t1 - t0) / 1e9);
                best = Math.max(best, perSecond);
                sum += perSecond;
                out.printf("run %d: %,d transitions in %.1f ms = %,.0f transitions/s%n", i + 1, transitions,
                        (t1 - t0) / 1e6, perSecond);
            }
            out.printf("EXPRESS Pass/Choice loop, %,d iterations: mean %,.0f transitions/s, best %,.0f transitions/s%n",
                    iterations, sum / runs, best);
            // For comparison: a STANDARD execution records every event (6,000 iterations stay under 25,000 events).
            double standardBest = standardBest(sfn, runs, err);
            if (standardBest < 0) {
                return 1;
            }
            out.printf("STANDARD (history recorded), %,d iterations: best %,.0f transitions/s%n", STANDARD_ITERATIONS, standardBest);
            // And with a data directory: every event also goes to the journal, forced to disk when each execution ends.
            Path data = Files.createTempDirectory("sfn-bench-journal");
            try {
                double keptBest;
                try (LocalStepFunctions kept = LocalStepFunctions.builder().clock(SfnClock.instant()).dataDirectory(data).build()) {
                    keptBest = standardBest(kept, runs, err);
                }
                if (keptBest < 0) {
                    return 1;
                }
                out.printf("STANDARD with a data directory (every event journaled), %,d iterations: best %,.0f transitions/s "
                                + "(%.0f %% of in memory); journal %,d bytes for %d executions%n", STANDARD_ITERATIONS, keptBest,
                        100 * keptBest / standardBest, Files.size(data.resolve(JournalStore.FILE)), runs + 3);
            } finally {
                try (var files = Files.walk(data)) {
                    for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    private static final int STANDARD_ITERATIONS = 6_000;

    /** The best rate of {@code runs + 3} STANDARD loop executions; negative when one did not succeed. */
    private static double standardBest(LocalStepFunctions sfn, int runs, PrintStream err) {
        String standard = sfn.createStateMachine("benchmark-loop-standard", loopDefinition(STANDARD_ITERATIONS),
                WorkflowType.STANDARD, null).arn();
        double best = 0;
        for (int i = 0; i < runs + 3; i++) {
            long t0 = System.nanoTime();
            var d = sfn.startSyncExecution(standard, "std-" + i, "{\"counter\": 0}");
            long t1 = System.nanoTime();
            if (d.status() != ExecutionStatus.SUCCEEDED) {
                err.println("benchmark STANDARD execution failed: " + d.error() + " " + d.cause());
                return -1;
            }
            best = Math.max(best, (2.0 * STANDARD_ITERATIONS + 1) / ((t1 - t0) / 1e9));
        }
        return best;
    }

    private static void check(ExecutionResult r, int iterations) {
        if (r.status() != ExecutionStatus.SUCCEEDED || !r.output().contains(String.valueOf(iterations))) {
            throw new IllegalStateException("benchmark loop did not finish as expected: " + r);
        }
    }
}

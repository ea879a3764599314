package dev.onebox.sfn.bench;

import dev.onebox.sfn.ExecutionResult;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.WorkflowType;
import dev.onebox.sfn.asl.SfnClock;

import java.io.PrintStream;

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
            int standardIterations = 6_000;
            String standard = sfn.createStateMachine("benchmark-loop-standard", loopDefinition(standardIterations),
                    WorkflowType.STANDARD, null).arn();
            double standardBest = 0;
            for (int i = 0; i < runs + 3; i++) {
                long t0 = System.nanoTime();
                var d = sfn.startSyncExecution(standard, "std-" + i, "{\"counter\": 0}");
                long t1 = System.nanoTime();
                if (d.status() != ExecutionStatus.SUCCEEDED) {
                    err.println("benchmark execution failed: " + d.error() + " " + d.cause());
                    return 1;
                }
                standardBest = Math.max(standardBest, (2.0 * standardIterations + 1) / ((t1 - t0) / 1e9));
            }
            out.printf("STANDARD (history recorded), %,d iterations: best %,.0f transitions/s%n", standardIterations, standardBest);
        }
        return 0;
    }

    private static void check(ExecutionResult r, int iterations) {
        if (r.status() != ExecutionStatus.SUCCEEDED || !r.output().contains(String.valueOf(iterations))) {
            throw new IllegalStateException("benchmark loop did not finish as expected: " + r);
        }
    }
}

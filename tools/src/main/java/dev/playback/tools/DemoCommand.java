package dev.playback.tools;

import dev.playback.tools.cli.Streams;
import dev.playback.tools.demo.Demo;
import dev.playback.tools.demo.DemoSubscriptions;
import dev.playback.tools.logs.FunctionLogFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code playback demo}: the story of a sample domain on a fresh in-memory local stack, every step checked. */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Runs the demo of a sample domain on a fresh in-memory local stack: the live path, a bug fixed by a diff "
                + "replay, the replays, a reversal; every step checked. Nothing is left running afterwards.",
                "The functions' log lines go to .playback/logs/demo-<domain>-<time>.log (--verbose: here instead)."})
final class DemoCommand implements Callable<Integer> {
    enum Domain { ledger, subscriptions }

    @Option(names = "--domain", paramLabel = "DOMAIN", defaultValue = "ledger",
            description = "the sample domain: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Domain domain;

    @Option(names = "--verbose", description = "print the functions' log lines here instead of to a file")
    boolean verbose;

    private final PrintStream out;

    DemoCommand(Streams streams) {
        this.out = streams.out();
    }

    @Override
    public Integer call() throws Exception {
        // The story and its checks on standard output; the functions' own log lines in a file (--verbose: here too).
        FunctionLogFile logFile = null;
        if (!verbose) {
            logFile = FunctionLogFile.open("demo-" + domain);
            out.println("function logs: " + logFile.path() + " (--verbose shows them here)");
        }
        try {
            return domain == Domain.ledger ? new Demo(out).run(LocalOptions.inMemory()) : new DemoSubscriptions(out).run(LocalOptions.inMemory());
        } finally {
            if (logFile != null) logFile.close();
        }
    }
}

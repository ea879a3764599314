package dev.playback.tools;

import dev.playback.tools.cli.LocalEndpoints;
import dev.playback.tools.cli.Streams;
import dev.playback.tools.console.RunningConsole;
import dev.playback.tools.demo.Demo;
import dev.playback.tools.demo.DemoSubscriptions;
import dev.playback.tools.logs.FunctionLogFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/** {@code playback demo}: the story of a sample domain on a fresh in-memory local stack, every step checked. */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Runs the demo of a sample domain on a fresh in-memory local stack: the live path, a bug fixed by a diff "
                + "replay, the replays, a reversal; every step checked. Nothing is left running afterwards (with --keep: the stack and "
                + "the replay console, until Ctrl-C).",
                "The functions' log lines go to .playback/logs/demo-<domain>-<time>.log (--verbose: here instead)."})
final class DemoCommand implements Callable<Integer> {
    enum Domain { ledger, subscriptions }

    @Option(names = "--domain", paramLabel = "DOMAIN", defaultValue = "ledger",
            description = "the sample domain: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Domain domain;

    @Option(names = "--verbose", description = "print the functions' log lines here instead of to a file")
    boolean verbose;

    @Option(names = "--keep", description = "at the end keep the stack running with the replay console (its URL printed, the "
            + "endpoints in .playback/local.json for the other commands) until Ctrl-C")
    boolean keep;

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
        Path logPath = logFile == null ? null : logFile.path();
        Demo.AtEnd atEnd = keep ? stack -> keep(stack, logPath) : Demo.AtEnd.NOTHING;
        try {
            return domain == Domain.ledger ? new Demo(out).run(LocalOptions.inMemory(), atEnd)
                    : new DemoSubscriptions(out).run(LocalOptions.inMemory(), atEnd);
        } finally {
            if (logFile != null) logFile.close();
        }
    }

    /** {@code --keep}: the console over the demo's stack until Ctrl-C (SIGTERM); then the console and the stack stop. */
    private void keep(LocalStack stack, Path logPath) throws Exception {
        RunningConsole console = RunningConsole.start(stack.endpoints(), stack.domains(), 0,
                () -> Optional.ofNullable(logPath));
        Path file = LocalEndpoints.defaultFile();
        CountDownLatch stopped = LocalCommand.publishUntilExit("playback demo", stack, console, file, () -> {
        });
        out.println();
        out.println("console         " + console.url());
        out.println("endpoints file  " + file + " (playback status, rebuild, verify, ... reach this stack)");
        out.println("playback demo --keep: the stack and the console keep running; Ctrl-C stops them");
        out.flush();
        stopped.await();
    }
}

package dev.playback.tools;

import dev.onebox.http.LocalApi;
import dev.playback.tools.cli.LocalEndpoints;
import dev.playback.tools.cli.Streams;
import dev.playback.tools.cli.Usage;
import dev.playback.tools.cli.UsageException;
import dev.playback.tools.console.RunningConsole;
import dev.playback.tools.logs.FunctionLogFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code playback local}: the stack of template.yaml on this machine until Ctrl-C. */
@Command(name = "local", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Runs the local stack until Ctrl-C and prints every endpoint, physical name, state machine ARN and the "
                + "URLs of the local external services; writes them to .playback/local.json for the other commands.",
                "With --data DIR all state is on disk and a restart resumes (start an interrupted rebuild again with the same "
                        + "--replay-id). Switching --fee-rule or --proration-rule is a redeploy: stop and start again."})
final class LocalCommand implements Callable<Integer> {
    /** The template's AllowedValues of FeeRule (v3: a sample bug that parks EUR payouts; v4: its fix). */
    enum FeeRule { v1, v2, v3, v4 }

    /** The template's AllowedValues of ProrationRule. */
    enum Rule { v1, v2 }

    enum Auth { none, iam }

    @Option(names = "--data", paramLabel = "DIR", description = "keep all state on disk in DIR (default: in memory)")
    Path data;

    @Option(names = "--port", paramLabel = "N", converter = Usage.PortNumber.class,
            description = "the HTTP API's port on 127.0.0.1 (default: a free one)")
    int port;

    @Option(names = "--fee-rule", paramLabel = "FEE_RULE", description = "the ledger's fee rule: ${COMPLETION-CANDIDATES}")
    FeeRule feeRule;

    @Option(names = "--proration-rule", paramLabel = "RULE", description = "the subscriptions' proration rule: ${COMPLETION-CANDIDATES}")
    Rule prorationRule;

    @Option(names = "--auth", paramLabel = "AUTH", defaultValue = "none",
            description = "the API's authorization: ${COMPLETION-CANDIDATES} (iam: every route requires a SigV4 signature with "
                    + "the local credentials, as on AWS; default: ${DEFAULT-VALUE})")
    Auth auth;

    @Option(names = "--verbose", description = "print the functions' log and metric lines here instead of to .playback/logs/local-<time>.log")
    boolean verbose;

    @Option(names = "--console-port", paramLabel = "N", converter = Usage.PortNumber.class,
            description = "the replay console's port on 127.0.0.1 (default: a free one)")
    int consolePort;

    @Option(names = "--no-console", description = "do not serve the replay console")
    boolean noConsole;

    private final PrintStream out;

    LocalCommand(Streams streams) {
        this.out = streams.out();
    }

    @Override
    public Integer call() throws Exception {
        LocalOptions options = LocalOptions.inMemory().withApiPort(port)
                .withApiAuth(LocalApi.Auth.parse(auth.name()));
        if (data != null) options = options.withDataDir(data);
        if (feeRule != null) options = options.withParameter("FeeRule", feeRule.name());
        if (prorationRule != null) options = options.withParameter("ProrationRule", prorationRule.name());
        if (port != 0) requireFree(port);
        if (noConsole && consolePort != 0) throw new UsageException("option --console-port cannot be combined with --no-console");
        if (consolePort != 0) requireFree(consolePort, "--console-port");
        FunctionLogFile logFile = verbose ? null : FunctionLogFile.open("local");
        LocalStack stack;
        try {
            stack = LocalStack.start(options);
        } catch (Exception e) {
            if (logFile != null) logFile.close();
            if (port != 0 && causedBy(e, BindException.class)) throw busy(port, e);
            throw e;
        }
        Path file = LocalEndpoints.defaultFile();
        RunningConsole console;
        try {
            console = noConsole ? null : RunningConsole.start(stack.endpoints(), stack.domains(), consolePort,
                    () -> Optional.ofNullable(logFile).map(FunctionLogFile::path));
        } catch (Exception e) {
            stack.close();
            if (logFile != null) logFile.close();
            throw e;
        }
        CountDownLatch stop = publishUntilExit("playback local", stack, console, file, () -> {
            if (logFile != null) logFile.close();
        });
        stack.describe(out);
        if (console != null) out.println("console         " + console.url());
        out.println("endpoints file  " + file);
        if (logFile != null) out.println("function logs   " + logFile.path() + " (playback metrics summarises them; --verbose: here)");
        if (options.dataDir() != null) out.println("data            " + options.dataDir().toAbsolutePath());
        out.println("playback local: running; Ctrl-C stops it");
        out.flush();
        stop.await();
        return 0;
    }

    /**
     * Writes the endpoints file of {@code stack} (with the console's URL when {@code console} is not null) and, at exit
     * (Ctrl-C, SIGTERM), removes it and stops the console, the stack and then {@code last}; the latch returned opens once
     * they have stopped.
     */
    static CountDownLatch publishUntilExit(String command, LocalStack stack, RunningConsole console, Path file, Runnable last) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            removeEndpointsFile(file, command);
            try {
                if (console != null) console.close();
            } finally {
                stack.close();
                last.run();
                stopped.countDown();
            }
        }, command.replace(' ', '-') + "-stop"));
        LocalEndpoints endpoints = stack.endpoints();
        (console == null ? endpoints : endpoints.withConsole(console.url())).write(file);
        return stopped;
    }

    /** Removes the endpoints file at exit (the stack it names stops); a failure is said on standard error, naming the file. */
    static void removeEndpointsFile(Path file, String command) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.err.println(command + ": could not remove " + file + ": " + e);
        }
    }

    /** Fails before any emulator starts when another process holds the API's port. */
    static void requireFree(int port) {
        requireFree(port, "--port");
    }

    /** Fails before any emulator starts when another process holds the port that {@code option} chose. */
    static void requireFree(int port, String option) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw busy(port, option, e);
        }
    }

    private static Usage.PortInUse busy(int port, Exception cause) {
        return busy(port, "--port", cause);
    }

    private static Usage.PortInUse busy(int port, String option, Exception cause) {
        return new Usage.PortInUse("port " + port + " on " + InetAddress.getLoopbackAddress().getHostAddress()
                + " is busy (another process listens on it): stop that process or choose another " + option, cause);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }
}

package dev.playback.tools.console;

import dev.playback.model.domain.Domains;
import dev.playback.tools.cli.LocalEndpoints;
import dev.playback.tools.cli.Streams;
import dev.playback.tools.cli.Usage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code playback console}: the replay console in the browser, for the running local stack or a deployed one, until Ctrl-C. */
@Command(name = "console", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
        description = {"Serves the replay console on 127.0.0.1 until Ctrl-C and prints its URL: the replays with their progress and "
                + "state machine graph, the generations per processor (with a confirmed rollback), the latest verification's drift, "
                + "a replay's external effects, an aggregate's events and states, and health from the metrics.",
                "It reads the running 'playback local' (its endpoints file), or with --aws --stack NAME a deployed stack with the "
                        + "SDK's default credentials and region; its only write is a rollback."})
public final class ConsoleCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", converter = Usage.PortNumber.class,
            description = "the console's port on 127.0.0.1 (default: a free one)")
    int port;

    @Option(names = "--aws", description = "read a deployed stack (the SDK's default credentials and region) instead of the running 'playback local'")
    boolean aws;

    @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose outputs name its tables, buckets, state machines and API")
    String stack;

    @Option(names = "--local-file", paramLabel = "FILE", description = "the running local stack's endpoints file (default: .playback/local.json; $PLAYBACK_LOCAL_FILE)")
    Path localFile;

    @Option(names = "--domains", paramLabel = "CLASSES",
            description = "the stack's Domain classes, comma-separated, for the aggregate page's fold (default: the sample domains, "
                    + ConsoleSetup.SAMPLE_DOMAINS + ", as template.yaml deploys them)")
    String domains;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    public ConsoleCommand(Streams streams) {
        this.out = streams.out();
    }

    @Override
    public Integer call() throws Exception {
        if (!aws && stack != null) throw Usage.error(spec, "option --stack needs --aws");
        if (aws && stack == null) throw Usage.error(spec, "option --aws needs --stack NAME (the console reads the stack's outputs)");
        if (aws && localFile != null) throw Usage.error(spec, "option --local-file cannot be combined with --aws");
        Domains loaded;
        try {
            loaded = Domains.load(domains == null ? ConsoleSetup.SAMPLE_DOMAINS : domains);
        } catch (IllegalArgumentException e) {
            throw Usage.error(spec, "option --domains: " + e.getMessage());
        }
        ConsoleData data = aws ? ConsoleSetup.aws(stack, loaded)
                : ConsoleSetup.local(localFile == null ? LocalEndpoints.defaultFile() : localFile, loaded);
        ConsoleServer server;
        try {
            server = serve(data, port, "--port");
        } catch (RuntimeException | IOException e) {
            data.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            data.close();
            stopped.countDown();
        }, "playback-console-stop"));
        out.println("console         " + server.url() + "  (" + data.connection().where() + ")");
        out.println("playback console: running; Ctrl-C stops it");
        out.flush();
        stopped.await();
        return Usage.OK;
    }

    /** Starts the console on {@code port}; a busy port fails naming {@code option}. */
    public static ConsoleServer serve(ConsoleData data, int port, String option) throws IOException {
        try {
            return ConsoleServer.start(data, port);
        } catch (BindException e) {
            throw new Usage.PortInUse("port " + port + " on " + InetAddress.getLoopbackAddress().getHostAddress()
                    + " is busy (another process listens on it): stop that process or choose another " + option, e);
        }
    }
}

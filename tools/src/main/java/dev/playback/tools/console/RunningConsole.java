package dev.playback.tools.console;

import dev.playback.model.domain.Domains;
import dev.playback.tools.cli.LocalEndpoints;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** The console served for an in-process local stack ({@code playback local}, {@code playback demo --keep}); closing stops it. */
public record RunningConsole(ConsoleData data, ConsoleServer server) implements AutoCloseable {
    /** Serves the console for the stack at {@code endpoints}, which runs {@code domains}, on {@code port} (0: a free one). */
    public static RunningConsole start(LocalEndpoints endpoints, Domains domains, int port, Supplier<Optional<Path>> logFile)
            throws IOException {
        ConsoleData data = ConsoleSetup.local(endpoints, "local stack (pid " + endpoints.pid() + ")", domains, logFile);
        try {
            return new RunningConsole(data, ConsoleCommand.serve(data, port, "--console-port"));
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
    }

    public URI url() {
        return server.url();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            data.close();
        }
    }
}

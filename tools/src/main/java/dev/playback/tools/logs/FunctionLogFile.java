package dev.playback.tools.logs;

import dev.onebox.lambda.FunctionLogs;
import dev.playback.tools.cli.LocalEndpoints;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The file the in-process functions' log lines and metric lines go to while a command runs ({@code demo},
 * {@code local}): {@code <name>-<time>.log} in the {@code logs} folder beside the endpoints file
 * ({@code .playback/logs/} by default), where {@code playback metrics} reads them. Closing it sends the lines back to
 * standard error.
 */
public final class FunctionLogFile implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path path;
    private final PrintStream stream;

    private FunctionLogFile(Path path, PrintStream stream) {
        this.path = path;
        this.stream = stream;
    }

    /** The folder the log files go to: {@code logs} beside the endpoints file. */
    public static Path folder() {
        return LocalEndpoints.defaultFile().toAbsolutePath().resolveSibling("logs");
    }

    /** Opens {@code <folder>/<name>-<now>.log} and sends every following function log line to it. */
    public static FunctionLogFile open(String name) throws IOException {
        Path path = folder().resolve(name + "-" + STAMP.format(Instant.now()) + ".log");
        Files.createDirectories(path.getParent());
        PrintStream stream = new PrintStream(Files.newOutputStream(path), true, StandardCharsets.UTF_8);
        FunctionLogs.to(stream);
        return new FunctionLogFile(path, stream);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        FunctionLogs.toStandardError();
        stream.close();
    }
}

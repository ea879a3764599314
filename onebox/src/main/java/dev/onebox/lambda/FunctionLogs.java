package dev.onebox.lambda;

import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the log lines of hosted functions go, for this process: one line per {@code context.getLogger().log(...)}
 * call, {@code [Function requestId] message}, and one per line of their own logging ({@link #write(String)}), with
 * trailing line breaks removed (a handler that ends its
 * message with a newline, as Lambda's logger expects, makes no blank line). Standard error unless a caller (a command
 * line that keeps its own output clean) sends them elsewhere, e.g. to a file.
 */
public final class FunctionLogs {
    private static volatile Consumer<String> sink = line -> System.err.println(line);

    private FunctionLogs() {
    }

    /** Sends every following line to {@code lines}. */
    public static void to(Consumer<String> lines) {
        sink = Objects.requireNonNull(lines, "lines");
    }

    /** Sends every following line to {@code stream}, one {@code println} each. */
    public static void to(PrintStream stream) {
        Objects.requireNonNull(stream, "stream");
        to(stream::println);
    }

    /** Back to standard error (the default). */
    public static void toStandardError() {
        to(line -> System.err.println(line));
    }

    /** The line a function's message becomes. */
    static String line(String functionName, String requestId, String message) {
        String m = message == null ? "" : message;
        int end = m.length();
        while (end > 0 && (m.charAt(end - 1) == '\n' || m.charAt(end - 1) == '\r')) end--;
        return "[" + functionName + " " + requestId + "] " + m.substring(0, end);
    }

    static void write(String functionName, String requestId, String message) {
        sink.accept(line(functionName, requestId, message));
    }

    /**
     * Writes a line of a hosted function's own logging (its logging framework, not the {@code Context}'s logger) where
     * the lines go, as it is: such a line names the function itself if it wants to. Trailing line breaks are removed.
     */
    public static void write(String line) {
        String l = line == null ? "" : line;
        int end = l.length();
        while (end > 0 && (l.charAt(end - 1) == '\n' || l.charAt(end - 1) == '\r')) end--;
        sink.accept(l.substring(0, end));
    }
}

package dev.onebox.lambda;

import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the log lines of hosted functions go, for this process: one line per {@code context.getLogger().log(...)}
 * call, {@code [Function requestId] message}, with the message's trailing line breaks removed (a handler that ends its
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
}

package dev.playback.tools.console;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the console's health page reads its figures: the EMF lines of the local stack's function log file
 * ({@link LocalLogMetrics}) or CloudWatch ({@link CloudWatchMetrics}). The answer is {@code GET /api/health}'s body.
 */
public interface ConsoleMetrics extends AutoCloseable {
    ObjectNode health();

    /** Closes the clients it holds. */
    @Override
    default void close() {
    }
}

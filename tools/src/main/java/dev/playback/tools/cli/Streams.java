package dev.playback.tools.cli;

import java.io.PrintStream;

/** Where a command writes: its results on {@code out}, progress and messages on {@code err}. */
public record Streams(PrintStream out, PrintStream err) {
}

package dev.playback.tools.cli;

/** Bad command-line usage: the message names the option or argument at fault; the process exits with 2. */
public final class UsageException extends IllegalArgumentException {
    public UsageException(String message) {
        super(message);
    }
}

package dev.playback.tools.archive;

/**
 * An archive that cannot be imported as it is: damaged, truncated, changed, of a newer format, or holding events that
 * the target holds differently. Thrown before anything is written to the target; the message names the part and line
 * (or the aggregate and version) at fault.
 */
public final class ArchiveRefused extends RuntimeException {
    public ArchiveRefused(String message) {
        super(message);
    }

    public ArchiveRefused(String message, Throwable cause) {
        super(message, cause);
    }
}

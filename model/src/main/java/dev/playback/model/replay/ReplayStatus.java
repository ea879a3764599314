package dev.playback.model.replay;

/**
 * Where a replay stands. A rebuild or verification that FAILED or was ABORTED (its execution stopped, failed or
 * timed out) has ended: its generation is dropped and it cannot be resumed; a partial replay that FAILED keeps its
 * progress and resumes when started again (it has no generation of its own).
 */
public enum ReplayStatus {
    RUNNING, SUCCEEDED, FAILED, ABORTED;

    /** Whether a rebuild or verification in this status has ended for good. */
    public boolean ended() {
        return this == FAILED || this == ABORTED;
    }
}

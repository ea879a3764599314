package dev.playback.model.replay;

/** Where a replay stands. A FAILED replay keeps its checkpoints and resumes when started again. */
public enum ReplayStatus {
    RUNNING, SUCCEEDED, FAILED
}

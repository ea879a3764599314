package dev.onebox.sfn;

/** STANDARD workflows keep a history (capped at 25,000 events); EXPRESS ones do not. */
public enum WorkflowType {
    STANDARD, EXPRESS
}

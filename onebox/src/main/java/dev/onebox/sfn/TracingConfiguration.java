package dev.onebox.sfn;

/** A state machine's {@code tracingConfiguration} (X-Ray): kept and described as given; onebox sends no traces. */
public record TracingConfiguration(boolean enabled) {
    public static final TracingConfiguration DISABLED = new TracingConfiguration(false);
}

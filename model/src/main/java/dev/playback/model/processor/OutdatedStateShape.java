package dev.playback.model.processor;

/**
 * A stored state (or snapshot) of a processor in a shape its current code no longer reads: thrown by the processor's
 * {@code decode}, naming the processor and what is outdated. Rebuilding the processor ({@code playback rebuild
 * --processor NAME}) writes every state in the current shape.
 */
public final class OutdatedStateShape extends IllegalStateException {
    private final String processor;

    public OutdatedStateShape(String processor, String what) {
        super("a stored state of processor " + processor + " has an outdated shape (" + what + "); rebuild the processor "
                + "(playback rebuild --processor " + processor + ") to write every state in the current shape");
        this.processor = processor;
    }

    public String processor() {
        return processor;
    }
}

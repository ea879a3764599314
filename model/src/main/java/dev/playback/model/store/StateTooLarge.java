package dev.playback.model.store;

import java.util.Locale;

/**
 * A state was not saved because its stored item would pass the refuse size ({@link StateSizeLimits#limitBytes()}), kept
 * under the data store's own item limit (DynamoDB's 400 KB) so that the toolkit says which processor and aggregate grew,
 * not the store. Nothing was written: the stored state stays at {@link #storedVersion()}. On the live path the aggregate
 * is parked for the processor ({@link dev.playback.model.parking.Parking}), its events held back until it is unparked.
 */
public final class StateTooLarge extends RuntimeException {
    private final String processor;
    private final String aggregateId;
    private final String generation;
    private final long version;
    private final long storedVersion;
    private final long bytes;
    private final long limitBytes;

    /**
     * @param state         the state that was not saved
     * @param storedVersion the version of the stored state it would have replaced (0: none)
     * @param bytes         the size of its item
     * @param limitBytes    the refuse size it passed
     */
    public StateTooLarge(ProcessorState state, long storedVersion, long bytes, long limitBytes) {
        super(String.format(Locale.ROOT, "state of aggregate %s for processor %s (generation %s, version %d) is %d bytes, over the "
                        + "limit of %d bytes: not saved, the stored state stays at version %d", state.aggregateId(), state.processor(),
                state.generation(), state.version(), bytes, limitBytes, storedVersion));
        this.processor = state.processor();
        this.aggregateId = state.aggregateId();
        this.generation = state.generation();
        this.version = state.version();
        this.storedVersion = storedVersion;
        this.bytes = bytes;
        this.limitBytes = limitBytes;
    }

    public String processor() {
        return processor;
    }

    public String aggregateId() {
        return aggregateId;
    }

    public String generation() {
        return generation;
    }

    /** The version of the state that was not saved. */
    public long version() {
        return version;
    }

    /** The version the stored state stays at (0: none stored). */
    public long storedVersion() {
        return storedVersion;
    }

    public long bytes() {
        return bytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}

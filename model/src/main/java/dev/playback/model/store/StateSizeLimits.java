package dev.playback.model.store;

/**
 * How large one processor's state item may grow ({@link StateSizeGuard}): past {@code warningBytes} each save is logged
 * and counted, past {@code limitBytes} it is refused ({@link StateTooLarge}).
 *
 * @param warningBytes a save of an item larger than this is warned about
 * @param limitBytes   a save of an item larger than this is refused; at most {@link #STORE_LIMIT_BYTES}
 */
public record StateSizeLimits(long warningBytes, long limitBytes) {
    /** The data store's own item limit (DynamoDB: 400 KB). */
    public static final long STORE_LIMIT_BYTES = 400 * 1024;
    /** The default warning size: 8 KB, four times a new ledger account's state. */
    public static final long DEFAULT_WARNING_BYTES = 8 * 1024;
    /** The default refuse size: 350 KB, under the store's limit with room for the item's other attributes. */
    public static final long DEFAULT_LIMIT_BYTES = 350 * 1024;
    public static final StateSizeLimits DEFAULT = new StateSizeLimits(DEFAULT_WARNING_BYTES, DEFAULT_LIMIT_BYTES);

    public StateSizeLimits {
        if (warningBytes < 1) throw new IllegalArgumentException("warning size must be at least 1 byte, was " + warningBytes);
        if (limitBytes < warningBytes) {
            throw new IllegalArgumentException("limit " + limitBytes + " bytes is below the warning size " + warningBytes + " bytes");
        }
        if (limitBytes > STORE_LIMIT_BYTES) {
            throw new IllegalArgumentException("limit " + limitBytes + " bytes is over the data store's item limit of " + STORE_LIMIT_BYTES + " bytes");
        }
    }
}

package dev.playback.lambdas.aws.dynamodb;

/** DynamoDB's on-demand accounting of one item's write or read, by the item's size ({@link ItemSize}). */
public final class CapacityUnits {
    private CapacityUnits() {
    }

    /** Write units of writing an item of {@code bytes}: one per started KB (1,024 bytes), at least one. */
    public static long write(long bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    /** Read units of reading an item of {@code bytes}: one per started 4 KB strongly consistent, half that eventually consistent. */
    public static double read(long bytes, boolean consistent) {
        long units = Math.max(1, (bytes + 4095) / 4096);
        return consistent ? units : units / 2.0;
    }
}

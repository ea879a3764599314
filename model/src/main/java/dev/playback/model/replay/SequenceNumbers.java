package dev.playback.model.replay;

import java.math.BigInteger;

/** Kinesis sequence numbers: decimal strings (56 digits on AWS today), compared as big integers. */
public final class SequenceNumbers {
    /** Zero-padded to this width, strings compare like the numbers (with room beyond today's 56 digits). */
    public static final int WIDTH = 80;

    private SequenceNumbers() {
    }

    public static int compare(String a, String b) {
        return new BigInteger(a).compareTo(new BigInteger(b));
    }

    public static String max(String a, String b) {
        if (a == null) return b;
        if (b == null) return a;
        return compare(a, b) >= 0 ? a : b;
    }

    public static String min(String a, String b) {
        if (a == null) return b;
        if (b == null) return a;
        return compare(a, b) <= 0 ? a : b;
    }

    /** Zero-padded to {@link #WIDTH} digits: string order = numeric order (for conditional writes). */
    public static String padded(String sequenceNumber) {
        String digits = new BigInteger(sequenceNumber).toString();
        if (digits.length() > WIDTH) throw new IllegalArgumentException("sequence number " + sequenceNumber + " is longer than " + WIDTH + " digits");
        return "0".repeat(WIDTH - digits.length()) + digits;
    }
}

package dev.playback.model.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A client's {@code Idempotency-Key} for one {@code POST /events}: a retry of the same request with the same key gets
 * the same event ids, so the pump's deduplication by event id makes the retry a no-op.
 *
 * <p>Event ids derived from a key, format version 1 (a stored format: never change it, add a version):
 * {@code ik1-<h>-<index>}, where {@code <h>} is the first 32 lowercase hex digits (128 bits) of the SHA-256 of the
 * key's UTF-8 bytes and {@code <index>} the event's position in the body (0 for a single event object, 0.. in an
 * array). Events that carry their own {@code eventId} keep it. A key is 1–255 printable ASCII characters
 * (U+0021–U+007E), e.g. a UUID.
 */
public record IdempotencyKey(String value) {
    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_LENGTH = 255;
    /** The prefix of event ids derived with format version 1. */
    public static final String FORMAT_V1 = "ik1-";

    public IdempotencyKey {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new InvalidEventException(HEADER, "header '" + HEADER + "' must be 1-" + MAX_LENGTH
                    + " printable ASCII characters, got " + (value == null || value.isEmpty() ? "an empty value" : value.length() + " characters"));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new InvalidEventException(HEADER, "header '" + HEADER + "' must be printable ASCII characters without spaces (U+0021-U+007E); "
                        + "character " + i + " is " + String.format("U+%04X", (int) c));
            }
        }
    }

    /** The id of the event at {@code index} of the request, when it carries none of its own. */
    public String eventId(int index) {
        if (index < 0) throw new IllegalArgumentException("event index must be >= 0, got " + index);
        return FORMAT_V1 + hash() + "-" + index;
    }

    private String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

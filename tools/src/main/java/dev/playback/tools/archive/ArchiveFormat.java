package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The archive file of {@code playback export} / {@code playback import}, format version {@value #VERSION}
 * (docs/archive-format.md): one gzip stream of JSON lines, UTF-8. Line 1 is the manifest; then each part of
 * {@link #PARTS}, in that order, as a header line {@code {"part": NAME, "lines": N}} followed by its N lines; the last
 * line is {@code {"end": "playback-archive"}}. The manifest holds, per part, the count of its lines and the SHA-256 of
 * their bytes (each line with its {@code \n}).
 */
public final class ArchiveFormat {
    /** The value of the manifest's {@code format}. */
    public static final String NAME = "playback-archive";
    /** The format version this code writes, and the newest it reads. */
    public static final int VERSION = 1;
    public static final String MANIFEST = "manifest";
    public static final String EVENTS = "events";
    public static final String QUERIES = "queries";
    public static final String COMMANDS = "commands";
    /** The parts after the manifest, in file order. */
    public static final List<String> PARTS = List.of(EVENTS, QUERIES, COMMANDS);

    static final ObjectMapper JSON = new ObjectMapper();

    private ArchiveFormat() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Adds one line (its UTF-8 bytes and the newline) to a part's digest. */
    static void digest(MessageDigest part, String line) {
        part.update(line.getBytes(StandardCharsets.UTF_8));
        part.update((byte) '\n');
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}

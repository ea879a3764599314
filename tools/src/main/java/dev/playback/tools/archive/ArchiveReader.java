package dev.playback.tools.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads an archive ({@link ArchiveFormat}) line by line and refuses it ({@link ArchiveRefused}, naming the part and
 * line) when it is not gzip, damaged, truncated, changed (a part's line count or SHA-256 differs from the manifest) or
 * of a newer format version. A part's lines are handed out as they are read: a caller that must not act on a bad
 * archive reads it whole once ({@link #verify}) before acting.
 */
public final class ArchiveReader {
    /** What the manifest says of one part. */
    public record PartSummary(String name, long lines, String sha256) {
    }

    /** The manifest: its format version, its parts and the whole JSON object. */
    public record Manifest(int formatVersion, List<PartSummary> parts, ObjectNode json) {
        public PartSummary part(String name) {
            return parts.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new ArchiveRefused("part manifest, line 1: names no part " + name));
        }
    }

    /** Receives each line of each part, with its 1-based number in the part. */
    public interface LineVisitor {
        void line(String part, long lineInPart, JsonNode line);
    }

    private ArchiveReader() {
    }

    /** Reads the whole archive, checking every line, count and checksum; returns the manifest. */
    public static Manifest verify(Path file) {
        return read(file, (part, n, line) -> {
        });
    }

    /** Reads the whole archive, checking as it goes, and hands every line of every part to {@code visitor}. */
    public static Manifest read(Path file, LineVisitor visitor) {
        try (InputStream raw = open(file)) {
            GZIPInputStream gzip;
            try {
                gzip = new GZIPInputStream(raw, 1 << 16);
            } catch (ZipException | EOFException e) {
                throw new ArchiveRefused(file + " is not a playback archive (not gzip: " + e.getMessage() + "): part manifest, line 1", e);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(gzip, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
            return new Lines(file, in).readAll(visitor);
        } catch (NoSuchFileException e) {
            throw new ArchiveRefused("no archive " + file + " (no such file)", e);
        } catch (IOException e) {
            throw new ArchiveRefused("cannot read the archive " + file + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        return Files.newInputStream(file);
    }

    /** The reading of one archive: where it is (part, line in the part, line in the file) for every message. */
    private static final class Lines {
        private final Path file;
        private final BufferedReader in;
        private long fileLine;
        private String part = ArchiveFormat.MANIFEST;
        private long partLine;

        Lines(Path file, BufferedReader in) {
            this.file = file;
            this.in = in;
        }

        Manifest readAll(LineVisitor visitor) {
            Manifest manifest = manifest(next("the manifest"));
            for (String name : ArchiveFormat.PARTS) {
                PartSummary expected = manifest.part(name);
                part = name;
                partLine = 0;
                String header = next("the header of part " + name);
                JsonNode h = json(header);
                if (!name.equals(h.path("part").asText()) || h.path("lines").asLong(-1) != expected.lines()) {
                    throw refused("expected the header of part " + name + " with " + expected.lines() + " lines, found " + clip(header));
                }
                MessageDigest digest = ArchiveFormat.sha256();
                for (long i = 1; i <= expected.lines(); i++) {
                    partLine = i;
                    String line = nextInPart(expected);
                    ArchiveFormat.digest(digest, line);
                    visitor.line(name, i, json(line));
                }
                String actual = ArchiveFormat.hex(digest);
                if (!actual.equals(expected.sha256())) {
                    throw new ArchiveRefused(String.format(Locale.ROOT, "part %s (lines 1 to %,d) of %s was changed: its SHA-256 is %s, "
                            + "the manifest says %s", name, expected.lines(), file, actual, expected.sha256()));
                }
            }
            part = "end";
            partLine = 0;
            String end = next("the end line");
            if (!ArchiveFormat.NAME.equals(json(end).path("end").asText())) throw refused("expected the end line, found " + clip(end));
            try {
                if (in.readLine() != null) throw refused("lines after the end line");
            } catch (IOException e) {
                throw damaged(e);
            }
            return manifest;
        }

        private Manifest manifest(String line) {
            JsonNode n = json(line);
            if (!n.isObject() || !ArchiveFormat.NAME.equals(n.path("format").asText())) {
                throw refused("not a playback archive manifest (no \"format\": \"" + ArchiveFormat.NAME + "\")");
            }
            int version = n.path("formatVersion").asInt(0);
            if (version < 1) throw refused("the manifest has no formatVersion");
            if (version > ArchiveFormat.VERSION) {
                throw refused("archive format version " + version + " is newer than this playback reads (up to "
                        + ArchiveFormat.VERSION + "): use a newer playback");
            }
            List<PartSummary> parts = new ArrayList<>();
            for (JsonNode p : n.path("parts")) {
                parts.add(new PartSummary(p.path("name").asText(), p.path("lines").asLong(-1), p.path("sha256").asText()));
            }
            Manifest m = new Manifest(version, List.copyOf(parts), (ObjectNode) n);
            for (String name : ArchiveFormat.PARTS) {
                if (parts.stream().noneMatch(p -> p.name().equals(name) && p.lines() >= 0 && p.sha256().length() == 64)) {
                    throw refused("the manifest lists no part " + name + " with its lines and sha256");
                }
            }
            return m;
        }

        private String nextInPart(PartSummary expected) {
            String line = read();
            if (line == null) {
                throw new ArchiveRefused(String.format(Locale.ROOT, "%s is truncated: part %s ends after line %,d of the %,d the manifest "
                        + "lists (archive line %,d)", file, part, partLine - 1, expected.lines(), fileLine));
            }
            return line;
        }

        private String next(String what) {
            String line = read();
            if (line == null) throw new ArchiveRefused(file + " is truncated: " + what + " is missing (" + where() + ")");
            return line;
        }

        private String read() {
            try {
                String line = in.readLine();
                if (line != null) fileLine++;
                return line;
            } catch (IOException e) {
                throw damaged(e);
            }
        }

        private ArchiveRefused damaged(IOException e) {
            String why = e instanceof EOFException ? "truncated" : "damaged";
            return new ArchiveRefused(file + " is " + why + " (" + e.getMessage() + ") at " + where()
                    + ": it cannot be read past this point", e);
        }

        private JsonNode json(String line) {
            try {
                return ArchiveFormat.JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw refused("not JSON (" + e.getOriginalMessage() + ")");
            }
        }

        private ArchiveRefused refused(String why) {
            return new ArchiveRefused(file + ": " + why + ": " + where());
        }

        private String where() {
            if (ArchiveFormat.MANIFEST.equals(part)) return String.format(Locale.ROOT, "part manifest, line %,d", Math.max(1, fileLine));
            if ("end".equals(part)) return String.format(Locale.ROOT, "the end line, archive line %,d", fileLine);
            if (partLine == 0) return String.format(Locale.ROOT, "header of part %s, archive line %,d", part, fileLine);
            return String.format(Locale.ROOT, "part %s, line %,d (archive line %,d)", part, partLine, fileLine);
        }

        private static String clip(String s) {
            return s.length() <= 80 ? s : s.substring(0, 80) + "…";
        }
    }
}

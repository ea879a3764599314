package dev.playback.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.RecordedQuery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a playback archive, format version 1 (docs/archive-format.md): a gzip stream of JSON lines, the manifest first,
 * then the parts {@code events}, {@code queries} and {@code commands}, each a header and its lines, then the end line.
 * The command line's reader ({@code dev.playback.tools.archive.ArchiveReader}) lives in the tools, beside the AWS
 * import; this one reads the same format for tests, with no AWS on the class path. It checks what the format promises
 * (each part's line count and SHA-256, the format version, the end line, versions contiguous per aggregate) and names
 * the part and line of whatever it refuses.
 */
final class ArchiveFile {
    static final String NAME = "playback-archive";
    static final int VERSION = 1;
    private static final List<String> PARTS = List.of("events", "queries", "commands");

    private ArchiveFile() {
    }

    static History read(Path file) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16)) {
            return new Reading(file, in).history();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the archive " + file + ": " + e.getMessage(), e);
        }
    }

    private static final class Reading {
        private final Path file;
        private final BufferedReader in;
        private long line;

        Reading(Path file, BufferedReader in) {
            this.file = file;
            this.in = in;
        }

        History history() throws IOException {
            JsonNode manifest = json(next("the manifest"), "the manifest");
            if (!NAME.equals(manifest.path("format").asText())) throw refused("the manifest", "not a playback archive (no \"format\": \"" + NAME + "\")");
            int version = manifest.path("formatVersion").asInt(0);
            if (version < 1 || version > VERSION) {
                throw refused("the manifest", "archive format version " + version + " is not one this test kit reads (1 to " + VERSION + ")");
            }
            Map<String, JsonNode> declared = new HashMap<>();
            for (JsonNode p : manifest.path("parts")) declared.put(p.path("name").asText(), p);
            List<EventLine> events = new ArrayList<>();
            List<RecordedQuery> answers = new ArrayList<>();
            List<LoggedCommand> commands = new ArrayList<>();
            for (String part : PARTS) {
                JsonNode summary = declared.get(part);
                if (summary == null) throw refused("the manifest", "it lists no part " + part);
                long lines = summary.path("lines").asLong(-1);
                JsonNode header = json(next("the header of part " + part), "the header of part " + part);
                if (!part.equals(header.path("part").asText()) || header.path("lines").asLong(-2) != lines) {
                    throw refused("the header of part " + part, "expected {\"part\":\"" + part + "\",\"lines\":" + lines + "}, found " + header);
                }
                MessageDigest digest = sha256();
                for (long i = 1; i <= lines; i++) {
                    String where = "part " + part + ", line " + i;
                    String text = next(where);
                    digest.update(text.getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) '\n');
                    JsonNode n = json(text, where);
                    try {
                        switch (part) {
                            case "events" -> events.add(new EventLine(where, EventCodec.fromJson(n)));
                            case "queries" -> answers.add(new RecordedQuery(new QueryKey(n.path("processor").asText(), n.path("eventId").asText(),
                                    CallSite.parse(n.path("callSite").asText()), n.path("requestHash").asText()),
                                    n.get("request"), n.get("response"), n.path("recordedBy").asText()));
                            default -> commands.add(new LoggedCommand(n.path("processor").asText(), n.path("eventId").asText(),
                                    CallSite.parse(n.path("callSite").asText()), n.path("ordinal").asInt(),
                                    Disposition.valueOf(n.path("disposition").asText()), n.get("command"),
                                    n.path("idempotencyKey").asText(), n.path("replayId").asText(null)));
                        }
                    } catch (RuntimeException e) {
                        throw refused(where, e.getMessage());
                    }
                }
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(summary.path("sha256").asText())) {
                    throw refused("part " + part, "was changed: its SHA-256 is " + actual + ", the manifest says " + summary.path("sha256").asText());
                }
            }
            JsonNode end = json(next("the end line"), "the end line");
            if (!NAME.equals(end.path("end").asText())) throw refused("the end line", "expected {\"end\":\"" + NAME + "\"}, found " + end);
            if (in.readLine() != null) throw refused("after the end line", "lines follow the end line");
            return new History(contiguous(events), answers, commands);
        }

        /** The events, refused unless each aggregate's versions run 1, 2, 3, … (whole streams, as the format says). */
        private List<EventEnvelope> contiguous(List<EventLine> lines) {
            Map<String, Long> last = new HashMap<>();
            List<EventEnvelope> out = new ArrayList<>(lines.size());
            for (EventLine l : lines) {
                long expected = last.getOrDefault(l.event().aggregateId(), 0L) + 1;
                if (l.event().version() == null || l.event().version() != expected) {
                    throw refused(l.where(), "event " + l.event().eventId() + " of aggregate " + l.event().aggregateId() + " has version "
                            + l.event().version() + ", expected " + expected);
                }
                last.put(l.event().aggregateId(), expected);
                out.add(l.event());
            }
            return out;
        }

        private String next(String what) throws IOException {
            String text = in.readLine();
            if (text == null) throw refused(what, "the archive is truncated: it ends before " + what);
            line++;
            return text;
        }

        private JsonNode json(String text, String where) {
            try {
                return EventCodec.JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw refused(where, "not JSON (" + e.getOriginalMessage() + ")");
            }
        }

        private IllegalArgumentException refused(String where, String why) {
            return new IllegalArgumentException(file + ": " + where + " (archive line " + Math.max(line, 1) + "): " + why);
        }
    }

    private record EventLine(String where, EventEnvelope event) {
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

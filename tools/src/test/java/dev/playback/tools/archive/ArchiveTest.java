package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.ingest.Ingest;
import dev.playback.model.store.Appender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export and import on in-memory stacks: the round trip, importing twice, the refusals of bad archives (each with the
 * target left as it was), redaction on the archive's raw bytes, and an export resumed after an interruption.
 */
class ArchiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    private static final int ACCOUNTS = 10;
    /** Per account: opened, three deposits, a withdrawal, a payout. */
    private static final int EVENTS_PER_ACCOUNT = 6;
    private static final String BIG_TEXT = "x".repeat(Ingest.INLINE_PAYLOAD_BYTES + 10);

    @TempDir
    Path dir;
    MemoryStack source;
    ByteArrayOutputStream printed;

    @BeforeEach
    void history() {
        source = new MemoryStack();
        printed = new ByteArrayOutputStream();
        List<EventEnvelope> events = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            String acc = "acc-" + a;
            events.add(event(acc + "-open", acc, "AccountOpened", JSON.createObjectNode().put("owner", "Owner Person " + a).put("currency", "EUR"), 0));
            for (int d = 1; d <= 3; d++) events.add(event(acc + "-dep-" + d, acc, "MoneyDeposited", JSON.createObjectNode().put("amount", (10 * d) + ".25"), d));
            events.add(event(acc + "-wd", acc, "MoneyWithdrawn", JSON.createObjectNode().put("amount", "5.10"), 4));
            // account 1 pays out to its own owner: the beneficiary is the owner's name, so their tokens must join
            String beneficiary = a == 1 ? "Owner Person 1" : "Beneficiary Person " + a;
            events.add(event(acc + "-pay", acc, "PayoutRequested",
                    JSON.createObjectNode().put("amount", "7.00").put("targetCurrency", "USD").put("beneficiary", beneficiary), 5));
        }
        new Appender(source.log).append(events, T0);
        // one payload too large to travel inline: kept aside as ingest keeps it
        EventEnvelope big = event("acc-0-note", "acc-0", "NoteAdded", JSON.createObjectNode().put("text", BIG_TEXT), 6);
        byte[] bytes = big.payload().toString().getBytes(StandardCharsets.UTF_8);
        new Appender(source.log).append(List.of(big.withPayloadRef(source.payloads.put(Ingest.payloadKey(big, bytes), bytes))), T0);
        for (int a = 0; a < ACCOUNTS; a++) {
            String pay = "acc-" + a + "-pay";
            String beneficiary = a == 1 ? "Owner Person 1" : "Beneficiary Person " + a;
            source.queries().put(new RecordedQuery(new QueryKey("payouts", pay, new CallSite("fx", "rate"), "hash-" + a),
                    JSON.createObjectNode().put("from", "EUR").put("to", "USD"), JSON.createObjectNode().put("rate", "1.08" + a), "live"));
            ObjectNode command = JSON.createObjectNode().put("payoutId", pay).put("beneficiary", beneficiary).put("currency", "USD").put("amount", "7.49");
            source.commands.append(new LoggedCommand("payouts", pay, new CallSite("bank", "payout"), 0, Disposition.PENDING, command, "key-" + a, null));
            source.commands.append(new LoggedCommand("payouts", pay, new CallSite("bank", "payout"), 0, Disposition.SENT, command, "key-" + a, null));
        }
    }

    private static EventEnvelope event(String id, String aggregate, String type, ObjectNode payload, int minute) {
        Instant at = T0.plusSeconds(60L * minute);
        return new EventEnvelope(id, aggregate, type, 1, null, null, at.minusSeconds(5), at, payload, null, null);
    }

    private Path export(List<String> redact) throws IOException {
        Path file = dir.resolve("history.playback.gz");
        new Exporter(source, new PrintStream(printed, true, StandardCharsets.UTF_8), CLOCK)
                .export(ExportScope.whole(), redact, JSON.createObjectNode().put("kind", "memory"), file);
        return file;
    }

    private Importer.Result importInto(MemoryStack target, Path file) {
        return new Importer(target, new PrintStream(printed, true, StandardCharsets.UTF_8), CLOCK).importArchive(file);
    }

    @Test
    void an_exported_history_imported_into_an_empty_stack_holds_every_event_answer_and_command_log_entry_as_the_source() throws IOException {
        Path file = export(List.of());
        MemoryStack target = new MemoryStack();

        Importer.Result r = importInto(target, file);

        assertEquals(ACCOUNTS * EVENTS_PER_ACCOUNT + 1, r.newEvents());
        assertEquals(0, r.presentEvents());
        assertEquals(ACCOUNTS, r.newQueries());
        assertEquals(2 * ACCOUNTS, r.newCommands());
        assertEquals(source.snapshot(), target.snapshot());
        EventEnvelope note = target.log.read("acc-0", 7, 1).get(0);
        assertEquals(BIG_TEXT, note.payload().get("text").asText());
        assertEquals(1, target.payloads.size(), "the large payload is kept aside in the target too");
        assertEquals(T0.plusSeconds(360), note.recordedAt());
    }

    @Test
    void the_manifest_names_the_format_version_the_counts_per_type_the_recorded_times_and_a_checksum_per_part() throws IOException {
        Path file = export(List.of());

        JsonNode manifest = JSON.readTree(lines(file).get(0));

        assertEquals("playback-archive", manifest.path("format").asText());
        assertEquals(1, manifest.path("formatVersion").asInt());
        assertEquals(61, manifest.path("events").asLong());
        assertEquals("{\"AccountOpened\":10,\"MoneyDeposited\":30,\"MoneyWithdrawn\":10,\"NoteAdded\":1,\"PayoutRequested\":10}",
                manifest.path("countsByType").toString());
        assertEquals("2026-03-01T09:00:00Z", manifest.path("firstRecordedAt").asText());
        assertEquals("2026-03-01T09:06:00Z", manifest.path("lastRecordedAt").asText());
        assertEquals(List.of("events", "queries", "commands"), manifest.path("parts").findValuesAsText("name"));
        for (JsonNode p : manifest.path("parts")) assertTrue(p.path("sha256").asText().matches("[0-9a-f]{64}"), p::toString);
    }

    @Test
    void a_scoped_export_finds_its_aggregates_through_the_event_index_and_takes_every_event_of_each() throws IOException {
        Path byType = dir.resolve("by-type.playback.gz");
        Path byWindow = dir.resolve("by-window.playback.gz");
        Path byIds = dir.resolve("by-ids.playback.gz");
        Exporter exporter = new Exporter(source, new PrintStream(printed, true, StandardCharsets.UTF_8), CLOCK);

        exporter.export(new ExportScope(List.of(), List.of("NoteAdded"), null, null, null), List.of(), JSON.createObjectNode(), byType);
        exporter.export(new ExportScope(List.of(), List.of(), T0.plusSeconds(360), T0.plusSeconds(420), null), List.of(),
                JSON.createObjectNode(), byWindow);
        exporter.export(new ExportScope(List.of("acc-2", "acc-7", "nobody"), List.of("PayoutRequested"), null, null, null), List.of(),
                JSON.createObjectNode(), byIds);

        assertFalse(source.listedAll, "no scoped export lists the whole table");
        assertEquals(List.of("acc-0"), aggregatesIn(byType));
        assertEquals(7, JSON.readTree(lines(byType).get(0)).path("events").asLong(), "every event of acc-0, not only its NoteAdded");
        assertEquals(List.of("acc-0"), aggregatesIn(byWindow), "only acc-0 has an event recorded in [09:06, 09:07)");
        assertEquals(List.of("acc-2", "acc-7"), aggregatesIn(byIds));
    }

    private static List<String> aggregatesIn(Path file) throws IOException {
        return lines(file).stream().skip(1).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).filter(n -> n.has("type") && n.has("version")).map(n -> n.get("aggregateId").asText()).distinct().toList();
    }

    @Test
    void importing_the_same_archive_twice_changes_nothing_the_second_time() throws IOException {
        Path file = export(List.of());
        MemoryStack target = new MemoryStack();
        importInto(target, file);
        String before = target.snapshot();

        Importer.Result again = importInto(target, file);

        assertEquals(0, again.newEvents());
        assertEquals(61, again.presentEvents());
        assertEquals(0, again.newQueries());
        assertEquals(10, again.presentQueries());
        assertEquals(0, again.newCommands());
        assertEquals(20, again.presentCommands());
        assertEquals(before, target.snapshot());
    }

    @Test
    void an_import_that_stopped_half_way_goes_on_where_it_stopped_and_says_so() throws IOException {
        Path file = export(List.of());
        MemoryStack target = new MemoryStack();
        // what an import that stopped after some aggregates left behind: their events, appended as the import appends them
        new Appender(target.log).append(source.log.read("acc-0", 1, 3).stream()
                .map(e -> new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), e.schemaVersion(), null, null, e.occurredAt(),
                        e.recordedAt(), e.payload(), null, e.metadata())).toList(), T0);

        Importer.Result r = importInto(target, file);

        assertEquals(3, r.presentEvents());
        assertEquals(58, r.newEvents());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("resuming: 3 of the archive's 61 events are in the target already"),
                printed::toString);
        assertEquals(source.snapshot(), target.snapshot());
    }

    @Test
    void a_truncated_archive_is_refused_naming_where_it_ends_and_the_target_is_unchanged() throws IOException {
        Path file = export(List.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        MemoryStack target = new MemoryStack();

        ArchiveRefused refused = assertThrows(ArchiveRefused.class, () -> importInto(target, file));
        System.out.println("refused: " + refused.getMessage());

        assertTrue(refused.getMessage().contains("truncated"), refused::getMessage);
        assertTrue(refused.getMessage().matches("(?s).*part \\w+, line [0-9,]+.*"), refused::getMessage);
        assertEquals("", target.snapshot());
    }

    @Test
    void an_archive_with_one_byte_changed_inside_a_part_is_refused_by_that_parts_checksum_and_the_target_is_unchanged() throws IOException {
        Path file = export(List.of());
        List<String> lines = lines(file);
        int line = lines.indexOf(lines.stream().filter(l -> l.contains("\"acc-3-dep-2\"")).findFirst().orElseThrow());
        lines.set(line, lines.get(line).replace("\"20.25\"", "\"20.35\""));
        write(file, lines);
        MemoryStack target = new MemoryStack();

        ArchiveRefused refused = assertThrows(ArchiveRefused.class, () -> importInto(target, file));
        System.out.println("refused: " + refused.getMessage());

        assertTrue(refused.getMessage().contains("part events (lines 1 to 61) of " + file + " was changed: its SHA-256 is"), refused::getMessage);
        assertEquals("", target.snapshot());
    }

    @Test
    void an_archive_file_with_one_compressed_byte_changed_is_refused_naming_the_part_and_line_and_the_target_is_unchanged() throws IOException {
        Path file = export(List.of());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(file, bytes);
        MemoryStack target = new MemoryStack();

        ArchiveRefused refused = assertThrows(ArchiveRefused.class, () -> importInto(target, file));
        System.out.println("refused: " + refused.getMessage());

        assertTrue(refused.getMessage().matches("(?s).*(part \\w+|header of part \\w+|the end line).*"), refused::getMessage);
        assertEquals("", target.snapshot());
    }

    @Test
    void an_archive_of_a_newer_format_version_is_refused_at_the_manifest_and_the_target_is_unchanged() throws IOException {
        Path file = export(List.of());
        List<String> lines = lines(file);
        lines.set(0, lines.get(0).replace("\"formatVersion\":1", "\"formatVersion\":2"));
        write(file, lines);
        MemoryStack target = new MemoryStack();

        ArchiveRefused refused = assertThrows(ArchiveRefused.class, () -> importInto(target, file));
        System.out.println("refused: " + refused.getMessage());

        assertEquals(file + ": archive format version 2 is newer than this playback reads (up to 1): use a newer playback: part manifest, line 1",
                refused.getMessage());
        assertEquals("", target.snapshot());
    }

    @Test
    void an_archive_with_events_of_an_aggregate_the_target_holds_differently_is_refused_naming_it_and_nothing_is_written() throws IOException {
        Path file = export(List.of());
        MemoryStack target = new MemoryStack();
        new Appender(target.log).append(List.of(
                event("other-open", "acc-3", "AccountOpened", JSON.createObjectNode().put("owner", "Someone Else").put("currency", "EUR"), 0)), T0);
        String before = target.snapshot();

        ArchiveRefused refused = assertThrows(ArchiveRefused.class, () -> importInto(target, file));
        System.out.println("refused: " + refused.getMessage());

        assertTrue(refused.getMessage().contains("aggregate acc-3 version 1 is event other-open in the target, acc-3-open in the archive"),
                refused::getMessage);
        assertTrue(refused.getMessage().contains("nothing was written"), refused::getMessage);
        assertEquals(before, target.snapshot());
        assertTrue(target.log.statuses(List.of("acc-0-open", "acc-9-pay")).isEmpty(), "no event id of the archive was claimed");
    }

    @Test
    void redacted_values_are_nowhere_in_the_archives_bytes_and_one_value_gives_one_token_so_references_still_join() throws IOException {
        Path file = export(List.of("AccountOpened.owner", "PayoutRequested.beneficiary"));
        String raw = new String(gunzip(file), StandardCharsets.UTF_8);

        for (int a = 0; a < ACCOUNTS; a++) {
            assertFalse(raw.contains("Owner Person " + a), "owner of acc-" + a + " found in the archive");
            assertFalse(raw.contains("Beneficiary Person " + a), "beneficiary of acc-" + a + " found in the archive");
        }
        Map<String, JsonNode> byId = new TreeMap<>();
        List<JsonNode> commands = new ArrayList<>();
        for (String l : lines(file)) {
            JsonNode n = JSON.readTree(l);
            if (n.has("eventId") && n.has("type")) byId.put(n.get("eventId").asText(), n);
            if (n.has("command")) commands.add(n);
        }
        String ownerToken = byId.get("acc-1-open").path("payload").path("owner").asText();
        assertTrue(ownerToken.matches("redacted:[0-9a-f]{24}"), ownerToken);
        assertEquals(ownerToken, byId.get("acc-1-pay").path("payload").path("beneficiary").asText(), "the same person, the same token");
        assertNotEquals(ownerToken, byId.get("acc-2-open").path("payload").path("owner").asText());
        assertEquals(byId.get("acc-2-pay").path("payload").path("beneficiary").asText(),
                commands.stream().filter(c -> c.path("eventId").asText().equals("acc-2-pay")).findFirst().orElseThrow()
                        .path("command").path("beneficiary").asText(), "the command sent for the payout names the payout's token");
        assertEquals("{\"amount\":\"20.25\"}", byId.get("acc-2-dep-2").path("payload").toString(), "amounts are never changed");
        assertEquals(5, byId.get("acc-2-wd").path("version").asLong(), "versions are never changed");
        assertEquals(61, byId.size(), "every event, under its own id");
    }

    @Test
    void an_interrupted_export_resumes_after_the_last_aggregate_it_wrote_and_says_so() throws IOException {
        Path file = dir.resolve("resumed.playback.gz");
        source.beforeRead = id -> {
            if (id.equals("acc-5")) throw new IllegalStateException("connection reset (injected)");
        };
        Exporter exporter = new Exporter(source, new PrintStream(printed, true, StandardCharsets.UTF_8), CLOCK, 2);
        assertThrows(IllegalStateException.class,
                () -> exporter.export(ExportScope.whole(), List.of(), JSON.createObjectNode(), file));
        assertTrue(Files.isDirectory(Exporter.partialOf(file)));
        source.beforeRead = id -> {
        };

        Exporter.Result r = exporter.export(ExportScope.whole(), List.of(), JSON.createObjectNode(), file);

        assertTrue(r.resumed());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("resuming the interrupted export in " + Exporter.partialOf(file)
                + " after aggregate acc-3 (4 of 10 aggregates, 25 events done)"), printed::toString);
        assertFalse(Files.exists(Exporter.partialOf(file)));
        MemoryStack target = new MemoryStack();
        importInto(target, file);
        assertEquals(source.snapshot(), target.snapshot());
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(List.of(new String(gunzip(file), StandardCharsets.UTF_8).split("\n")));
    }

    private static void write(Path file, List<String> lines) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}

package dev.playback.test.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.LedgerFold;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static dev.playback.test.archive.ArchiveRoundTripIT.ev;
import static dev.playback.test.archive.ArchiveRoundTripIT.playback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole-table export through DynamoDB's export to S3 ({@code --whole-table s3}, the default with {@code --aws}) against
 * the local stack, whose DynamoDB emulator writes exports in AWS's layout: the archive holds the same events (ids,
 * versions, payloads, occurredAt, recordedAt), recorded answers and command log entries as the export through Scan
 * segments; the export's files are deleted afterwards; with point-in-time recovery off the export is refused naming the
 * table. Imported into an empty stack and rebuilt, the archive gives the balances of an independent fold of the source.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ArchiveTableExportIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOADED = 1_500;
    private static final int ACCOUNTS = 60;

    @TempDir
    Path dir;

    /** The lines of one part of an archive, read here by hand: the part header names its line count. */
    private static List<String> part(Path archive, String name) throws IOException {
        List<String> lines;
        try (var in = new GZIPInputStream(Files.newInputStream(archive))) {
            lines = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = JSON.readTree(lines.get(i));
            if (name.equals(n.path("part").asText())) return lines.subList(i + 1, i + 1 + n.path("lines").asInt());
        }
        throw new AssertionError(archive + " has no part " + name);
    }

    private static JsonNode manifest(Path archive) throws IOException {
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new GZIPInputStream(Files.newInputStream(archive)), StandardCharsets.UTF_8))) {
            return JSON.readTree(in.readLine());
        }
    }

    /** Each event's id, aggregate, version, payload, occurredAt and recordedAt, by event id. */
    private static Map<String, List<String>> events(Path archive) throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        for (String line : part(archive, "events")) {
            JsonNode e = JSON.readTree(line);
            out.put(e.get("eventId").asText(), List.of(e.get("aggregateId").asText(), e.get("version").asText(), e.get("payload").toString(),
                    e.get("occurredAt").asText(), e.get("recordedAt").asText()));
        }
        return out;
    }

    @Test
    void a_whole_table_export_through_s3_holds_what_the_scan_export_holds_and_imports_to_the_balances_of_an_independent_fold() throws Exception {
        Path viaScan = dir.resolve("scan.playback.gz");
        Path viaS3 = dir.resolve("s3.playback.gz");
        LedgerFold.Result sourceFold;
        try (LocalStack stack = ArchiveRoundTripIT.source(LOADED, ACCOUNTS, Instant.parse("2026-02-01T00:00:00Z"),
                ev("open-x", "acc-x", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}"),
                ev("dep-x", "acc-x", "MoneyDeposited", "{\"amount\":\"500.00\"}"),
                ev("p-x1", "acc-x", "PayoutRequested", "{\"amount\":\"120.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}"),
                ev("p-x2", "acc-x", "PayoutRequested", "{\"amount\":\"30.10\",\"targetCurrency\":\"EUR\",\"beneficiary\":\"Bob\"}"))) {
            sourceFold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
            Path local = dir.resolve("source.json");
            stack.endpoints().write(local);
            String table = stack.physicalName("EventsTable");
            String bucket = stack.physicalName("ReportBucket");

            ArchiveRoundTripIT.Run scan = playback("export", "--out", viaScan.toString(), "--local-file", local.toString(), "--whole-table", "scan");
            ArchiveRoundTripIT.Run s3 = playback("export", "--out", viaS3.toString(), "--local-file", local.toString(), "--whole-table", "s3");

            assertEquals(0, scan.code(), scan.err());
            assertEquals(0, s3.code(), s3.err());
            System.out.print(s3.out());
            assertTrue(s3.out().contains("export to S3: COMPLETED"), s3.out());
            assertTrue(s3.out().contains("exported 1,504 events of 61 aggregates, 1 recorded queries, 4 command log entries"), s3.out());
            assertEquals(List.of(), stack.s3().listObjectsV2(l -> l.bucket(bucket).prefix("table-exports/")).contents(),
                    "the export's files are deleted once the archive is written");
            // the same request again (same table and archive file) finds the export it was given, read and deleted: a new one
            Path first = dir.resolve("s3-first.playback.gz");
            Files.move(viaS3, first);
            ArchiveRoundTripIT.Run again = playback("export", "--out", viaS3.toString(), "--local-file", local.toString(), "--whole-table", "s3");
            assertEquals(0, again.code(), again.err());
            assertTrue(again.out().contains("was read and deleted already; asking for a new one"), again.out());
            assertEquals(events(first), events(viaS3));
            JsonNode source = manifest(viaS3).path("source");
            assertTrue(source.path("exportArn").asText().startsWith("arn:aws:dynamodb:us-east-1:000000000000:table/" + table + "/export/"),
                    source.toString());
            assertTrue(manifest(viaScan).path("source").path("exportArn").isMissingNode());

            // point-in-time recovery off: refused, naming the table and how to turn it on
            stack.dynamoDb().updateContinuousBackups(b -> b.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false)));
            ArchiveRoundTripIT.Run refused = playback("export", "--out", dir.resolve("refused.gz").toString(), "--local-file", local.toString(),
                    "--whole-table", "s3");
            assertEquals(1, refused.code(), refused.out() + refused.err());
            assertTrue(refused.err().startsWith("playback export: table " + table + " has point-in-time recovery DISABLED"), refused.err());
            assertTrue(refused.err().contains("update-continuous-backups --table-name " + table), refused.err());
        }

        Map<String, List<String>> scanned = events(viaScan);
        assertEquals(LOADED + 4, scanned.size());
        assertEquals(scanned, events(viaS3));
        assertEquals(part(viaScan, "queries"), part(viaS3, "queries"));
        assertEquals(part(viaScan, "commands"), part(viaS3, "commands"));
        List<String> eventLines = new ArrayList<>(part(viaS3, "events"));
        assertEquals(part(viaScan, "events"), eventLines, "the same lines in the same order (aggregate, then version)");

        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v1"))) {
            Path local = dir.resolve("target.json");
            stack.endpoints().write(local);

            ArchiveRoundTripIT.Run imported = playback("import", viaS3.toString(), "--local-file", local.toString());

            assertEquals(0, imported.code(), imported.err());
            assertTrue(imported.out().contains("1,504 events of 61 aggregates (1,504 new, 0 already present)"), imported.out());
            ArchiveRoundTripIT.rebuild(stack);
            LedgerFold.Result target = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
            assertTrue(target.violations().isEmpty(), () -> target.violations().toString());
            assertEquals(sourceFold.accounts(), target.accounts());
            List<String> differences = LedgerFold.compare(sourceFold, stack.dynamoDb(), stack.physicalName("DataTable"),
                    RebuildBenchmark.activeGeneration(stack, "balances"));
            assertTrue(differences.isEmpty(), differences::toString);
            assertEquals(new java.math.BigDecimal("349.90"), target.accounts().get("acc-x").balance(), "500 - 120 - 30.10");
        }
    }
}

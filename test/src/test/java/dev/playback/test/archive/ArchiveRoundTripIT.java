package dev.playback.test.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.lambdas.aws.gateway.S3QueryRecords;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.QueryKey;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.Main;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code playback export} of a local stack (2,000 events loaded straight into the events table, and live payouts whose
 * FX answers were recorded and whose sends were logged), then {@code playback import} into an empty stack: every event
 * item identical (ids, versions, payloads, occurredAt, recordedAt), every recorded answer and command log entry there,
 * a rebuild of the target (payouts answered from the imported records, nothing sent) whose balances equal an
 * independent fold, equal to the source's; a second import changes nothing.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ArchiveRoundTripIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOADED = 2_000;
    private static final int ACCOUNTS = 100;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run playback(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What a stack holds, read straight from its tables and buckets. */
    record Held(Map<String, Map<String, AttributeValue>> events, Map<String, JsonNode> answers, Map<String, Map<String, AttributeValue>> commandLog,
                LedgerFold.Result fold) {
    }

    static Held held(LocalStack stack) throws Exception {
        Map<String, Map<String, AttributeValue>> events = new TreeMap<>();
        scan(stack, stack.physicalName("EventsTable"), item -> events.put(item.get("aggregateId").s() + "#" + item.get("version").n(), item));
        Map<String, Map<String, AttributeValue>> commands = new TreeMap<>();
        scan(stack, stack.physicalName("DataTable"), item -> {
            if (item.get("pk").s().startsWith("cmd#")) commands.put(item.get("pk").s(), item);
        });
        Map<String, JsonNode> answers = new TreeMap<>();
        String bucket = stack.physicalName("RecordBucket");
        for (var o : stack.s3().listObjectsV2Paginator(l -> l.bucket(bucket).prefix("queries/")).contents()) {
            answers.put(o.key(), JSON.readTree(stack.s3().getObjectAsBytes(g -> g.bucket(bucket).key(o.key())).asByteArray()));
        }
        return new Held(events, answers, commands, LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable")));
    }

    private static void scan(LocalStack stack, String table, java.util.function.Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse r = stack.dynamoDb().scan(s -> s.tableName(table).consistentRead(true).exclusiveStartKey(from));
            r.items().forEach(each);
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /**
     * A source stack: {@code loaded} events of {@code accounts} accounts loaded straight into its events table from
     * {@code start}, then {@code live} events posted to its API and processed (payouts asking FX and sending to the bank).
     */
    static LocalStack source(int loaded, int accounts, Instant start, String... live) throws Exception {
        LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v1"));
        try {
            RebuildBenchmark.load(stack, loaded, accounts, start);
            PlaybackApi.Answer a = new PlaybackApi(stack.apiUrl()).postEvents("[" + String.join(",", live) + "]");
            assertEquals(202, a.status(), a.body().toString());
            stack.awaitIdle(Duration.ofSeconds(120));
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /** A rebuild of {@code stack} (suppress mode), awaited: the data store projects what was imported. */
    static void rebuild(LocalStack stack) throws InterruptedException {
        String replayId = "after-import";
        stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn("RebuildStateMachine"), replayId,
                JSON.createObjectNode().put("replayId", replayId).put("segments", 2).put("batchSize", 250).toString());
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn("RebuildStateMachine"), replayId,
                Duration.ofMinutes(5));
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), () -> d.error() + " " + d.cause());
    }

    static String ev(String id, String agg, String type, String payload) {
        return "{\"eventId\":\"" + id + "\",\"aggregateId\":\"" + agg + "\",\"type\":\"" + type + "\",\"payload\":" + payload + "}";
    }

    @Test
    void an_exported_stack_imported_into_an_empty_one_holds_the_same_events_answers_and_command_logs_and_folds_to_the_same_balances()
            throws Exception {
        Path archive = dir.resolve("history.playback.gz");
        Held source;
        try (LocalStack stack = source(LOADED, ACCOUNTS, Instant.parse("2026-01-01T00:00:00Z"),
                ev("open-1", "acc-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}"),
                ev("dep-1", "acc-1", "MoneyDeposited", "{\"amount\":\"1000.00\"}"),
                ev("p-1", "acc-1", "PayoutRequested", "{\"amount\":\"100.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}"),
                ev("p-2", "acc-1", "PayoutRequested", "{\"amount\":\"250.55\",\"targetCurrency\":\"GBP\",\"beneficiary\":\"Bob\"}"),
                ev("p-3", "acc-1", "PayoutRequested", "{\"amount\":\"20.00\",\"targetCurrency\":\"EUR\",\"beneficiary\":\"Bob\"}"))) {
            source = held(stack);
            // a whole-table export of a deployed stack lists its aggregates from the event index, not from the events table
            assertEquals(new java.util.TreeSet<>(source.fold().accounts().keySet()), new dev.playback.lambdas.aws.dynamodb.DynamoEventIndex(
                    stack.dynamoDb(), stack.physicalName("EventsTable"), stack.physicalName("EventIndexTable")).allAggregates());
            Path local = dir.resolve("source.json");
            stack.endpoints().write(local);

            Run export = playback("export", "--out", archive.toString(), "--local-file", local.toString());

            assertEquals(0, export.code(), export.err());
            System.out.print(export.out());
            assertTrue(export.out().contains("exported 2,005 events of 101 aggregates, 2 recorded queries, 6 command log entries"), export.out());
        }
        assertEquals(LOADED + 5, source.events().size());
        assertEquals(2, source.answers().size(), "p-1 and p-2 asked FX; p-3 pays out in the account's currency");
        assertEquals(6, source.commandLog().size(), "p-1, p-2 and p-3 sent: each logged pending, then sent");

        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v1"))) {
            Path local = dir.resolve("target.json");
            stack.endpoints().write(local);

            Run first = playback("import", archive.toString(), "--local-file", local.toString());
            Run second = playback("import", archive.toString(), "--local-file", local.toString());

            assertEquals(0, first.code(), first.err());
            System.out.print(first.out());
            System.out.print(second.out());
            assertTrue(first.out().contains("2,005 events of 101 aggregates (2,005 new, 0 already present)"), first.out());
            assertEquals(0, second.code(), second.err());
            assertTrue(second.out().contains("2,005 events of 101 aggregates (0 new, 2,005 already present); 2 recorded queries (0 new, "
                    + "2 already present); 6 command log entries (0 new, 6 already present)"), second.out());
            Path changed = dir.resolve("changed.playback.gz");
            String text;
            try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(archive))) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(changed))) {
                String amount = "\"amount\":\"";
                assertTrue(text.contains(amount), "the archive holds amounts");
                out.write(text.replaceFirst(java.util.regex.Pattern.quote(amount), amount + "9").getBytes(StandardCharsets.UTF_8));
            }
            Run refused = playback("import", changed.toString(), "--local-file", local.toString());
            assertEquals(1, refused.code(), refused.out() + refused.err());
            assertTrue(refused.err().startsWith("playback import: part events (lines 1 to 2,005) of " + changed
                    + " was changed: its SHA-256 is"), refused.err());
            // the target is compared with the source below: the refused import changed nothing

            Held target = held(stack);
            assertEquals(source.events().keySet(), target.events().keySet());
            for (var e : source.events().entrySet()) {
                assertEquals(e.getValue(), target.events().get(e.getKey()), e.getKey());
            }
            assertEquals(source.answers(), target.answers());
            assertEquals(source.commandLog(), target.commandLog());
            S3QueryRecords records = new S3QueryRecords(stack.s3(), stack.physicalName("RecordBucket"));
            for (var answer : source.answers().entrySet()) {
                JsonNode n = answer.getValue();
                QueryKey key = new QueryKey(n.get("processor").asText(), n.get("eventId").asText(), CallSite.parse(n.get("callSite").asText()),
                        n.get("requestHash").asText());
                assertEquals(n.get("response"), records.find(key).orElseThrow().response(), answer.getKey());
            }

            // the data store projects the imported events after a rebuild; payouts answers its queries from the imported records
            rebuild(stack);
            assertTrue(stack.external().bank().payouts().isEmpty(), "a rebuild in suppress mode sends nothing to the target's bank");
            assertTrue(target.fold().violations().isEmpty(), () -> target.fold().violations().toString());
            assertEquals(source.fold().accounts(), target.fold().accounts());
            List<String> differences = LedgerFold.compare(target.fold(), stack.dynamoDb(), stack.physicalName("DataTable"),
                    RebuildBenchmark.activeGeneration(stack, "balances"));
            assertTrue(differences.isEmpty(), differences::toString);
            assertEquals(new BigDecimal("629.45"), target.fold().accounts().get("acc-1").balance(), "1000 - 100 - 250.55 - 20");
        }
    }
}

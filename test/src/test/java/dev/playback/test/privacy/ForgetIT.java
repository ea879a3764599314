package dev.playback.test.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.examples.ledger.Ledger;
import dev.playback.lambdas.processor.ProcessorHandler;
import dev.playback.lambdas.replay.ReplayHandler;
import dev.playback.model.domain.Domains;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.Main;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crypto-shredding on the local stack, end to end. Two account holders, S ({@value #S}) and S2 ({@value #S2}), open
 * accounts and request payouts; live processing has each beneficiary screened ({@link ScreenedLedger}: a recorded query
 * whose answer echoes the name, and a logged command made from that answer) and sends the payouts to the partner bank
 * (with the beneficiaries' names: the gateway reveals them just before each call), a partial replay and a verification
 * run. Then {@code playback forget S}.
 * Every DynamoDB table (Scan, every attribute's raw value, binary included), every object of every bucket and every
 * record still on the two Kinesis streams is searched, as bytes, for the personal values: none of S's or S2's is
 * anywhere (only tokens are); the API shows S's as {@code [redacted]} and S2's as they were sent; a partial replay and a
 * verification still succeed, and the balances and versions are what they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ForgetIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(2);
    static final String S = "acc-forget";
    static final String S2 = "acc-keep";
    /** S's personal values: its owner and its payouts' beneficiary. Unusual words, so a hit cannot be a coincidence. */
    private static final List<String> S_PLAINTEXT = List.of("Zelda Forgettable", "Yusuf Shredwell");
    private static final List<String> S2_PLAINTEXT = List.of("Xenia Keepsake", "Walter Remembered");

    @TempDir
    static Path dir;
    private LocalStack stack;
    private PlaybackApi api;
    private Path localFile;

    /** The functions that run payouts with their beneficiaries screened ({@link ScreenedLedger}) in place of the ledger's. */
    private static Map<String, String> screened(Map<String, String> environment) {
        Map<String, String> changed = new HashMap<>(environment);
        changed.put(Domains.VARIABLE, environment.get(Domains.VARIABLE).replace(Ledger.class.getName(), ScreenedLedger.class.getName()));
        return changed;
    }

    @BeforeAll
    void start() throws Exception {
        ScreenedLedger.SCREENING.checks.clear();
        ScreenedLedger.SCREENING.notices.clear();
        stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v2")
                .withHandler("PayoutsFunction", env -> new ProcessorHandler(screened(env)))
                .withHandler("ReplayFunction", env -> new ReplayHandler(screened(env))));
        api = new PlaybackApi(stack.apiUrl());
        localFile = dir.resolve("local.json");
        stack.endpoints().write(localFile);
        ArrayNode events = JSON.createArrayNode();
        event(events, S, "s-open", "AccountOpened", JSON.createObjectNode().put("owner", "Zelda Forgettable").put("currency", "EUR"));
        event(events, S, "s-dep", "MoneyDeposited", JSON.createObjectNode().put("amount", "100.00"));
        event(events, S, "s-pay", "PayoutRequested", JSON.createObjectNode().put("amount", "30.00").put("targetCurrency", "EUR")
                .put("beneficiary", "Yusuf Shredwell"));
        event(events, S2, "k-open", "AccountOpened", JSON.createObjectNode().put("owner", "Xenia Keepsake").put("currency", "EUR"));
        event(events, S2, "k-dep", "MoneyDeposited", JSON.createObjectNode().put("amount", "50.00"));
        event(events, S2, "k-pay", "PayoutRequested", JSON.createObjectNode().put("amount", "10.00").put("targetCurrency", "EUR")
                .put("beneficiary", "Walter Remembered"));
        PlaybackApi.Answer posted = api.postEvents(events);
        assertEquals(202, posted.status(), posted.body().toString());
        stack.awaitIdle(IDLE);
    }

    @AfterAll
    void stop() {
        if (stack != null) stack.close();
    }

    private static void event(ArrayNode batch, String account, String eventId, String type, ObjectNode payload) {
        batch.addObject().put("aggregateId", account).put("eventId", eventId).put("type", type).set("payload", payload);
    }

    @Test
    void afterForgetNoStoreHoldsTheSubjectsPersonalDataAndEverythingElseStaysAsItWas() throws Exception {
        // Live: the bank got the beneficiaries' names (revealed at the call), the stores hold tokens.
        assertEquals(List.of("Walter Remembered", "Yusuf Shredwell"),
                stack.external().bank().payouts().stream().map(p -> p.beneficiary()).sorted().toList());
        assertEquals("Zelda Forgettable", owner(S));
        // The screening got the names and answered with them; the notice made from its answer reached it revealed.
        ScreenedLedger.Screening screening = ScreenedLedger.SCREENING;
        assertEquals(List.of("Walter Remembered", "Yusuf Shredwell"),
                screening.checks.stream().map(c -> c.path("beneficiary").asText()).sorted().toList());
        assertEquals(List.of("no match for Walter Remembered", "no match for Yusuf Shredwell"),
                screening.notices.stream().map(n -> n.path("note").asText()).sorted().toList());
        assertEquals(List.of("Walter Remembered", "Yusuf Shredwell"),
                screening.notices.stream().map(n -> n.path("name").asText()).sorted().toList());
        String recordBucket = stack.physicalName("RecordBucket");
        Map<String, String> answers = recordedAnswers(recordBucket, "queries/payouts/s-pay/screening.check/");
        assertEquals(1, answers.size(), () -> "one recorded screening answer for s-pay: " + answers.keySet());
        runPartialReplay("forget-partial-1");
        runVerification("forget-verify-1");
        Map<String, String> before = balancesAndVersions();
        // 100.00 - 30.00 and 50.00 - 10.00, three events each
        assertEquals(Map.of(S, "70.00@3", S2, "40.00@3"), before);
        Found tokensBefore = scan(List.of("pii:v1:" + S + ":", "pii:v1:" + S2 + ":"));
        assertTrue(tokensBefore.where("pii:v1:" + S + ":").stream().anyMatch(w -> w.startsWith("table " + stack.physicalName("EventsTable"))),
                () -> "the scan sees S's tokens in the events table: " + tokensBefore);
        assertTrue(tokensBefore.where("pii:v1:" + S + ":").stream().anyMatch(w -> w.startsWith("table " + stack.physicalName("DataTable"))),
                () -> "the scan sees S's tokens in the data table (states, command log): " + tokensBefore);
        assertTrue(tokensBefore.where("pii:v1:" + S + ":").stream().anyMatch(w -> w.startsWith("bucket " + recordBucket
                        + " object queries/payouts/s-pay/screening.check/")),
                () -> "the scan sees S's tokens in the recorded screening answer: " + tokensBefore);
        assertTrue(tokensBefore.where("pii:v1:" + S + ":").stream().anyMatch(w -> w.startsWith("table " + stack.physicalName("DataTable"))
                        && w.contains("pk=cmd#payouts#s-pay#")),
                () -> "the scan sees S's tokens in the command log of s-pay: " + tokensBefore);

        Run forget = playback("forget", S);
        assertEquals(0, forget.code(), forget.err());
        assertTrue(forget.out().startsWith("forgot subject " + S + ": deleted its data key from " + stack.physicalName("SubjectKeyTable")),
                forget.out());
        Run again = playback("forget", S);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("has no data key"), again.out());

        // Replays and verification keep working on the tokens.
        runPartialReplay("forget-partial-2");
        runVerification("forget-verify-2");
        assertEquals(before, balancesAndVersions());
        assertEquals(2, screening.checks.size(), "the replays and verifications asked the screening nothing: the record answered");
        assertEquals(answers, recordedAnswers(recordBucket, "queries/payouts/s-pay/screening.check/"),
                "the recorded answer is kept byte for byte under the same request hash");
        LedgerFold.Result fold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
        assertEquals(new BigDecimal("70.00"), fold.accounts().get(S).balance());
        assertEquals(new BigDecimal("40.00"), fold.accounts().get(S2).balance());

        // The API: S redacted, S2 as sent; amounts unchanged.
        assertEquals("[redacted]", owner(S));
        assertEquals("Xenia Keepsake", owner(S2));
        JsonNode history = api.history(S).body().path("events");
        assertEquals("[redacted]", history.get(0).path("payload").path("owner").asText());
        assertEquals("[redacted]", history.get(2).path("payload").path("beneficiary").asText());
        assertEquals("30.00", history.get(2).path("payload").path("amount").asText());
        assertEquals("Walter Remembered", api.history(S2).body().path("events").get(2).path("payload").path("beneficiary").asText());
        assertEquals("[redacted]", api.event("s-pay").body().path("payload").path("beneficiary").asText());

        // Every store, as raw bytes: no personal value of anyone, S's key gone, S2's still there.
        List<String> plaintext = new ArrayList<>(S_PLAINTEXT);
        plaintext.addAll(S2_PLAINTEXT);
        Found after = scan(plaintext);
        System.out.println("ForgetIT scanned " + after.tables() + " tables (" + after.items() + " items), " + after.objects()
                + " objects, " + after.records() + " stream records; personal values found: " + after.hits());
        assertTrue(after.hits().isEmpty(), () -> "personal values found in the stores: " + after.hits());
        assertTrue(after.tables() >= 6 && after.items() > 0 && after.objects() > 0 && after.records() > 0,
                () -> "the scan covered the stack: " + after);
        Map<String, AttributeValue> keyOfS = stack.dynamoDb().getItem(b -> b.tableName(stack.physicalName("SubjectKeyTable"))
                .consistentRead(true).key(Map.of("subject", AttributeValue.fromS(S)))).item();
        assertTrue(keyOfS == null || keyOfS.isEmpty(), "S's key is deleted");
        Map<String, AttributeValue> keyOfS2 = stack.dynamoDb().getItem(b -> b.tableName(stack.physicalName("SubjectKeyTable"))
                .consistentRead(true).key(Map.of("subject", AttributeValue.fromS(S2)))).item();
        assertEquals(32, keyOfS2.get("key").b().asByteArray().length, "S2's key is kept");
    }

    /** The recorded answers under {@code prefix}, key to body as UTF-8. */
    private Map<String, String> recordedAnswers(String bucket, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (S3Object o : stack.s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            out.put(o.key(), stack.s3().getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asUtf8String());
        }
        return out;
    }

    private String owner(String account) {
        PlaybackApi.Answer a = api.aggregate(account);
        assertEquals(200, a.status(), a.body().toString());
        return a.body().path("state").path("owner").asText();
    }

    /** Balance and version of each account in the active generation of balances, as the API answers. */
    private Map<String, String> balancesAndVersions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String account : List.of(S, S2)) {
            JsonNode a = api.aggregate(account).body();
            out.put(account, a.path("state").path("balance").asText() + "@" + a.path("version").asLong());
        }
        return out;
    }

    private void runPartialReplay(String replayId) throws Exception {
        ObjectNode input = JSON.createObjectNode().put("replayId", replayId);
        input.putArray("aggregates").add(S).add(S2);
        run("PartialReplayStateMachine", replayId, input);
    }

    private void runVerification(String replayId) throws Exception {
        run("VerifyStateMachine", replayId, JSON.createObjectNode().put("replayId", replayId).put("reportOnly", false));
    }

    private void run(String machine, String replayId, ObjectNode input) throws Exception {
        String arn = stack.workflows().stateMachineArn(machine);
        stack.workflows().stepFunctions().startExecution(arn, replayId, input.toString());
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, arn, replayId, Duration.ofMinutes(5));
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), () -> machine + " " + replayId + ": " + d.error() + " " + d.cause());
        stack.awaitIdle(IDLE);
    }

    record Run(int code, String out, String err) {
    }

    private Run playback(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--local-file");
        all.add(localFile.toString());
        int code = Main.execute(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Where each needle was found, and how much was searched. */
    record Found(Map<String, List<String>> hits, int tables, long items, long objects, long records) {
        List<String> where(String needle) {
            return hits.getOrDefault(needle, List.of());
        }
    }

    /**
     * Searches every item of every DynamoDB table (each attribute value's raw bytes: strings and numbers as UTF-8, binary
     * as it is, sets, lists and maps value by value), every object of every S3 bucket and every record on every Kinesis
     * stream (from the oldest kept) for the UTF-8 bytes of each needle.
     */
    private Found scan(List<String> needles) {
        Map<String, List<String>> hits = new LinkedHashMap<>();
        List<String> tables = stack.dynamoDb().listTablesPaginator().tableNames().stream().toList();
        long items = 0;
        for (String table : tables) {
            for (Map<String, AttributeValue> item : stack.dynamoDb().scanPaginator(b -> b.tableName(table).consistentRead(true)).items()) {
                items++;
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                item.forEach((name, value) -> {
                    raw.writeBytes(name.getBytes(StandardCharsets.UTF_8));
                    raw.write(0);
                    bytes(value, raw);
                });
                search(needles, raw.toByteArray(), "table " + table + " item " + key(item), hits);
            }
        }
        long objects = 0;
        for (Bucket bucket : stack.s3().listBuckets().buckets()) {
            for (S3Object o : stack.s3().listObjectsV2Paginator(b -> b.bucket(bucket.name())).contents()) {
                objects++;
                ResponseBytes<?> body = stack.s3().getObjectAsBytes(b -> b.bucket(bucket.name()).key(o.key()));
                search(needles, body.asByteArray(), "bucket " + bucket.name() + " object " + o.key(), hits);
            }
        }
        long records = 0;
        for (String stream : stack.kinesis().listStreams().streamNames()) {
            for (Shard shard : stack.kinesis().listShards(b -> b.streamName(stream)).shards()) {
                String iterator = stack.kinesis().getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (iterator != null) {
                    String current = iterator;
                    GetRecordsResponse r = stack.kinesis().getRecords(b -> b.shardIterator(current).limit(1000));
                    for (Record rec : r.records()) {
                        records++;
                        search(needles, rec.data().asByteArray(), "stream " + stream + " record " + rec.sequenceNumber(), hits);
                    }
                    iterator = r.records().isEmpty() || r.millisBehindLatest() == 0 ? null : r.nextShardIterator();
                }
            }
        }
        return new Found(hits, tables.size(), items, objects, records);
    }

    private static String key(Map<String, AttributeValue> item) {
        for (String k : List.of("pk", "aggregateId", "eventId", "subject", "p")) {
            if (item.containsKey(k)) return k + "=" + (item.get(k).s() != null ? item.get(k).s() : item.get(k).toString())
                    + (item.containsKey("version") ? "@" + item.get("version").n() : "") + (item.containsKey("k") ? "/" + item.get("k").s() : "");
        }
        return item.keySet().toString();
    }

    private static void bytes(AttributeValue v, ByteArrayOutputStream out) {
        if (v.s() != null) out.writeBytes(v.s().getBytes(StandardCharsets.UTF_8));
        if (v.n() != null) out.writeBytes(v.n().getBytes(StandardCharsets.UTF_8));
        if (v.b() != null) out.writeBytes(v.b().asByteArray());
        if (v.hasSs()) v.ss().forEach(s -> out.writeBytes(s.getBytes(StandardCharsets.UTF_8)));
        if (v.hasNs()) v.ns().forEach(s -> out.writeBytes(s.getBytes(StandardCharsets.UTF_8)));
        if (v.hasBs()) v.bs().forEach(b -> out.writeBytes(b.asByteArray()));
        if (v.hasL()) v.l().forEach(e -> bytes(e, out));
        if (v.hasM()) v.m().forEach((k, e) -> {
            out.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            bytes(e, out);
        });
        out.write(0);
    }

    private static void search(List<String> needles, byte[] haystack, String where, Map<String, List<String>> hits) {
        for (String needle : needles) {
            if (indexOf(haystack, needle.getBytes(StandardCharsets.UTF_8)) >= 0) {
                hits.computeIfAbsent(needle, k -> new ArrayList<>()).add(where);
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}

package dev.playback.test.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.aws.s3.S3SetAside;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.config.Tables;
import dev.playback.lambdas.pump.PumpHandler;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.check.LedgerFold;
import dev.playback.tools.client.PlaybackApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance of the live path on the local stack (emulators, template.yaml, in-process handlers, Kinesis event
 * source mappings, the HTTP API): one stack for the class. The pump runs on a {@link CrashBeforeWrite} log, which
 * is inert until a test arms it. Each test uses its own accounts; the last one folds the whole events table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class LivePathIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(3);
    private static final int CLIENTS = 8;
    private static final int EVENTS_PER_CLIENT = 500;
    private static final int ACCOUNTS = 50;

    private final AtomicReference<CrashBeforeWrite> pumpLog = new AtomicReference<>();
    private LocalStack stack;
    private PlaybackApi api;
    private String eventsTable;
    private String dataTable;

    @BeforeAll
    void start() throws Exception {
        long began = System.nanoTime();
        stack = LocalStack.start(LocalOptions.inMemory().withHandler("PumpFunction",
                env -> new PumpHandler(pumpLog(env), new dev.playback.lambdas.aws.kinesis.KinesisEventPublisher(
                        new dev.playback.lambdas.config.AwsClients(new dev.playback.lambdas.config.Environment(env)).kinesis(),
                        env.get("PLAYBACK_STREAM")), new S3SetAside(new AwsClients(new Environment(env)).s3(), env.get("FAILURE_BUCKET"), S3SetAside.Stream.EVENT),
                        Clock.systemUTC())));
        api = new PlaybackApi(stack.apiUrl());
        eventsTable = stack.physicalName("EventsTable");
        dataTable = stack.physicalName("DataTable");
        System.out.printf("live path: local stack started in %d ms%n", (System.nanoTime() - began) / 1_000_000);
    }

    /** One crash-injecting log for every pump instance, over the DynamoEventLog the function's environment names. */
    private CrashBeforeWrite pumpLog(Map<String, String> variables) {
        return pumpLog.updateAndGet(existing -> {
            if (existing != null) return existing;
            Environment env = new Environment(variables);
            Tables t = Tables.from(env);
            env.check("PumpFunction");
            AwsClients aws = new AwsClients(env);
            return new CrashBeforeWrite(new DynamoEventLog(aws.dynamoDb(), t.eventsTable(), t.eventIdsTable(),
                    DynamoIndexWriter.from(env, aws.dynamoDb()), new S3PayloadStore(aws.s3(), t.payloadBucket())));
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (stack == null) return;
        List<ProcessHandle> processes = stack.emulators().processes();
        long began = System.nanoTime();
        stack.close();
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // reported below
            }
        }
        List<ProcessHandle> alive = processes.stream().filter(ProcessHandle::isAlive).toList();
        System.out.printf("live path: stack closed in %d ms; %d emulator processes, %d alive%n",
                (System.nanoTime() - began) / 1_000_000, processes.size(), alive.size());
        assertTrue(alive.isEmpty(), "emulator processes left running after close(): "
                + alive.stream().map(p -> p.pid() + " " + p.info().command().orElse("?")).toList());
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void concurrentClientsGetEveryAcceptedEventAppendedOnceInOrderAndProjected() throws Exception {
        List<String> accounts = new ArrayList<>();
        ArrayNode opens = JSON.createArrayNode();
        for (int i = 0; i < ACCOUNTS; i++) {
            String id = String.format("load-%02d", i);
            accounts.add(id);
            opens.add(event(id, "AccountOpened", JSON.createObjectNode().put("owner", "Owner " + i).put("currency", "EUR")));
        }
        PlaybackApi.Answer opened = api.postEvents(opens);
        assertEquals(202, opened.status(), opened.body().toString());
        List<String> accepted = Collections.synchronizedList(new ArrayList<>(ids(opened)));
        java.util.concurrent.atomic.AtomicInteger posts = new java.util.concurrent.atomic.AtomicInteger(1);

        // Each client sends its 500 events in POSTs of 1..25 (half single events), and remembers, per account,
        // the order in which it sent them: that order must be the order of their versions.
        long began = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Map<String, List<String>>>> sent = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            sent.add(clients.submit(() -> {
                PlaybackApi own = new PlaybackApi(stack.apiUrl());
                Random random = new Random(client);
                Map<String, List<String>> order = new HashMap<>();
                int remaining = EVENTS_PER_CLIENT;
                while (remaining > 0) {
                    int size = Math.min(remaining, random.nextBoolean() ? 1 : 1 + random.nextInt(25));
                    ArrayNode batch = JSON.createArrayNode();
                    List<String> batchAccounts = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                        String account = accounts.get(random.nextInt(ACCOUNTS));
                        boolean deposit = random.nextInt(10) < 6;
                        String amount = (1 + random.nextInt(deposit ? 500 : 900)) + "." + String.format("%02d", random.nextInt(100));
                        batch.add(event(account, deposit ? "MoneyDeposited" : "MoneyWithdrawn", JSON.createObjectNode().put("amount", amount)));
                        batchAccounts.add(account);
                    }
                    posts.incrementAndGet();
                    PlaybackApi.Answer answer = size == 1 ? own.postEvents(batch.get(0)) : own.postEvents(batch);
                    assertEquals(202, answer.status(), answer.body().toString());
                    List<String> ids = ids(answer);
                    assertEquals(size, ids.size());
                    for (int i = 0; i < size; i++) order.computeIfAbsent(batchAccounts.get(i), k -> new ArrayList<>()).add(ids.get(i));
                    accepted.addAll(ids);
                    remaining -= size;
                }
                return order;
            }));
        }
        List<Map<String, List<String>>> orders = new ArrayList<>();
        for (Future<Map<String, List<String>>> f : sent) orders.add(f.get(5, TimeUnit.MINUTES));
        clients.shutdown();
        long sentNanos = System.nanoTime() - began;
        stack.awaitIdle(IDLE);
        long idleNanos = System.nanoTime() - began;

        int expected = ACCOUNTS + CLIENTS * EVENTS_PER_CLIENT;
        assertEquals(expected, accepted.size());
        assertEquals(expected, accepted.stream().distinct().count(), "every accepted event got its own id");

        Map<String, Map<String, AttributeValue>> stored = storedEvents("load-");
        assertEquals(expected, stored.size(), "events of the load accounts in the table");
        List<String> missing = accepted.stream().filter(id -> !stored.containsKey(id)).toList();
        assertEquals(List.of(), missing, "accepted but not appended");

        Map<String, List<Long>> versions = new HashMap<>();
        stored.values().forEach(i -> versions.computeIfAbsent(i.get("aggregateId").s(), k -> new ArrayList<>()).add(Long.parseLong(i.get("version").n())));
        for (var v : versions.entrySet()) {
            List<Long> sorted = v.getValue().stream().sorted().toList();
            assertEquals(LongStream.rangeClosed(1, sorted.size()).boxed().toList(), sorted, v.getKey() + ": versions 1..n");
        }
        for (Map<String, List<String>> order : orders) {
            for (var perAccount : order.entrySet()) {
                List<Long> inSendOrder = perAccount.getValue().stream().map(id -> Long.parseLong(stored.get(id).get("version").n())).toList();
                assertEquals(inSendOrder.stream().sorted().toList(), inSendOrder, perAccount.getKey() + ": one client's events in send order");
            }
        }

        // A sample through the API as well: GET /events/{id} says appended, with the version the table holds.
        Random pick = new Random(99);
        for (int i = 0; i < 200; i++) {
            String id = accepted.get(pick.nextInt(accepted.size()));
            PlaybackApi.Answer a = api.event(id);
            assertEquals(200, a.status(), id + ": " + a.body());
            assertEquals("appended", a.body().path("status").asText());
            assertEquals(Long.parseLong(stored.get(id).get("version").n()), a.body().path("version").asLong());
        }

        LedgerFold.Result fold = fold();
        assertEquals(List.of(), fold.violations());
        assertEquals(List.of(), LedgerFold.compare(fold, stack.dynamoDb(), dataTable, "g0"));
        long declined = 0;
        BigDecimal total = BigDecimal.ZERO;
        for (String account : accounts) {
            LedgerFold.Account a = fold.accounts().get(account);
            assertNotNull(a, account);
            assertTrue(a.opened() && a.balance().signum() >= 0, a.toString());
            declined += a.declined();
            total = total.add(a.balance());
        }
        assertTrue(declined > 0, "the mix has declined withdrawals");
        JsonNode viaApi = api.aggregate("load-07").body();
        assertEquals(fold.accounts().get("load-07").balance().toPlainString(), viaApi.path("state").path("balance").asText());

        System.out.printf("live path load: %d clients x %d events + %d opens over %d accounts; %d POSTs; sent in %d ms (%.0f events/s accepted), "
                        + "appended and projected in %d ms (%.0f events/s end to end); %d declined withdrawals; total balance %s%n",
                CLIENTS, EVENTS_PER_CLIENT, ACCOUNTS, ACCOUNTS, posts.get(), sentNanos / 1_000_000,
                expected / (sentNanos / 1e9), idleNanos / 1_000_000, expected / (idleNanos / 1e9), declined, total);
    }

    @Test
    void theSameEventIdSentTwiceIsAppendedOnce() {
        post(event("dup-acc", "AccountOpened", JSON.createObjectNode().put("owner", "Dup").put("currency", "EUR")).put("eventId", "dup-open"));
        ObjectNode deposit = event("dup-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "10.00")).put("eventId", "dup-1");
        assertEquals(List.of("dup-1"), post(deposit));
        assertEquals(List.of("dup-1"), post(deposit));
        ObjectNode again = event("dup-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "5.00")).put("eventId", "dup-2");
        assertEquals(List.of("dup-2", "dup-2"), post(JSON.createArrayNode().add(again).add(again.deepCopy())));
        stack.awaitIdle(IDLE);
        assertEquals(List.of("dup-1"), post(deposit), "and once more after it was appended");
        stack.awaitIdle(IDLE);

        JsonNode history = api.history("dup-acc").body();
        assertEquals(List.of("dup-open@1", "dup-1@2", "dup-2@3"), LiveChecks.idsAndVersions(history));
        assertEquals("15.00", api.aggregate("dup-acc").body().path("state").path("balance").asText());
        assertEquals(3, api.aggregate("dup-acc").body().path("version").asLong());
    }

    @Test
    void aPumpCrashBetweenClaimAndWriteIsCompletedByTheRetryWithoutAGap() {
        post(event("crash-acc", "AccountOpened", JSON.createObjectNode().put("owner", "Crash").put("currency", "EUR")).put("eventId", "crash-e1"));
        post(event("crash-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "100.00")).put("eventId", "crash-e2"));
        stack.awaitIdle(IDLE);
        CrashBeforeWrite log = pumpLog.get();
        assertNotNull(log, "the pump runs on the injected log");
        int before = log.crashes();
        long functionErrorsBefore = stack.mappings().stats().functionErrors();
        log.arm("crash-e3");

        post(event("crash-acc", "MoneyWithdrawn", JSON.createObjectNode().put("amount", "30.00")).put("eventId", "crash-e3"));
        post(event("crash-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "1.00")).put("eventId", "crash-e4"));
        stack.awaitIdle(IDLE);

        assertEquals(before + 1, log.crashes(), "the crash was injected once");
        assertTrue(stack.mappings().stats().functionErrors() > functionErrorsBefore, "the event source saw the failed invocation");
        assertEquals(List.of("crash-e1@1", "crash-e2@2", "crash-e3@3", "crash-e4@4"), LiveChecks.idsAndVersions(api.history("crash-acc").body()));
        PlaybackApi.Answer e3 = api.event("crash-e3");
        assertEquals("appended", e3.body().path("status").asText(), e3.body().toString());
        assertEquals(3, e3.body().path("version").asLong());
        JsonNode state = api.aggregate("crash-acc").body();
        assertEquals(4, state.path("version").asLong());
        assertEquals("71.00", state.path("state").path("balance").asText());
    }

    @Test
    void aRecordThatCannotBeDecodedIsSetAsideByThePumpWithItsBytesAndRedriveLeavesNothingBehind() throws Exception {
        post(event("poison-acc", "AccountOpened", JSON.createObjectNode().put("owner", "Poison").put("currency", "EUR")).put("eventId", "poison-e1"));
        post(event("poison-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "5.00")).put("eventId", "poison-e2"));
        String poison = "this is not an event batch " + System.nanoTime();
        String stream = stack.physicalName("EventStream");
        String sequence = stack.kinesis().putRecord(b -> b.streamName(stream).partitionKey("poison-acc")
                .data(SdkBytes.fromUtf8String(poison))).sequenceNumber();
        post(event("poison-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "6.00")).put("eventId", "poison-e3"));
        post(event("poison-acc", "MoneyWithdrawn", JSON.createObjectNode().put("amount", "2.00")).put("eventId", "poison-e4"));
        stack.awaitIdle(IDLE);

        assertEquals(List.of("poison-e1@1", "poison-e2@2", "poison-e3@3", "poison-e4@4"), LiveChecks.idsAndVersions(api.history("poison-acc").body()));
        assertEquals("9.00", api.aggregate("poison-acc").body().path("state").path("balance").asText());
        S3SetAside setAside = new S3SetAside(stack.s3(), stack.physicalName("FailureBucket"), S3SetAside.Stream.EVENT);
        List<String> keys = setAside.keys().stream().filter(k -> k.endsWith("/" + sequence + ".json")).toList();
        assertEquals(1, keys.size(), "set aside under set-aside/event-stream/<shard>/<sequence>.json: " + setAside.keys());
        assertTrue(keys.get(0).startsWith("set-aside/event-stream/shardId-"), keys.get(0));
        var entry = setAside.get(keys.get(0));
        assertEquals(poison, new String(entry.data(), StandardCharsets.UTF_8));
        assertEquals("poison-acc", entry.partitionKey());
        assertTrue(entry.reason().startsWith("not an event batch"), entry.reason());
        System.out.printf("poison record %s set aside by the pump at %s: %s%n", sequence, keys.get(0), entry.reason());

        // Redrive: the record goes back on the event stream (still undecodable here, so the pump sets it aside again
        // under its new sequence number) and the old entry is removed only after it was re-published.
        List<String> redriven = new dev.playback.tools.cli.RedriveCommand.Redrive(setAside, stack.kinesis(), stream).run(keys);
        stack.awaitIdle(IDLE);
        assertEquals(1, redriven.size(), redriven.toString());
        List<String> after = setAside.keys();
        assertFalse(after.contains(keys.get(0)), after.toString());
        assertTrue(after.stream().anyMatch(k -> k.endsWith("/" + redriven.get(0) + ".json")), "set aside again as " + redriven + ": " + after);
    }

    @Test
    void anEventThePumpCouldNeverStoreIsRefusedBeforeThe202AndNothingOfItsPostIsAppended() {
        // Issue 9, reproduction 1: on main this POST got 202 and none of its events was ever appended. Now the check
        // runs at ingest; an event the pump still cannot store after a 202 becomes a rejection (FaultInjectionIT).
        ArrayNode batch = JSON.createArrayNode()
                .add(event("far-acc", "AccountOpened", JSON.createObjectNode().put("owner", "Far").put("currency", "EUR")).put("eventId", "far-open"))
                .add(event("far-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "4.00")).put("eventId", "far-future")
                        .put("occurredAt", "+1000000000-01-01T00:00:00Z"))
                .add(event("far-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "2.00")).put("eventId", "far-next"));

        PlaybackApi.Answer answer = api.postEvents(batch);
        stack.awaitIdle(IDLE);

        assertEquals(400, answer.status(), answer.body().toString());
        assertEquals("[1].occurredAt", answer.body().path("field").asText(), answer.body().toString());
        for (String id : List.of("far-open", "far-future", "far-next")) assertEquals(404, api.event(id).status(), id);
    }

    @Test
    void badInputIsRefusedNamingTheProblemAndNothingIsAppended() throws Exception {
        post(event("bad-acc", "AccountOpened", JSON.createObjectNode().put("owner", "Bad").put("currency", "EUR")).put("eventId", "bad-open"));
        stack.awaitIdle(IDLE);
        long eventsBefore = LiveChecks.count(stack.dynamoDb(), eventsTable);
        long idsBefore = LiveChecks.count(stack.dynamoDb(), stack.physicalName("EventIdsTable"));

        String ok = "{\"aggregateId\":\"bad-acc\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}";
        Map<String, String[]> cases = new LinkedHashMap<>();   // name -> body, status, field
        cases.put("malformed JSON", new String[] {"{\"aggregateId\": \"bad-acc\", \"type\":", "400", "body"});
        cases.put("trailing garbage", new String[] {ok + "}", "400", "body"});
        cases.put("not an object", new String[] {"\"hello\"", "400", "body"});
        cases.put("empty body", new String[] {"", "400", "body"});
        cases.put("empty array", new String[] {"[]", "400", "body"});
        cases.put("missing aggregateId", new String[] {"{\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "400", "aggregateId"});
        cases.put("missing type", new String[] {"{\"aggregateId\":\"bad-acc\",\"payload\":{\"amount\":\"1.00\"}}", "400", "type"});
        cases.put("missing payload", new String[] {"{\"aggregateId\":\"bad-acc\",\"type\":\"MoneyDeposited\"}", "400", "payload"});
        cases.put("missing amount", new String[] {"{\"aggregateId\":\"bad-acc\",\"type\":\"MoneyDeposited\",\"payload\":{}}", "400", "payload.amount"});
        cases.put("aggregateId a number", new String[] {ok.replace("\"bad-acc\"", "42"), "400", "aggregateId"});
        cases.put("payload a string", new String[] {ok.replace("{\"amount\":\"1.00\"}", "\"1.00\""), "400", "payload"});
        cases.put("amount a number", new String[] {ok.replace("\"1.00\"", "1.00"), "400", "payload.amount"});
        cases.put("expectedVersion a string", new String[] {ok.replace("{\"aggregateId\"", "{\"expectedVersion\":\"1\",\"aggregateId\""), "400", "expectedVersion"});
        cases.put("occurredAt not an instant", new String[] {ok.replace("{\"aggregateId\"", "{\"occurredAt\":\"yesterday\",\"aggregateId\""), "400", "occurredAt"});
        cases.put("unknown type", new String[] {ok.replace("MoneyDeposited", "MoneyPrinted"), "400", "type"});
        cases.put("unknown field", new String[] {ok.replace("{\"aggregateId\"", "{\"colour\":\"red\",\"aggregateId\""), "400", "colour"});
        cases.put("unknown payload field", new String[] {ok.replace("{\"amount\"", "{\"note\":\"x\",\"amount\""), "400", "payload.note"});
        cases.put("aggregateId with a space", new String[] {ok.replace("bad-acc", "bad acc"), "400", "aggregateId"});
        cases.put("aggregateId with a slash", new String[] {ok.replace("bad-acc", "bad/acc"), "400", "aggregateId"});
        cases.put("eventId too long", new String[] {ok.replace("{\"aggregateId\"", "{\"eventId\":\"" + "e".repeat(129) + "\",\"aggregateId\""), "400", "eventId"});
        cases.put("eventId empty", new String[] {ok.replace("{\"aggregateId\"", "{\"eventId\":\"\",\"aggregateId\""), "400", "eventId"});
        cases.put("negative amount", new String[] {ok.replace("1.00", "-1.00"), "400", "payload.amount"});
        cases.put("zero amount", new String[] {ok.replace("1.00", "0.00"), "400", "payload.amount"});
        cases.put("over-precise amount", new String[] {ok.replace("1.00", "1.001"), "400", "payload.amount"});
        cases.put("currency not ISO 4217", new String[] {"{\"aggregateId\":\"bad-acc2\",\"type\":\"AccountOpened\",\"payload\":{\"owner\":\"X\",\"currency\":\"EURO\"}}", "400", "payload.currency"});
        cases.put("one bad event refuses the batch", new String[] {"[" + ok + "," + ok + "," + ok + "," + ok.replace("1.00", "1.005") + "]", "400", "[3].payload.amount"});
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 501; i++) big.append(i == 0 ? "" : ",").append(ok);
        cases.put("batch of 501", new String[] {big.append("]").toString(), "400", "body"});
        String huge = "x".repeat(1_100_000);
        cases.put("event over 1 MB", new String[] {"{\"aggregateId\":\"bad-acc\",\"type\":\"AccountOpened\",\"payload\":{\"owner\":\"" + huge + "\",\"currency\":\"EUR\"}}", "413", "body"});
        StringBuilder tooBig = new StringBuilder("[");
        for (int i = 0; i < 10; i++) tooBig.append(i == 0 ? "" : ",").append("{\"aggregateId\":\"bad-acc\",\"type\":\"AccountOpened\",\"payload\":{\"owner\":\"").append(huge).append("\",\"currency\":\"EUR\"}}");
        cases.put("body over 6 MB (the local API, as a synchronous Lambda invoke)", new String[] {tooBig.append("]").toString(), "413", null});

        List<String> wrong = new ArrayList<>();
        for (var c : cases.entrySet()) {
            String[] expect = c.getValue();
            PlaybackApi.Answer a = api.postEvents(expect[0]);
            JsonNode body = a.body();
            String problem = body.path("error").asText(body.path("message").asText(""));
            String line = c.getKey() + " -> " + a.status() + " " + abbreviate(body.toString());
            System.out.println("bad input: " + line);
            if (a.status() != Integer.parseInt(expect[1]) || problem.isBlank()) wrong.add(line);
            else if (expect[2] != null && !expect[2].equals(body.path("field").asText())) wrong.add(line + " (expected field " + expect[2] + ")");
        }
        for (String path : List.of("/events/bad%20id", "/aggregates/bad%20acc", "/aggregates/bad-acc/events?limit=0",
                "/aggregates/bad-acc/events?fromVersion=x")) {
            PlaybackApi.Answer a = api.get(path);
            String line = "GET " + path + " -> " + a.status() + " " + abbreviate(a.body().toString());
            System.out.println("bad input: " + line);
            if (a.status() != 400 || a.body().path("error").asText().isBlank() || a.body().path("field").asText().isBlank()) wrong.add(line);
        }
        assertEquals(List.of(), wrong, "bad inputs not refused as expected");

        stack.awaitIdle(IDLE);
        assertEquals(eventsBefore, LiveChecks.count(stack.dynamoDb(), eventsTable), "nothing appended");
        assertEquals(idsBefore, LiveChecks.count(stack.dynamoDb(), stack.physicalName("EventIdsTable")), "nothing claimed or rejected");
        assertEquals(List.of("bad-open@1"), LiveChecks.idsAndVersions(api.history("bad-acc").body()));
    }

    @Test
    void aStaleExpectedVersionIsRejectedWithItsReason() {
        post(event("ev-acc", "AccountOpened", JSON.createObjectNode().put("owner", "Ev").put("currency", "EUR")).put("eventId", "ev-open"));
        post(event("ev-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "7.00")).put("eventId", "ev-stale").put("expectedVersion", 5));
        post(event("ev-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "3.00")).put("eventId", "ev-fresh").put("expectedVersion", 1));
        stack.awaitIdle(IDLE);

        PlaybackApi.Answer stale = api.event("ev-stale");
        assertEquals(200, stale.status(), stale.body().toString());
        assertEquals("rejected", stale.body().path("status").asText(), stale.body().toString());
        String reason = stale.body().path("reason").asText();
        assertTrue(reason.contains("expectedVersion 5") && reason.contains("version 1"), reason);
        assertEquals("appended", api.event("ev-fresh").body().path("status").asText());
        assertEquals(List.of("ev-open@1", "ev-fresh@2"), LiveChecks.idsAndVersions(api.history("ev-acc").body()));
        assertEquals("3.00", api.aggregate("ev-acc").body().path("state").path("balance").asText());
    }

    @Test
    void theWholeEventsTableFoldsToTheDataStore() {
        // its own account, so that the table holds something when this test runs alone; the fold covers the whole table
        post(JSON.createArrayNode()
                .add(event("fold-acc", "AccountOpened", JSON.createObjectNode().put("owner", "Fold").put("currency", "EUR")))
                .add(event("fold-acc", "MoneyDeposited", JSON.createObjectNode().put("amount", "120.50")))
                .add(event("fold-acc", "MoneyWithdrawn", JSON.createObjectNode().put("amount", "500.00")))
                .add(event("fold-acc", "MoneyWithdrawn", JSON.createObjectNode().put("amount", "20.25"))));
        stack.awaitIdle(IDLE);
        LedgerFold.Result fold = fold();
        LedgerFold.Account own = fold.accounts().get("fold-acc");
        assertNotNull(own, "fold-acc in the fold");
        assertEquals(new BigDecimal("100.25"), own.balance(), "120.50 - 20.25; the 500.00 withdrawal declined");
        assertEquals(1, own.declined());
        assertEquals(List.of(), fold.violations());
        assertEquals(List.of(), LedgerFold.compare(fold, stack.dynamoDb(), dataTable, "g0"));
        System.out.printf("live path: %d events over %d aggregates fold to the data store; mappings %s%n",
                fold.events(), fold.accounts().size(), stack.mappings().stats());
    }

    // ---------------------------------------------------------------------------------------------------------

    private static ObjectNode event(String aggregateId, String type, ObjectNode payload) {
        ObjectNode e = JSON.createObjectNode().put("aggregateId", aggregateId).put("type", type);
        e.set("payload", payload);
        return e;
    }

    private List<String> post(JsonNode body) {
        PlaybackApi.Answer a = api.postEvents(body);
        assertEquals(202, a.status(), a.body().toString());
        return ids(a);
    }

    private static List<String> ids(PlaybackApi.Answer a) {
        List<String> ids = new ArrayList<>();
        a.body().path("eventIds").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private LedgerFold.Result fold() {
        return LedgerFold.of(stack.dynamoDb(), stack.s3(), eventsTable);
    }

    /** Event items by event id, of aggregates whose id starts with {@code prefix}. */
    private Map<String, Map<String, AttributeValue>> storedEvents(String prefix) {
        Map<String, Map<String, AttributeValue>> out = new HashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse r = stack.dynamoDb().scan(s -> s.tableName(eventsTable).consistentRead(true).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) {
                if (!item.get("aggregateId").s().startsWith(prefix)) continue;
                Map<String, AttributeValue> previous = out.put(item.get("eventId").s(), item);
                assertEquals(null, previous, "event id " + item.get("eventId").s() + " stored twice");
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 220 ? s.substring(0, 220) + "…" : s;
    }
}

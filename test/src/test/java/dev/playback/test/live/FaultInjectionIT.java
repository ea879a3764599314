package dev.playback.test.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.kinesis.KinesisEventPublisher;
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
import dev.playback.tools.bench.RebuildBenchmark;
import dev.onebox.eventsource.MappingStats;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.lambdas.replay.TransientFailure;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ForwardingEventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9's proof on the local stack: concurrent traffic while the DynamoDB and Kinesis calls of the pump and the
 * processors fail ({@link Faults}): a fraction of them all along, then a DynamoDB outage and a Kinesis outage that
 * each last longer than every retry budget of the SDK and of the event source mappings, and events the pump can never
 * store (a deposit of 13.13, declared unstorable by the pump's log here); a full rebuild runs through all of it, its
 * replay function's calls faulted too. Every event that got a 202 must be appended exactly once or rejected with its
 * reason; versions 1..n per account; the rebuild succeeds and its generation equals an independent fold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FaultInjectionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 8;
    private static final int EVENTS_PER_CLIENT = 1_250;
    private static final int ACCOUNTS = 300;
    private static final String UNSTORABLE = "13.13";
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    /**
     * The data table's outage lasts at least this long, and then until a processor's batch was retried more than the
     * 10 times the processors' mappings used to allow before they discarded it (at most {@link #DATA_TABLE_OUTAGE_CAP}).
     */
    private static final Duration DATA_TABLE_OUTAGE = Duration.ofSeconds(20);
    private static final Duration DATA_TABLE_OUTAGE_CAP = Duration.ofMinutes(3);
    private static final int FORMER_PROCESSOR_RETRIES = 10;

    private LocalStack stack;
    private PlaybackApi api;

    @BeforeAll
    void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory().withHandler("PumpFunction", FaultInjectionIT::pump));
        api = new PlaybackApi(stack.apiUrl());
    }

    /** The production pump, on a log that declares deposits of 13.13 unstorable: the permanent per-event fault. */
    private static PumpHandler pump(Map<String, String> variables) {
        Environment env = new Environment(variables);
        Tables t = Tables.from(env);
        AwsClients aws = new AwsClients(env);
        DynamoEventLog log = new DynamoEventLog(aws.dynamoDb(), t.eventsTable(), t.eventIdsTable(), DynamoIndexWriter.from(env, aws.dynamoDb()),
                new S3PayloadStore(aws.s3(), t.payloadBucket()));
        ForwardingEventLog unbuildable = new ForwardingEventLog(log) {
            @Override
            public Optional<String> unstorable(EventEnvelope event) {
                if (event.payload() != null && UNSTORABLE.equals(event.payload().path("amount").asText())) {
                    return Optional.of("event " + event.eventId() + " cannot be stored: injected permanent fault (amount " + UNSTORABLE + ")");
                }
                return delegate.unstorable(event);
            }
        };
        return new PumpHandler(unbuildable, new KinesisEventPublisher(aws.kinesis(), variables.get("PLAYBACK_STREAM")),
                new S3SetAside(aws.s3(), variables.get("FAILURE_BUCKET"), S3SetAside.Stream.EVENT), Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        Faults.disarm();
        if (stack != null) stack.close();
    }

    @Test
    void everyAcceptedEventIsAppendedOnceOrRejectedWithAReasonUnderInjectedFaults() throws Exception {
        ArrayNode opens = JSON.createArrayNode();
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            String id = String.format("fi-%03d", i);
            accounts.add(id);
            opens.add(event(id, "AccountOpened", JSON.createObjectNode().put("owner", "Owner " + i).put("currency", "EUR")));
        }
        Set<String> accepted = Collections.synchronizedSet(new HashSet<>());
        Set<String> unstorableSent = Collections.synchronizedSet(new HashSet<>());
        Faults.arm(stack.physicalName("PlaybackStream"), stack.physicalName("DataTable"), 0.03);
        accepted.addAll(post(api, opens));

        // A rebuild of every processor starts at 2,000 events, with the DynamoDB outage, and runs through the outages: the replay function's
        // DynamoDB and Kinesis calls fail like the others (it runs on hosted Lambda invocations).
        String rebuildArn = stack.workflows().stateMachineArn("RebuildStateMachine");
        java.util.concurrent.atomic.AtomicReference<String> rebuild = new java.util.concurrent.atomic.AtomicReference<>();
        AtomicInteger progress = new AtomicInteger();
        AtomicInteger resent = new AtomicInteger();
        long began = System.nanoTime();
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>> dataTableOutage =
                new java.util.concurrent.atomic.AtomicReference<>(java.util.concurrent.CompletableFuture.completedFuture(null));
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Map<String, List<String>>>> sent = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            sent.add(clients.submit(() -> {
                PlaybackApi own = new PlaybackApi(stack.apiUrl());
                Random random = new Random(1000 + client);
                Map<String, List<String>> order = new HashMap<>();
                int n = 0;
                while (n < EVENTS_PER_CLIENT) {
                    int size = Math.min(EVENTS_PER_CLIENT - n, 1 + random.nextInt(25));
                    ArrayNode batch = JSON.createArrayNode();
                    for (int i = 0; i < size; i++) {
                        String account = accounts.get(random.nextInt(ACCOUNTS));
                        boolean deposit = random.nextInt(10) < 6;
                        String amount = random.nextInt(400) == 0 ? UNSTORABLE
                                : (1 + random.nextInt(deposit ? 500 : 900)) + "." + String.format("%02d", random.nextInt(100));
                        // Client-chosen ids: a POST sent again is the same events (idempotent), not new ones.
                        batch.add(event(account, deposit || amount.equals(UNSTORABLE) ? "MoneyDeposited" : "MoneyWithdrawn",
                                JSON.createObjectNode().put("amount", amount)).put("eventId", "fi-" + client + "-" + (n + i)));
                    }
                    List<String> ids = post(own, batch);
                    if (random.nextInt(30) == 0) {
                        assertEquals(ids, post(own, batch), "a POST sent again answers the same ids");
                        resent.incrementAndGet();
                    }
                    for (int i = 0; i < size; i++) {
                        order.computeIfAbsent(batch.get(i).path("aggregateId").asText(), k -> new ArrayList<>()).add(ids.get(i));
                        if (batch.get(i).path("payload").path("amount").asText().equals(UNSTORABLE)) unstorableSent.add(ids.get(i));
                    }
                    accepted.addAll(ids);
                    n += size;
                    int total = progress.addAndGet(size);
                    if (total - size < 2_000 && total >= 2_000) {
                        Faults.dynamoOutage(OUTAGE);
                        rebuild.set(stack.workflows().stepFunctions().startExecution(rebuildArn, "fault-rebuild",
                                "{\"replayId\":\"fault-rebuild\",\"segments\":2,\"batchSize\":100}").executionArn());
                    }
                    if (total - size < 4_500 && total >= 4_500) dataTableOutage.set(outlastTheFormerProcessorBudget());
                    if (total - size < 7_000 && total >= 7_000) Faults.kinesisOutage(OUTAGE);
                }
                return order;
            }));
        }
        List<Map<String, List<String>>> orders = new ArrayList<>();
        for (Future<Map<String, List<String>>> f : sent) orders.add(f.get(10, TimeUnit.MINUTES));
        clients.shutdown();
        dataTableOutage.get().get(DATA_TABLE_OUTAGE_CAP.toMinutes() + 1, TimeUnit.MINUTES);
        long sentMillis = (System.nanoTime() - began) / 1_000_000;
        stack.awaitIdle(Duration.ofMinutes(5));
        ExecutionDescription rebuilt = RebuildBenchmark.awaitReplay(stack, rebuildArn, "fault-rebuild", Duration.ofMinutes(5));
        long transientRetries = 0;
        for (ExecutionDescription e : stack.workflows().stepFunctions().listExecutions(rebuildArn, null)) {
            if (!e.name().startsWith("fault-rebuild")) continue;
            transientRetries += stack.workflows().stepFunctions().getExecutionHistory(e.executionArn()).stream()
                    .filter(h -> TransientFailure.ERROR.equals(h.details() == null ? null : h.details().get("error"))).count();
        }
        String injected = Faults.counts();
        Faults.disarm();
        stack.awaitIdle(Duration.ofMinutes(2));
        long idleMillis = (System.nanoTime() - began) / 1_000_000;

        // What the events table and the event-id table hold.
        Map<String, Map<String, AttributeValue>> stored = new HashMap<>();
        int storedTwice = 0;
        for (Map<String, AttributeValue> item : LiveChecks.items(stack.dynamoDb(), stack.physicalName("EventsTable"))) {
            if (!item.get("aggregateId").s().startsWith("fi-")) continue;
            if (stored.put(item.get("eventId").s(), item) != null) storedTwice++;
        }
        DynamoEventLog reader = new DynamoEventLog(stack.dynamoDb(), stack.physicalName("EventsTable"), stack.physicalName("EventIdsTable"),
                new S3PayloadStore(stack.s3(), stack.physicalName("PayloadBucket")));
        Map<String, EventStatus> statuses = reader.statuses(accepted);
        List<String> lost = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        List<String> rejectedWithoutReason = new ArrayList<>();
        for (String id : accepted) {
            if (stored.containsKey(id)) continue;
            if (statuses.get(id) instanceof EventStatus.Rejected r) {
                rejected.add(id);
                if (r.reason() == null || r.reason().isBlank()) rejectedWithoutReason.add(id);
            } else {
                lost.add(id);
            }
        }
        List<String> appendedAndRejected = accepted.stream().filter(stored::containsKey)
                .filter(id -> statuses.get(id) instanceof EventStatus.Rejected).toList();
        Map<String, List<Long>> versions = new HashMap<>();
        stored.values().forEach(i -> versions.computeIfAbsent(i.get("aggregateId").s(), k -> new ArrayList<>()).add(Long.parseLong(i.get("version").n())));
        List<String> notContiguous = new ArrayList<>();
        for (var v : versions.entrySet()) {
            List<Long> sorted = v.getValue().stream().sorted().toList();
            if (!sorted.equals(LongStream.rangeClosed(1, sorted.size()).boxed().toList())) notContiguous.add(v.getKey());
        }
        List<String> outOfOrder = new ArrayList<>();
        for (Map<String, List<String>> order : orders) {
            for (var perAccount : order.entrySet()) {
                List<Long> inSendOrder = perAccount.getValue().stream().filter(stored::containsKey)
                        .map(id -> Long.parseLong(stored.get(id).get("version").n())).toList();
                if (!inSendOrder.equals(inSendOrder.stream().sorted().toList())) outOfOrder.add(perAccount.getKey());
            }
        }
        LedgerFold.Result fold = LedgerFold.of(stack.dynamoDb(), stack.s3(), stack.physicalName("EventsTable"));
        String active = RebuildBenchmark.activeGeneration(stack, "balances");
        List<String> drift = LedgerFold.compare(fold, stack.dynamoDb(), stack.physicalName("DataTable"), active);
        MappingStats.Stats mappings = stack.mappings().stats();
        // No mapping has a retry budget that discards: the outages are outlasted by retrying, however long they last.
        long pumpDiscarded = 0;
        long processorsDiscarded = 0;
        long processorsMostRetries = processorsMostRetries();
        for (var m : stack.mappings().mappings()) {
            if (m.event().streamName().equals("EventStream")) pumpDiscarded += m.stats().discardedRecords();
            else processorsDiscarded += m.stats().discardedRecords();
        }
        int processorsSetAside = stack.s3().listObjectsV2(l -> l.bucket(stack.physicalName("FailureBucket"))
                .prefix(S3SetAside.Stream.PLAYBACK.prefix())).keyCount();
        String sample = rejected.isEmpty() ? "-" : ((EventStatus.Rejected) statuses.get(rejected.get(0))).reason();

        System.out.printf("fault injection: %d events accepted (202) over %d accounts by %d clients (%d POSTs sent twice); injected %s%n",
                accepted.size(), ACCOUNTS, CLIENTS, resent.get(), injected);
        System.out.printf("fault injection: appended %d, rejected with a reason %d (unstorable sent %d; e.g. \"%s\"), lost %d, duplicated %d, "
                        + "appended and rejected %d; aggregates with non-contiguous versions %d, out of send order %d; fold %d events, "
                        + "violations %d, data store drift %d%n",
                stored.size(), rejected.size(), unstorableSent.size(), sample, lost.size(), storedTwice, appendedAndRejected.size(),
                notContiguous.size(), outOfOrder.size(), fold.events(), fold.violations().size(), drift.size());
        System.out.printf("fault injection: rebuild through the faults %s (%s), %d transient failures of the replay function retried "
                + "by the state machine; balances active %s%n", rebuilt.status(), rebuilt.name(), transientRetries, active);
        System.out.printf("fault injection: records discarded by a mapping: pump %d, processors %d; most retries of one processor batch %d "
                + "(the former budget was 10); playback records set aside %d%n", pumpDiscarded, processorsDiscarded, processorsMostRetries,
                processorsSetAside);
        System.out.printf("fault injection: sent in %d ms, all appended and projected after %d ms; event source mappings %s%n",
                sentMillis, idleMillis, mappings);

        assertTrue(Faults.TRANSIENT.get() > 0 && Faults.DYNAMO_OUTAGE.get() > 0 && Faults.KINESIS_OUTAGE.get() > 0, "faults were injected: " + injected);
        assertTrue(mappings.functionErrors() > 0, "the functions failed and were retried: " + mappings);
        assertTrue(Faults.DYNAMO_CALLS_FAILED.get() > 0 && Faults.KINESIS_CALLS_FAILED.get() > 0,
                "both outages outlasted the SDK's retries: " + injected);
        assertEquals(List.of(), lost, "accepted, neither appended nor rejected");
        assertEquals(0, storedTwice, "event ids stored twice");
        assertEquals(List.of(), appendedAndRejected);
        assertEquals(List.of(), rejectedWithoutReason);
        assertEquals(new HashSet<>(unstorableSent), new HashSet<>(rejected), "exactly the unstorable events are rejected");
        assertEquals(accepted.size(), stored.size() + rejected.size());
        assertEquals(List.of(), notContiguous, "versions 1..n");
        assertEquals(List.of(), outOfOrder, "one client's events of an account in send order");
        assertEquals(0, pumpDiscarded, "no event-stream record discarded: " + mappings);
        assertTrue(processorsMostRetries > FORMER_PROCESSOR_RETRIES, "the data table's outage outlasted the processors' former budget of "
                + FORMER_PROCESSOR_RETRIES + " retries: " + processorsMostRetries);
        assertEquals(0, processorsDiscarded, "no playback-stream record discarded: " + mappings);
        assertEquals(0, processorsSetAside, "every playback record could be decoded");
        assertEquals(List.of(), fold.violations());
        assertEquals(ExecutionStatus.SUCCEEDED, rebuilt.status(), () -> rebuilt.name() + ": " + rebuilt.error() + " " + rebuilt.cause());
        assertTrue(!active.equals("g0"), "the rebuild switched balances to its generation: " + active);
        assertEquals(List.of(), drift, "the rebuilt active generation equals the independent fold");
        assertEquals(ACCOUNTS, fold.accounts().keySet().stream().filter(a -> a.startsWith("fi-")).count());
    }

    /** The most retries one batch of a processor (a mapping of the playback stream) had so far. */
    private long processorsMostRetries() {
        long most = 0;
        for (var m : stack.mappings().mappings()) {
            if (!m.event().streamName().equals("EventStream")) most = Math.max(most, m.stats().mostRetries());
        }
        return most;
    }

    /**
     * Starts the data table's outage and ends it once it lasted {@link #DATA_TABLE_OUTAGE} and a processor's batch was
     * retried more often than the processors' mappings used to allow (or after {@link #DATA_TABLE_OUTAGE_CAP}; the
     * assertion on the retries then fails naming the count).
     */
    private java.util.concurrent.CompletableFuture<Void> outlastTheFormerProcessorBudget() {
        Faults.dataTableOutage(DATA_TABLE_OUTAGE_CAP);
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                org.awaitility.Awaitility.await("a processor batch retried more than " + FORMER_PROCESSOR_RETRIES + " times")
                        .pollDelay(DATA_TABLE_OUTAGE).pollInterval(Duration.ofMillis(200)).atMost(DATA_TABLE_OUTAGE_CAP)
                        .until(() -> processorsMostRetries() > FORMER_PROCESSOR_RETRIES);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("fault injection: " + e.getMessage());
            } finally {
                Faults.endDataTableOutage();
            }
        });
    }

    private static ObjectNode event(String aggregateId, String type, ObjectNode payload) {
        ObjectNode e = JSON.createObjectNode().put("aggregateId", aggregateId).put("type", type);
        e.set("payload", payload);
        return e;
    }

    /** POSTs until a 202 (a 5xx or a dropped connection is retried with the same body, as a careful client does). */
    private static List<String> post(PlaybackApi client, ArrayNode body) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                PlaybackApi.Answer a = client.postEvents(body);
                if (a.status() == 202) {
                    List<String> ids = new ArrayList<>();
                    a.body().path("eventIds").forEach(n -> ids.add(n.asText()));
                    assertEquals(body.size(), ids.size(), a.body().toString());
                    return ids;
                }
                if (a.status() < 500) throw new AssertionError("POST refused with " + a.status() + ": " + a.body());
                last = new IllegalStateException("POST answered " + a.status() + ": " + a.body());
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new AssertionError("POST never accepted within 2 minutes", last);
    }

}

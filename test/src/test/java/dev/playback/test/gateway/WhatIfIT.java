package dev.playback.test.gateway;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.examples.external.PartnerBank;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.processor.ProcessorHandler;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.Main;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.client.PlaybackApi;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code playback what-if} on the payouts bug fix, against a running local stack through its endpoints file: live
 * payouts with fee rule v1, v2 deployed, then the what-if (nothing sent, nothing logged, its shadow generation gone),
 * then the real {@code diff} rebuild: it sends exactly the predicted corrections, event by event and amount by amount,
 * under the predicted idempotency keys; a scoped what-if reports the whole one's corrections of its aggregates. A what-if
 * that is interrupted stops its execution and its shadow is dropped.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhatIfIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};

    /** While set, the payouts function hands every record of a batch back for retry (a replay cannot drain). */
    private static final AtomicBoolean HOLD = new AtomicBoolean();
    private static final AtomicInteger HELD = new AtomicInteger();

    /** The deployed payouts handler, or one that retries every record while {@link #HOLD} is set. */
    static final class Holdable implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        private final ProcessorHandler real;

        Holdable(Map<String, String> environment) {
            this.real = new ProcessorHandler(environment);
        }

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
            if (!HOLD.get()) return real.handleRequest(input, context);
            HELD.incrementAndGet();
            List<StreamsEventResponse.BatchItemFailure> retry = new ArrayList<>();
            for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
                retry.add(new StreamsEventResponse.BatchItemFailure(r.getKinesis().getSequenceNumber()));
            }
            return new StreamsEventResponse(retry);
        }
    }

    private LocalStack stack;
    private PlaybackApi api;
    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v1").withHandler("PayoutsFunction", Holdable::new));
        api = new PlaybackApi(stack.apiUrl());
        ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < 9; i++) {
            batch.addObject().put("aggregateId", "wi-" + i).put("type", "AccountOpened")
                    .set("payload", JSON.createObjectNode().put("owner", "Owner " + i).put("currency", CURRENCIES[i % 3]));
            batch.addObject().put("aggregateId", "wi-" + i).put("type", "MoneyDeposited")
                    .set("payload", JSON.createObjectNode().put("amount", "2000.00"));
        }
        post(batch);
        ArrayNode payouts = JSON.createArrayNode();
        for (int i = 0; i < 9; i++) {
            for (int k = 0; k < 4; k++) {
                String amount = (41 + 67 * k + i) + "." + String.format("%02d", (17 * k + 9 * i) % 100);
                payouts.addObject().put("eventId", "wi-po-" + i + "-" + k).put("aggregateId", "wi-" + i).put("type", "PayoutRequested")
                        .set("payload", JSON.createObjectNode().put("amount", amount).put("targetCurrency", CURRENCIES[(i + k + 1) % 3])
                                .put("beneficiary", "B" + k));
            }
        }
        post(payouts);
        stack.awaitIdle(IDLE);
    }

    @AfterAll
    void stop() {
        HOLD.set(false);
        if (stack != null) stack.close();
    }

    private void post(JsonNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        assertEquals(202, a.status(), a.body().toString());
    }

    private PartnerBank bank() {
        return stack.external().bank();
    }

    record Run(int code, String out, String err) {
    }

    private Run playback(String... args) {
        Path endpoints = dir.resolve("local.json");
        if (!Files.exists(endpoints)) stack.endpoints().write(endpoints);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--local-file");
        all.add(endpoints.toString());
        int code = Main.execute(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The data table's keys that start with {@code prefix} (a consistent scan). */
    private Set<String> keys(String prefix) {
        Set<String> out = new TreeSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = stack.dynamoDb().scan(s -> s.tableName(stack.physicalName("DataTable")).consistentRead(true).exclusiveStartKey(from));
            for (var item : page.items()) {
                String pk = item.get("pk").s();
                if (pk.startsWith(prefix)) out.add(pk);
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private DynamoStateStore states() {
        return new DynamoStateStore(stack.dynamoDb(), stack.physicalName("DataTable"));
    }

    /** "eventId payoutId amount idempotencyKey", sorted: one line per correction. */
    private static List<String> lines(JsonNode corrections, String idField) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : corrections) {
            out.add(c.path("eventId").asText() + " " + c.path("command").path("payoutId").asText() + " "
                    + new BigDecimal(c.path("command").path("amount").asText()).toPlainString() + " " + c.path(idField).asText());
        }
        out.sort(null);
        return out;
    }

    @Test
    void theWhatIfOfFeeRuleV2PredictsExactlyTheCorrectionsTheDiffReplayThenSendsAndSendsAndLogsNothingItself() throws Exception {
        stack.updateParameter("FeeRule", "v2");
        int bankBefore = bank().payouts().size();
        Set<String> logBefore = keys("cmd#");
        Path json = dir.resolve("what-if.json"), md = dir.resolve("what-if.md"), xml = dir.resolve("TEST-what-if.xml");

        Run whatIf = playback("what-if", "--processor", "payouts", "--replay-id", "whatif-v2", "--json",
                "--report", json.toString(), "--report", md.toString(), "--report", xml.toString());

        assertEquals(0, whatIf.code(), whatIf.err() + whatIf.out());
        JsonNode predicted = JSON.readTree(whatIf.out());
        assertEquals(bankBefore, bank().payouts().size(), "the what-if sent nothing");
        assertEquals(logBefore, keys("cmd#"), "the what-if logged no command");
        assertEquals(Set.of(), keys("payouts#shadow-whatif-v2#"), "the shadow generation's items are gone");
        assertFalse(states().generations("payouts").building().contains("shadow-whatif-v2"), "the shadow no longer builds");
        assertEquals(9, predicted.path("aggregatesRead").asLong(), predicted.toString());
        assertTrue(predicted.path("corrections").size() > 15, "most of the 36 payouts differ between v1 and v2: " + predicted);
        assertEquals(predicted, JSON.readTree(Files.readString(json)));
        assertTrue(Files.readString(md).contains("| Corrections a `diff` replay would send | " + predicted.path("corrections").size() + " |"));
        assertTrue(Files.readString(xml).contains("<property name=\"corrections\" value=\"" + predicted.path("corrections").size() + "\"/>"));

        Run scoped = playback("what-if", "--processor", "payouts", "--replay-id", "whatif-v2-scoped", "--json",
                "--type", "PayoutRequested", "--aggregate", "wi-1", "--aggregate", "wi-2", "--aggregate", "nobody");
        assertEquals(0, scoped.code(), scoped.err() + scoped.out());
        List<String> expectedInScope = new ArrayList<>();
        for (JsonNode c : predicted.path("corrections")) {
            if (Set.of("wi-1", "wi-2").contains(c.path("aggregateId").asText())) expectedInScope.add(c.path("eventId").asText());
        }
        List<String> inScope = new ArrayList<>();
        JSON.readTree(scoped.out()).path("corrections").forEach(c -> inScope.add(c.path("eventId").asText()));
        expectedInScope.sort(null);
        inScope.sort(null);
        assertFalse(expectedInScope.isEmpty());
        assertEquals(expectedInScope, inScope, "a scope (found through the event index): the whole prediction's corrections of its aggregates");
        assertEquals(bankBefore, bank().payouts().size(), "the scoped what-if sent nothing either");

        ObjectNode diff = JSON.createObjectNode().put("replayId", "fix-after-what-if").put("segments", 2).put("batchSize", 25)
                .put("gatewayMode", "diff");
        diff.putArray("processors").add("payouts");
        String machine = stack.workflows().stateMachineArn("RebuildStateMachine");
        stack.workflows().stepFunctions().startExecution(machine, "fix-after-what-if", diff.toString());
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, machine, "fix-after-what-if", Duration.ofMinutes(5));
        stack.awaitIdle(IDLE);
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), () -> d.error() + ": " + d.cause());
        String uri = JSON.readTree(d.output()).path("gateway").path("reportUri").asText().substring("s3://".length());
        JsonNode sent = JSON.readTree(stack.s3().getObjectAsBytes(g -> g.bucket(uri.substring(0, uri.indexOf('/')))
                .key(uri.substring(uri.indexOf('/') + 1))).asByteArray());

        List<String> predictedLines = lines(predicted.path("corrections"), "idempotencyKey");
        assertEquals(predictedLines, lines(sent.path("correctionList"), "idempotencyKey"),
                "the diff replay's corrections: the predicted ones, event by event, amount by amount, key by key");
        List<String> atTheBank = new ArrayList<>();
        for (PartnerBank.Received r : bank().payouts().subList(bankBefore, bank().payouts().size())) {
            atTheBank.add(r.payoutId() + " " + r.amount().toPlainString() + " " + r.idempotencyKey());
        }
        atTheBank.sort(null);
        assertEquals(predictedLines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).sorted().toList(), atTheBank,
                "what reached the bank: the predicted payout ids, amounts and idempotency keys");
        for (JsonNode c : predicted.path("corrections")) {
            assertEquals(c.path("eventId").asText().replaceFirst("^wi-po-(\\d+)-\\d+$", "wi-$1"), c.path("aggregateId").asText());
        }
        System.out.printf("what-if v1 -> v2: %d aggregates read, %d changed, %d corrections predicted; the diff rebuild sent %d, "
                        + "identical event by event and amount by amount%n", predicted.path("aggregatesRead").asLong(),
                predicted.path("changedAggregates").size(), predictedLines.size(), atTheBank.size());
        System.out.print(Files.readString(md));
    }

    @Test
    void anInterruptedWhatIfStopsItsExecutionAndItsShadowGenerationIsDropped() throws Exception {
        HOLD.set(true);
        HELD.set(0);
        AtomicInteger code = new AtomicInteger(-1);
        Thread cli = new Thread(() -> code.set(playback("what-if", "--processor", "payouts", "--replay-id", "whatif-stopped").code()));
        try {
            cli.start();
            Awaitility.await("the payouts function holds the what-if's records").atMost(Duration.ofMinutes(2)).until(() -> HELD.get() > 0);
            cli.interrupt();
            cli.join(Duration.ofMinutes(1).toMillis());
            assertFalse(cli.isAlive(), "the command returned after the interrupt");
        } finally {
            HOLD.set(false);
        }

        assertEquals(1, code.get());
        String machine = stack.workflows().stateMachineArn("VerifyStateMachine");
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, machine, "whatif-stopped", Duration.ofMinutes(1));
        assertEquals(ExecutionStatus.ABORTED, d.status());
        Awaitility.await("the stopped what-if's shadow is dropped").atMost(Duration.ofMinutes(1))
                .until(() -> !states().generations("payouts").building().contains("shadow-whatif-stopped")
                        && keys("payouts#shadow-whatif-stopped#").isEmpty());
    }
}

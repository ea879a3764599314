package dev.playback.test.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.processor.ProcessorHandler;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.check.PayoutCheck;
import dev.playback.tools.client.PlaybackApi;
import dev.playback.examples.external.PartnerBank;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway modes through the replay state machines on the emulators, with the payouts processor consuming
 * the playback stream as deployed: live payouts with fee rule v1, the rates move, v2 is deployed, then a
 * {@code diff} rebuild (exactly the corrections, checked from the recorded rates), a {@code suppress} rebuild
 * (nothing sent, same state), a partial replay in {@code diff} mode after it (nothing left to correct),
 * {@code allow:bank,fx} for a processor that never ran over some events (a new feature: sends once, a second
 * allow replay sends nothing), and missing records in {@code fail} and {@code live} mode. Replays of every aggregate
 * and the fee rule are the stack's own: each test starts a stack of its own with the same live history, and arranges
 * what it needs after it (the rates moving, the v2 fix).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PayoutsReplayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final List<String> ACCOUNTS = IntStream.range(0, 12).mapToObj(i -> "pay-" + i).toList();
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};

    /** While set, the payouts function takes its records without processing them (the feature is not deployed yet). */
    private static final AtomicBoolean PAYOUTS_OFF = new AtomicBoolean();

    /** The deployed payouts handler, or one that takes records without processing them while {@link #PAYOUTS_OFF} is set. */
    static final class Switchable implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        private final ProcessorHandler real;

        Switchable(Map<String, String> environment) {
            this.real = new ProcessorHandler(environment);
        }

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
            return PAYOUTS_OFF.get() ? new StreamsEventResponse(List.of()) : real.handleRequest(input, context);
        }
    }

    private LocalStack stack;
    private PlaybackApi api;
    private final Set<String> sentLive = new TreeSet<>();

    @BeforeEach
    void start() throws Exception {
        PAYOUTS_OFF.set(false);
        stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v1").withHandler("PayoutsFunction", Switchable::new));
        api = new PlaybackApi(stack.apiUrl());
        ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < ACCOUNTS.size(); i++) {
            String currency = CURRENCIES[i % 3];
            batch.addObject().put("aggregateId", ACCOUNTS.get(i)).put("type", "AccountOpened")
                    .set("payload", JSON.createObjectNode().put("owner", "Owner " + i).put("currency", currency));
            batch.addObject().put("aggregateId", ACCOUNTS.get(i)).put("type", "MoneyDeposited")
                    .set("payload", JSON.createObjectNode().put("amount", "2000.00"));
        }
        post(batch);
        ArrayNode payouts = JSON.createArrayNode();
        for (int i = 0; i < ACCOUNTS.size(); i++) {
            for (int k = 0; k < 5; k++) {
                // the last one of every account is more than what is left: declined
                String amount = k == 4 ? "1500.00" : (37 + 61 * k + i) + "." + String.format("%02d", (13 * k + 7 * i) % 100);
                payouts.addObject().put("eventId", "po-" + i + "-" + k).put("aggregateId", ACCOUNTS.get(i)).put("type", "PayoutRequested")
                        .set("payload", JSON.createObjectNode().put("amount", amount).put("targetCurrency", CURRENCIES[(i + k + 1) % 3])
                                .put("beneficiary", "B" + k));
            }
        }
        post(payouts);
        stack.awaitIdle(IDLE);
        bank().payouts().forEach(p -> sentLive.add(p.payoutId()));
    }

    @AfterEach
    void stop() {
        if (stack != null) stack.close();
    }

    private PartnerBank bank() {
        return stack.external().bank();
    }

    private void post(JsonNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        assertEquals(202, a.status(), a.body().toString());
    }

    private Map<String, PayoutCheck.Expected> expected(List<String> accounts) {
        Set<String> sent = new TreeSet<>();
        bank().payouts().forEach(p -> sent.add(p.payoutId()));
        return PayoutCheck.expected(api, stack.s3(), stack.physicalName("RecordBucket"), accounts, sent);
    }

    private ExecutionDescription run(String machine, ObjectNode input) throws Exception {
        String replayId = input.path("replayId").asText();
        stack.workflows().stepFunctions().startExecution(stack.workflows().stateMachineArn(machine), replayId + "-" + System.nanoTime(),
                input.toString());
        ExecutionDescription d = RebuildBenchmark.awaitReplay(stack, stack.workflows().stateMachineArn(machine), replayId, Duration.ofMinutes(5));
        stack.awaitIdle(IDLE);
        return d;
    }

    private static ObjectNode rebuild(String replayId, String mode) {
        ObjectNode in = JSON.createObjectNode().put("replayId", replayId).put("segments", 2).put("batchSize", 25);
        if (mode != null) in.put("gatewayMode", mode);
        in.putArray("processors").add("payouts");
        return in;
    }

    private static JsonNode output(ExecutionDescription d) throws Exception {
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), () -> d.error() + ": " + d.cause());
        return JSON.readTree(d.output());
    }

    private JsonNode report(String uri) throws Exception {
        String rest = uri.substring("s3://".length());
        String bucket = rest.substring(0, rest.indexOf('/'));
        return JSON.readTree(stack.s3().getObjectAsBytes(g -> g.bucket(bucket).key(rest.substring(rest.indexOf('/') + 1))).asByteArray());
    }

    private Map<String, String> payoutsStates(String generation) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String account : ACCOUNTS) {
            var item = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable")).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("payouts#" + generation + "#" + account)))).item();
            out.put(account, item.containsKey("state") ? item.get("state").s() : null);
        }
        return out;
    }

    /** The FX rates move (FX answers differently from what was recorded). */
    private void moveRates() {
        stack.external().fx().setRate("EUR", "USD", "1.2100");
        stack.external().fx().setRate("USD", "GBP", "0.7000");
        stack.external().fx().setRate("GBP", "EUR", "1.0100");
    }

    /** Fee rule v2 deployed: every function that reads FEE_RULE is updated. */
    private void deployV2() throws Exception {
        assertEquals(List.of("IngestFunction", "PumpFunction", "ProjectionFunction", "ReplayFunction", "PayoutsFunction",
                "InvoicingFunction"), stack.updateParameter("FeeRule", "v2"));
    }

    @Test
    void liveWithV1TheBankHoldsWhatV1SendsFromTheRecordedRates() {
        Map<String, PayoutCheck.Expected> expected = expected(ACCOUNTS);
        assertEquals(48, expected.size(), "12 accounts x 4 payouts that are not declined");
        assertEquals(48, bank().payouts().size());
        assertEquals(List.of(), PayoutCheck.compare(expected, bank().netPerPayout(), "v1"));
    }

    @Test
    void aDiffRebuildSendsExactlyTheCorrectionsAndTheBankThenHoldsV2() throws Exception {
        moveRates();
        deployV2();
        Map<String, PayoutCheck.Expected> expected = expected(ACCOUNTS);
        long wrong = expected.values().stream().filter(e -> e.v1().compareTo(e.v2()) != 0).count();
        assertTrue(wrong > 20, "most payouts differ between v1 and v2: " + wrong);
        int before = bank().payouts().size();

        JsonNode out = output(run("RebuildStateMachine", rebuild("fix-fees", "diff")));
        JsonNode gateway = out.path("gateway");
        assertEquals(wrong, gateway.path("corrections").asLong(), out.toString());
        assertEquals(0, gateway.path("sent").asLong());
        assertEquals(wrong, bank().payouts().size() - before, "one correction per wrong payout reached the bank");
        assertEquals(List.of(), PayoutCheck.compare(expected, bank().netPerPayout(), "v2"));
        JsonNode report = report(gateway.path("reportUri").asText());
        assertEquals(wrong, report.path("correctionList").size());
        Set<String> corrected = new TreeSet<>();
        report.path("correctionList").forEach(c -> corrected.add(c.path("key").asText()));
        assertEquals(wrong, corrected.size(), "every correction listed once");
        System.out.printf("diff rebuild: %d payouts, %d wrong under v1, %d corrections sent; bank net == v2 from recorded rates%n",
                expected.size(), wrong, bank().payouts().size() - before);

        // The same replay id again: the replay answers what it did, and sends nothing more.
        int after = bank().payouts().size();
        JsonNode again = output(run("RebuildStateMachine", JSON.createObjectNode().put("replayId", "fix-fees")));
        assertEquals(out.path("summary").asText(), again.path("summary").asText());
        assertEquals(after, bank().payouts().size());
    }

    @Test
    void aSuppressRebuildOfEveryProcessorSendsNothingAndReproducesThePayoutsState() throws Exception {
        moveRates();
        String before = RebuildBenchmark.activeGeneration(stack, "payouts");
        Map<String, String> statesBefore = payoutsStates(before);
        int bankBefore = bank().payouts().size();
        JsonNode out = output(run("RebuildStateMachine", JSON.createObjectNode().put("replayId", "all-suppressed")));
        String after = RebuildBenchmark.activeGeneration(stack, "payouts");
        assertTrue(!after.equals(before), before + " -> " + after);
        assertEquals(bankBefore, bank().payouts().size(), "nothing sent");
        assertEquals(48, out.path("gateway").path("suppressed").asLong(), out.toString());
        assertEquals(statesBefore, payoutsStates(after), "same state with the recorded rates although FX answers differently now");
        assertEquals(after, RebuildBenchmark.activeGeneration(stack, "balances"));
    }

    @Test
    void aPartialDiffReplayAfterTheFixFindsNothingToCorrect() throws Exception {
        moveRates();
        deployV2();
        output(run("RebuildStateMachine", rebuild("fix-fees", "diff")));
        int bankBefore = bank().payouts().size();
        ObjectNode scope = JSON.createObjectNode().put("replayId", "partial-diff").put("gatewayMode", "diff");
        scope.putArray("aggregates").add("pay-1").add("pay-2");
        scope.putArray("processors").add("payouts");
        JsonNode out = output(run("PartialReplayStateMachine", scope));
        assertEquals(2, out.path("rebuilt").asLong());
        assertEquals(0, out.path("gateway").path("corrections").asLong(), out.toString());
        assertEquals(bankBefore, bank().payouts().size());
    }

    @Test
    void allowSendsWhatANewFeatureWouldHaveSentOnceAndASecondAllowReplaySendsNothing() throws Exception {
        PAYOUTS_OFF.set(true);
        ArrayNode batch = JSON.createArrayNode();
        batch.addObject().put("aggregateId", "nova").put("type", "AccountOpened")
                .set("payload", JSON.createObjectNode().put("owner", "Nova").put("currency", "EUR"));
        batch.addObject().put("aggregateId", "nova").put("type", "MoneyDeposited").set("payload", JSON.createObjectNode().put("amount", "900.00"));
        for (int k = 0; k < 3; k++) {
            batch.addObject().put("eventId", "nova-" + k).put("aggregateId", "nova").put("type", "PayoutRequested")
                    .set("payload", JSON.createObjectNode().put("amount", (100 + k) + ".00").put("targetCurrency", "USD").put("beneficiary", "N"));
        }
        post(batch);
        stack.awaitIdle(IDLE);
        PAYOUTS_OFF.set(false);
        int bankBefore = bank().payouts().size();

        ObjectNode scope = JSON.createObjectNode().put("replayId", "nova-allow").put("gatewayMode", "allow:bank,fx");
        scope.putArray("aggregates").add("nova");
        scope.putArray("processors").add("payouts");
        JsonNode out = output(run("PartialReplayStateMachine", scope));
        assertEquals(3, out.path("gateway").path("sent").asLong(), out.toString());
        assertEquals(3, out.path("gateway").path("liveQueries").asLong(), "the FX rates were asked now and flagged");
        assertEquals(bankBefore + 3, bank().payouts().size());
        Map<String, PayoutCheck.Expected> expected = expected(List.of("nova"));
        Map<String, BigDecimal> net = new LinkedHashMap<>(bank().netPerPayout());
        net.keySet().retainAll(expected.keySet());
        assertEquals(List.of(), PayoutCheck.compare(expected, net, "v1"), "the stack runs fee rule v1 in this test");

        ObjectNode again = scope.deepCopy().put("replayId", "nova-allow-again");
        JsonNode second = output(run("PartialReplayStateMachine", again));
        assertEquals(0, second.path("gateway").path("sent").asLong(), second.toString());
        assertEquals(bankBefore + 3, bank().payouts().size(), "a later replay does not send again");
    }

    @Test
    void aMissingRecordFailsTheReplayNamingEventAndCallSiteOrIsAskedLiveAndFlagged() throws Exception {
        String records = stack.physicalName("RecordBucket");
        var objects = stack.s3().listObjectsV2(l -> l.bucket(records).prefix("queries/payouts/po-3-1/")).contents();
        assertEquals(1, objects.size());
        stack.s3().deleteObject(d -> d.bucket(records).key(objects.get(0).key()));
        int bankBefore = bank().payouts().size();

        ObjectNode scope = JSON.createObjectNode().put("replayId", "missing-fail");
        scope.putArray("aggregates").add("pay-3");
        scope.putArray("processors").add("payouts");
        ExecutionDescription failed = run("PartialReplayStateMachine", scope);
        assertEquals(ExecutionStatus.FAILED, failed.status());
        assertTrue(failed.cause() != null && failed.cause().contains("po-3-1") && failed.cause().contains("fx.rate"), failed.cause());

        ObjectNode live = scope.deepCopy().put("replayId", "missing-live").put("missingRecords", "live");
        JsonNode out = output(run("PartialReplayStateMachine", live));
        assertEquals(1, out.path("gateway").path("liveQueries").asLong(), out.toString());
        JsonNode report = report(out.path("gateway").path("reportUri").asText());
        assertEquals("po-3-1", report.path("liveQueryList").get(0).path("eventId").asText());
        assertEquals(bankBefore, bank().payouts().size(), "suppress mode: nothing sent");
        assertEquals(1, stack.s3().listObjectsV2(l -> l.bucket(records).prefix("queries/payouts/po-3-1/")).contents().size(),
                "the answer asked live is recorded for the next replay");
    }
}

package dev.playback.test.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.lambdas.wiring.DomainWiring;
import dev.playback.lambdas.config.Environment;
import dev.playback.model.playback.GatewayReplay;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.cli.ReverseCommand;
import dev.playback.tools.client.PlaybackApi;
import dev.playback.examples.external.PartnerBank;
import dev.onebox.lambda.AwsEndpoints;
import dev.onebox.lambda.LocalFunctions;
import dev.playback.model.gateway.Correction;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.gateway.MissingRecordException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The payouts gateway on the emulators: live payouts with fee rule v1 (FX answers recorded to S3, payouts
 * sent to the local partner bank and logged), then, while the FX rates move, replays through
 * {@link GatewayReplay} of payouts in each mode, missing records, and a reversal through {@code playback reverse}.
 * The tests share the stack; each sends the live history of an account of its own (ids prefixed by the account)
 * at the seed rates, and looks only at that account's payouts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PayoutsGatewayIT {
    private static final Duration IDLE = Duration.ofSeconds(120);
    private LocalStack stack;
    private PlaybackApi api;

    @BeforeAll
    void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v1"));
        api = new PlaybackApi(stack.apiUrl());
    }

    @AfterAll
    void stop() {
        if (stack != null) stack.close();
    }

    private static String ev(String id, String agg, String type, String payload) {
        return "{\"eventId\":\"" + id + "\",\"aggregateId\":\"" + agg + "\",\"type\":\"" + type + "\",\"payload\":" + payload + "}";
    }

    private static String payout(String account, String id, String amount, String currency) {
        return ev(account + "-" + id, account, "PayoutRequested", "{\"amount\":\"" + amount + "\",\"targetCurrency\":\"" + currency
                + "\",\"beneficiary\":\"Bob\"}");
    }

    /**
     * The account's live history with fee rule v1 at the FX service's seed rates (EUR/USD 1.0850, EUR/GBP 0.8600): opened
     * in EUR, 1000.00 and an old-shape 10.00 deposited, payouts p-1 100.00 USD, p-2 250.55 GBP, p-3 5000.00 USD (declined)
     * and p-4 20.00 EUR, each event id prefixed by the account.
     */
    private void live(String account) {
        stack.external().fx().setRate("EUR", "USD", "1.0850");
        stack.external().fx().setRate("EUR", "GBP", "0.8600");
        PlaybackApi.Answer a = api.postEvents("[" + String.join(",",
                ev(account + "-open", account, "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}"),
                ev(account + "-dep", account, "MoneyDeposited", "{\"amount\":\"1000.00\"}"),
                "{\"eventId\":\"" + account + "-dep-old\",\"aggregateId\":\"" + account
                        + "\",\"type\":\"MoneyDeposited\",\"schemaVersion\":1,\"payload\":{\"value\":\"10.00\"}}",
                payout(account, "p-1", "100.00", "USD"), payout(account, "p-2", "250.55", "GBP"), payout(account, "p-3", "5000.00", "USD"),
                payout(account, "p-4", "20.00", "EUR")) + "]");
        assertEquals(202, a.status(), a.body().toString());
        stack.awaitIdle(IDLE);
    }

    /** The bank's net per payout of the account's payouts, by payout id without the account prefix. */
    private Map<String, BigDecimal> net(String account) {
        Map<String, BigDecimal> out = new HashMap<>();
        bank().netPerPayout().forEach((id, amount) -> {
            if (id.startsWith(account + "-")) out.put(id.substring(account.length() + 1), amount);
        });
        return out;
    }

    /** The payouts and corrections of the account the bank received. */
    private List<PartnerBank.Received> received(String account) {
        return bank().payouts().stream().filter(r -> r.payoutId().startsWith(account + "-")).toList();
    }

    private PartnerBank bank() {
        return stack.external().bank();
    }

    private GatewayReplay replay(String feeRule) {
        var endpoints = new AwsEndpoints(stack.emulators().dynamoDbEndpoint(), stack.emulators().kinesisEndpoint(), stack.emulators().s3Endpoint());
        Map<String, String> env = new HashMap<>(LocalFunctions.environment(stack.template().function("PayoutsFunction"), endpoints,
                stack.functionOverrides(), Map.of()));
        env.put("FEE_RULE", feeRule);
        DomainWiring w = DomainWiring.from(new Environment(env), "PayoutsFunction");
        var payouts = w.domains().effectful("payouts").orElseThrow();
        return new GatewayReplay(w.processor(payouts), w.gateway(payouts), w.events(), w.states(), w.domains().catalog());
    }

    /** The v2 fix of the account's live payouts: a diff replay that sends the corrections p-1 -0.08 and p-2 +0.36. */
    private GatewayReplay.Result fixFees(String account, String replayId) {
        return replay("v2").rebuild(replayId, "g-" + replayId, GatewayRun.replay(replayId, GatewayMode.DIFF, MissingRecord.FAIL), account);
    }

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    void livePayoutsRecordTheRateBeforeUseAndSendEachPayoutOnce() {
        live("acc-live");

        assertEquals(Map.of("p-1", d("107.50"), "p-2", d("212.96"), "p-4", d("19.50")), net("acc-live"));
        assertEquals(3, received("acc-live").size());
        String records = stack.physicalName("RecordBucket");
        List<String> keys = stack.s3().listObjectsV2(l -> l.bucket(records).prefix("queries/payouts/acc-live-")).contents().stream()
                .map(o -> o.key()).sorted().toList();
        assertEquals(2, keys.size(), keys.toString());
        assertTrue(keys.get(0).startsWith("queries/payouts/acc-live-p-1/fx.rate/"), keys.toString());

        JsonNode balances = api.get("/aggregates/acc-live").body().path("state");
        assertEquals("639.45", balances.path("balance").asText(), "1010 - 100 - 250.55 - 20; p-3 declined; the old-shape deposit counts");
        assertEquals(1, balances.path("declined").asLong());
        // what each payout sent is in the command log, not in the state: the payouts state is the ledger
        assertEquals("639.45", api.get("/aggregates/acc-live?processor=payouts").body().path("state").path("ledger").path("balance").asText());
    }

    @Test
    void aSuppressRebuildSendsNothingAndReproducesTheLiveStateAlthoughTheRatesMoved() {
        live("acc-suppress");
        stack.external().fx().setRate("EUR", "USD", "1.5000");
        stack.external().fx().setRate("EUR", "GBP", "0.5000");
        var result = replay("v1").rebuild("rebuild-1", "g-rebuild-1", GatewayRun.replay("rebuild-1", GatewayMode.SUPPRESS, MissingRecord.FAIL),
                "acc-suppress");
        assertEquals(3, received("acc-suppress").size(), "nothing sent");
        assertEquals(3, result.report().suppressed().size());
        // As stored (personal fields sealed: the API would show them revealed).
        String active = dev.playback.tools.bench.RebuildBenchmark.activeGeneration(stack, "payouts");
        var live = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable"))
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("payouts#" + active + "#acc-suppress"))));
        var rebuilt = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable"))
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("payouts#g-rebuild-1#acc-suppress"))));
        assertEquals(live.item().get("state").s(), rebuilt.item().get("state").s());
    }

    @Test
    void aDiffReplayWithV2SendsExactlyTheCorrectionsAndAResumeSendsNoneTwice() {
        live("acc-diff");
        var result = fixFees("acc-diff", "fix-1");
        assertEquals(List.of("acc-diff-p-1:-0.08", "acc-diff-p-2:0.36"), result.report().corrections().stream()
                .map(c -> c.key() + ":" + c.command().path("amount").asText()).toList());
        // what v2 would have sent from the start with the recorded rates (1.0850, 0.8600)
        assertEquals(Map.of("p-1", d("107.42"), "p-2", d("213.32"), "p-4", d("19.50")), net("acc-diff"));

        GatewayRun fix = GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL);
        var resumed = replay("v2").rebuild("fix-1", "g-fix-1b", fix, "acc-diff");
        assertEquals(5, received("acc-diff").size(), "no correction sent twice");
        assertTrue(resumed.report().corrections().stream().allMatch(Correction::alreadySent));
        assertEquals(2, resumed.toJson().path("corrections").size(), "the report still lists every correction");
    }

    @Test
    void aReplayBatchOnThePlaybackStreamRunsInItsModeAndLeavesAReport() throws Exception {
        live("acc-stream");
        List<dev.playback.model.event.EventEnvelope> history = new java.util.ArrayList<>();
        for (JsonNode e : api.history("acc-stream").body().path("events")) history.add(dev.playback.model.event.EventCodec.fromJson(e));
        byte[] record = dev.playback.lambdas.aws.kinesis.PlaybackRecords.encode(new dev.playback.model.replay.PlaybackRecord(
                "stream-1", "g-stream-1", List.of("payouts"), history, "suppress", "fail"));
        stack.kinesis().putRecord(p -> p.streamName(stack.physicalName("PlaybackStream")).partitionKey("acc-stream")
                .data(software.amazon.awssdk.core.SdkBytes.fromByteArray(record)));
        stack.awaitIdle(IDLE);
        assertEquals(3, received("acc-stream").size(), "suppressed");
        var reports = stack.s3().listObjectsV2(l -> l.bucket(stack.physicalName("ReportBucket")).prefix("replays/stream-1/gateway/payouts/"))
                .contents();
        assertEquals(1, reports.size());
        JsonNode report = dev.playback.model.event.EventCodec.JSON.readTree(stack.s3().getObjectAsBytes(g -> g
                .bucket(stack.physicalName("ReportBucket")).key(reports.get(0).key())).asByteArray());
        assertEquals("suppress", report.path("gatewayMode").asText());
        assertEquals(3, report.path("suppressed").asInt());
        var state = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable"))
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("payouts#g-stream-1#acc-stream"))));
        String active = dev.playback.tools.bench.RebuildBenchmark.activeGeneration(stack, "payouts");
        var live = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable"))
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("payouts#" + active + "#acc-stream"))));
        assertTrue(state.hasItem(), "the replay built its generation's state");
        // the record carried the history as the API answers it (the owner revealed); the rest is as live
        var replayed = (com.fasterxml.jackson.databind.node.ObjectNode) dev.playback.model.event.EventCodec.JSON.readTree(state.item().get("state").s()).get("ledger");
        var liveLedger = (com.fasterxml.jackson.databind.node.ObjectNode) dev.playback.model.event.EventCodec.JSON.readTree(live.item().get("state").s()).get("ledger");
        replayed.remove("owner");
        liveLedger.remove("owner");
        assertEquals(liveLedger, replayed, "the same ledger as live");
    }

    @Test
    void aMissingRecordFailsNamingEventAndCallSiteOrIsAskedLiveAndFlagged() {
        live("acc-missing");
        String records = stack.physicalName("RecordBucket");
        var objects = stack.s3().listObjectsV2(l -> l.bucket(records).prefix("queries/payouts/acc-missing-p-2/")).contents();
        assertEquals(1, objects.size());
        stack.s3().deleteObject(d -> d.bucket(records).key(objects.get(0).key()));

        MissingRecordException e = assertThrows(MissingRecordException.class, () -> replay("v1").rebuild("r-fail", "g-r-fail",
                GatewayRun.replay("r-fail", GatewayMode.SUPPRESS, MissingRecord.FAIL), "acc-missing"));
        assertTrue(e.getMessage().contains("acc-missing-p-2") && e.getMessage().contains("fx.rate"), e.getMessage());

        var live = replay("v1").rebuild("r-live", "g-r-live", GatewayRun.replay("r-live", GatewayMode.SUPPRESS, MissingRecord.LIVE), "acc-missing");
        assertEquals(List.of("acc-missing-p-2"), live.report().liveQueries().stream().map(q -> q.eventId()).toList());
        assertEquals(1, live.toJson().path("liveQueries").size());
        assertEquals(3, received("acc-missing").size());
    }

    @Test
    void aReversalUndoesThePayoutsBalanceEffectAndSendsOneCompensation() throws Exception {
        live("acc-reverse");
        fixFees("acc-reverse", "fix-before-reversal");
        assertEquals(5, received("acc-reverse").size(), "3 payouts and 2 corrections before the reversal");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ReverseCommand reverse = new ReverseCommand(api, new PrintStream(text, true, StandardCharsets.UTF_8));
        var planned = reverse.reverse("acc-reverse-p-1", "customer disputed", true);
        assertInstanceOf(ReverseCommand.Outcome.Planned.class, planned);
        assertEquals(d("739.45"), ((ReverseCommand.Outcome.Planned) planned).balanceAfter());
        assertEquals(5, received("acc-reverse").size(), "a dry run commits nothing");

        var done = reverse.reverse("acc-reverse-p-1", "customer disputed", false);
        assertInstanceOf(ReverseCommand.Outcome.Appended.class, done, text.toString());
        stack.awaitIdle(IDLE);
        assertEquals("739.45", api.get("/aggregates/acc-reverse").body().path("state").path("balance").asText());
        List<PartnerBank.Received> received = received("acc-reverse");
        assertEquals(6, received.size());
        assertEquals(d("-107.42"), received.get(5).amount(), "the compensation matches what the partner holds after the correction");
        assertEquals(0, net("acc-reverse").get("p-1").signum());

        var twice = reverse.reverse("acc-reverse-p-1", "again", false);
        assertInstanceOf(ReverseCommand.Outcome.Refused.class, twice);
        assertTrue(((ReverseCommand.Outcome.Refused) twice).reason().contains("already reversed"), twice.toString());
        assertFalse(text.toString().isEmpty());
    }
}

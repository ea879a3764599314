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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

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
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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

    private static String payout(String id, String amount, String currency) {
        return ev(id, "acc-1", "PayoutRequested", "{\"amount\":\"" + amount + "\",\"targetCurrency\":\"" + currency + "\",\"beneficiary\":\"Bob\"}");
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

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    @Order(1)
    void livePayoutsRecordTheRateBeforeUseAndSendEachPayoutOnce() {
        PlaybackApi.Answer a = api.postEvents("[" + String.join(",",
                ev("open-1", "acc-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}"),
                ev("dep-1", "acc-1", "MoneyDeposited", "{\"amount\":\"1000.00\"}"),
                "{\"eventId\":\"dep-old\",\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"schemaVersion\":1,\"payload\":{\"value\":\"10.00\"}}",
                payout("p-1", "100.00", "USD"), payout("p-2", "250.55", "GBP"), payout("p-3", "5000.00", "USD"),
                payout("p-4", "20.00", "EUR")) + "]");
        assertEquals(202, a.status(), a.body().toString());
        stack.awaitIdle(IDLE);

        assertEquals(Map.of("p-1", d("107.50"), "p-2", d("212.96"), "p-4", d("19.50")), bank().netPerPayout());
        assertEquals(3, bank().payouts().size());
        String records = stack.physicalName("RecordBucket");
        List<String> keys = stack.s3().listObjectsV2(l -> l.bucket(records).prefix("queries/payouts/")).contents().stream()
                .map(o -> o.key()).sorted().toList();
        assertEquals(2, keys.size(), keys.toString());
        assertTrue(keys.get(0).startsWith("queries/payouts/p-1/fx.rate/"), keys.toString());

        JsonNode balances = api.get("/aggregates/acc-1").body().path("state");
        assertEquals("639.45", balances.path("balance").asText(), "1010 - 100 - 250.55 - 20; p-3 declined; the old-shape deposit counts");
        assertEquals(1, balances.path("declined").asLong());
        JsonNode payouts = api.get("/aggregates/acc-1?processor=payouts").body().path("state").path("payouts");
        assertEquals("107.50", payouts.path("p-1").path("net").asText());
        assertEquals("v1", payouts.path("p-1").path("feeRule").asText());
    }

    @Test
    @Order(2)
    void aSuppressRebuildSendsNothingAndReproducesTheLiveStateAlthoughTheRatesMoved() {
        stack.external().fx().setRate("EUR", "USD", "1.5000");
        stack.external().fx().setRate("EUR", "GBP", "0.5000");
        var result = replay("v1").rebuild("rebuild-1", "g-rebuild-1", GatewayRun.replay("rebuild-1", GatewayMode.SUPPRESS, MissingRecord.FAIL), "acc-1");
        assertEquals(3, bank().payouts().size(), "nothing sent");
        assertEquals(3, result.report().suppressed().size());
        // As stored (personal fields sealed: the API would show them revealed).
        String active = dev.playback.tools.bench.RebuildBenchmark.activeGeneration(stack, "payouts");
        var live = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable"))
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("payouts#" + active + "#acc-1"))));
        var rebuilt = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable"))
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("payouts#g-rebuild-1#acc-1"))));
        assertEquals(live.item().get("state").s(), rebuilt.item().get("state").s());
    }

    @Test
    @Order(3)
    void aDiffReplayWithV2SendsExactlyTheCorrectionsAndAResumeSendsNoneTwice() {
        GatewayRun fix = GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL);
        var result = replay("v2").rebuild("fix-1", "g-fix-1", fix, "acc-1");
        assertEquals(List.of("p-1:-0.08", "p-2:0.36"), result.report().corrections().stream()
                .map(c -> c.key() + ":" + c.command().path("amount").asText()).toList());
        // what v2 would have sent from the start with the recorded rates (1.0850, 0.8600)
        assertEquals(Map.of("p-1", d("107.42"), "p-2", d("213.32"), "p-4", d("19.50")), bank().netPerPayout());

        var resumed = replay("v2").rebuild("fix-1", "g-fix-1b", fix, "acc-1");
        assertEquals(5, bank().payouts().size(), "no correction sent twice");
        assertTrue(resumed.report().corrections().stream().allMatch(Correction::alreadySent));
        assertEquals(2, resumed.toJson().path("corrections").size(), "the report still lists every correction");
    }

    @Test
    @Order(4)
    void aReplayBatchOnThePlaybackStreamRunsInItsModeAndLeavesAReport() throws Exception {
        List<dev.playback.model.event.EventEnvelope> history = new java.util.ArrayList<>();
        for (JsonNode e : api.history("acc-1").body().path("events")) history.add(dev.playback.model.event.EventCodec.fromJson(e));
        byte[] record = dev.playback.lambdas.aws.kinesis.PlaybackRecords.encode(new dev.playback.model.replay.PlaybackRecord(
                "stream-1", "g-stream-1", List.of("payouts"), history, "suppress", "fail"));
        stack.kinesis().putRecord(p -> p.streamName(stack.physicalName("PlaybackStream")).partitionKey("acc-1")
                .data(software.amazon.awssdk.core.SdkBytes.fromByteArray(record)));
        stack.awaitIdle(IDLE);
        assertEquals(5, bank().payouts().size(), "suppressed");
        var reports = stack.s3().listObjectsV2(l -> l.bucket(stack.physicalName("ReportBucket")).prefix("replays/stream-1/gateway/payouts/"))
                .contents();
        assertEquals(1, reports.size());
        JsonNode report = dev.playback.model.event.EventCodec.JSON.readTree(stack.s3().getObjectAsBytes(g -> g
                .bucket(stack.physicalName("ReportBucket")).key(reports.get(0).key())).asByteArray());
        assertEquals("suppress", report.path("gatewayMode").asText());
        assertEquals(3, report.path("suppressed").asInt());
        var state = stack.dynamoDb().getItem(g -> g.tableName(stack.physicalName("DataTable"))
                .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("payouts#g-stream-1#acc-1"))));
        assertTrue(state.hasItem() && state.item().get("state").s().contains("\"feeRule\":\"v1\""),
                "the stack runs fee rule v1 in this test");
    }

    @Test
    @Order(5)
    void aMissingRecordFailsNamingEventAndCallSiteOrIsAskedLiveAndFlagged() {
        String records = stack.physicalName("RecordBucket");
        var objects = stack.s3().listObjectsV2(l -> l.bucket(records).prefix("queries/payouts/p-2/")).contents();
        assertEquals(1, objects.size());
        stack.s3().deleteObject(d -> d.bucket(records).key(objects.get(0).key()));

        MissingRecordException e = assertThrows(MissingRecordException.class, () -> replay("v1").rebuild("r-fail", "g-r-fail",
                GatewayRun.replay("r-fail", GatewayMode.SUPPRESS, MissingRecord.FAIL), "acc-1"));
        assertTrue(e.getMessage().contains("p-2") && e.getMessage().contains("fx.rate"), e.getMessage());

        var live = replay("v1").rebuild("r-live", "g-r-live", GatewayRun.replay("r-live", GatewayMode.SUPPRESS, MissingRecord.LIVE), "acc-1");
        assertEquals(List.of("p-2"), live.report().liveQueries().stream().map(q -> q.eventId()).toList());
        assertEquals(1, live.toJson().path("liveQueries").size());
        assertEquals(5, bank().payouts().size());
    }

    @Test
    @Order(6)
    void aReversalUndoesThePayoutsBalanceEffectAndSendsOneCompensation() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ReverseCommand reverse = new ReverseCommand(api, new PrintStream(text, true, StandardCharsets.UTF_8));
        var planned = reverse.reverse("p-1", "customer disputed", true);
        assertInstanceOf(ReverseCommand.Outcome.Planned.class, planned);
        assertEquals(d("739.45"), ((ReverseCommand.Outcome.Planned) planned).balanceAfter());
        assertEquals(5, bank().payouts().size(), "a dry run commits nothing");

        var done = reverse.reverse("p-1", "customer disputed", false);
        assertInstanceOf(ReverseCommand.Outcome.Appended.class, done, text.toString());
        stack.awaitIdle(IDLE);
        assertEquals("739.45", api.get("/aggregates/acc-1").body().path("state").path("balance").asText());
        assertEquals(6, bank().payouts().size());
        assertEquals(d("-107.42"), bank().payouts().get(5).amount(), "the compensation matches what the partner holds after the correction");
        assertEquals(0, bank().netPerPayout().get("p-1").signum());

        var twice = reverse.reverse("p-1", "again", false);
        assertInstanceOf(ReverseCommand.Outcome.Refused.class, twice);
        assertTrue(((ReverseCommand.Outcome.Refused) twice).reason().contains("already reversed"), twice.toString());
        assertFalse(text.toString().isEmpty());
    }
}

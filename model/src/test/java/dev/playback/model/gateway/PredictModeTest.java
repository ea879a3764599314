package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.gateway.GatewaySessionTest.AMOUNTS;
import static dev.playback.model.gateway.GatewaySessionTest.FX;
import static dev.playback.model.gateway.GatewaySessionTest.payout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code predict} gateway mode (a what-if): it reports the corrections a {@code diff} replay would send and the
 * commands an {@code allow:} replay would send for the first time, and sends, logs and records nothing. Amounts and
 * keys are literals.
 */
class PredictModeTest {
    private final GatewaySessionTest.Bank bank = new GatewaySessionTest.Bank();
    private final InMemoryCommandLog log = new InMemoryCommandLog();
    private final InMemoryQueryRecords records = new InMemoryQueryRecords();
    private final GatewayPorts ports = new GatewayPorts(bank, records, log);

    static final EventEnvelope E1 = event("e-1", "acc-1", "PayoutRequested", json("{}")).withVersion(1);
    static final EventEnvelope E2 = event("e-2", "acc-2", "PayoutRequested", json("{}")).withVersion(1);

    private GatewayReport process(GatewayRun run, EventEnvelope event, JsonNode... commands) {
        return GatewaySessionTest.process(ports, run, event, commands);
    }

    private static GatewayRun predict(String replayId) {
        return GatewayRun.replay(replayId, GatewayMode.PREDICT, MissingRecord.LIVE);
    }

    @Test
    void aPredictionNamesTheCorrectionADiffReplaySendsAfterItWithTheSameAmountAndIdempotencyKey() {
        process(GatewayRun.live(), E1, payout("p-1", "107.50"));
        int logged = log.all().size();

        GatewayReport predicted = process(predict("what-if-1"), E1, payout("p-1", "107.42"));

        assertEquals(List.of("bank.payout p-1 107.50"), bank.payouts(), "nothing sent");
        assertEquals(logged, log.all().size(), "nothing logged");
        assertEquals(List.of(), predicted.corrections());
        assertEquals(1, predicted.predicted().size());
        GatewayReport.Predicted p = predicted.predicted().get(0);
        assertEquals("acc-1", p.aggregateId());
        assertEquals("-0.08", p.correction().command().path("amount").asText());
        // sha256 of "payouts\ne-1\nbank.payout\ncorrection\n0", the key GatewaySessionTest pins for the first correction
        assertEquals("5a10ab04d3a845e563aca571864d40afb59414a6cc7a409502f99c6b18ad4351", p.correction().idempotencyKey());
        assertEquals(List.of(json("{\"payoutId\":\"p-1\",\"amount\":\"107.50\"}")), p.correction().sent());

        GatewayReport fix = process(GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), E1, payout("p-1", "107.42"));

        assertEquals(1, fix.corrections().size());
        Correction sent = fix.corrections().get(0);
        assertEquals(p.correction().command(), sent.command());
        assertEquals(p.correction().idempotencyKey(), sent.idempotencyKey());
        assertEquals(List.of("bank.payout p-1 107.50", "bank.payout p-1 -0.08"), bank.payouts());
    }

    @Test
    void aPredictionAfterADiffReplayFindsNothingLeftToCorrect() {
        process(GatewayRun.live(), E1, payout("p-1", "107.50"));
        process(GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), E1, payout("p-1", "107.42"));

        GatewayReport predicted = process(predict("what-if-2"), E1, payout("p-1", "107.42"));

        assertEquals(List.of(), predicted.predicted());
        assertEquals(List.of(), predicted.newSends());
    }

    @Test
    void aCommandThatNeverReachedTheBankIsPredictedAsANewSendAndAsACorrection() {
        process(GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), E2, payout("p-2", "50.00"));

        GatewayReport predicted = process(predict("what-if-3"), E2, payout("p-2", "50.00"));

        assertEquals(List.of("p-2 50.00"), predicted.newSends().stream()
                .map(n -> n.command().path("payoutId").asText() + " " + n.command().path("amount").asText()).toList());
        assertEquals("acc-2", predicted.newSends().get(0).aggregateId());
        assertEquals(List.of("50.00"), predicted.predicted().stream().map(p -> p.correction().command().path("amount").asText()).toList());
        assertEquals(List.of(), bank.payouts());
    }

    @Test
    void aQueryWithoutARecordIsAskedReportedAndNotRecordedWithMissingRecordsLive() {
        GatewayReport report = new GatewayReport();
        GatewaySession session = new GatewaySession("payouts", site -> AMOUNTS, ports, predict("what-if-4"), E1, report);

        JsonNode answer = session.query(FX, json("{\"from\":\"EUR\",\"to\":\"USD\"}"));
        session.finish();

        assertEquals("1.0000", answer.path("rate").asText());
        assertEquals(List.of("e-1 fx.rate"), report.liveQueries().stream().map(q -> q.eventId() + " " + q.site().id()).toList());
        assertTrue(records.find(new QueryKey("payouts", "e-1", FX, report.liveQueries().get(0).requestHash())).isEmpty(), "not recorded");
    }

    @Test
    void aQueryWithoutARecordFailsWithMissingRecordsFail() {
        GatewaySession session = new GatewaySession("payouts", site -> AMOUNTS, ports,
                GatewayRun.replay("what-if-5", GatewayMode.PREDICT, MissingRecord.FAIL), E1, new GatewayReport());

        assertThrows(MissingRecordException.class, () -> session.query(FX, json("{\"from\":\"EUR\",\"to\":\"USD\"}")));
    }

    @Test
    void predictIsParsedAndFormattedAsAReplayMode() {
        assertEquals(GatewayMode.PREDICT, GatewayMode.parse("predict"));
        assertEquals("predict", GatewayMode.format(GatewayMode.PREDICT));
    }

    @Test
    void aMergedReportListsEachPredictionOnceAcrossRedeliveredPieces() {
        process(GatewayRun.live(), E1, payout("p-1", "107.50"));
        JsonNode piece = process(predict("what-if-6"), E1, payout("p-1", "100.00")).toJson();

        JsonNode merged = GatewayReport.merge(List.of(piece, piece));

        assertEquals(1, merged.path("predictedCorrections").asInt());
        assertEquals(1, merged.path("predictedCorrectionList").size());
        assertEquals("-7.50", merged.path("predictedCorrectionList").get(0).path("command").path("amount").asText());
        assertEquals("acc-1", merged.path("predictedCorrectionList").get(0).path("aggregateId").asText());
        assertEquals("2026-01-01T00:00:00Z", merged.path("predictedCorrectionList").get(0).path("recordedAt").asText());
        assertEquals(0, merged.path("corrections").asInt());
    }
}

package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A gateway report as JSON, as journal pieces written when something reached outside, and the merge of its pieces. */
class GatewayReportJsonTest {
    private static final CallSite BANK = new CallSite("bank", "payout");
    private static final Instant OCCURRED = Instant.parse("2026-01-02T03:04:05Z");
    private static final Instant RECORDED = Instant.parse("2026-01-02T03:04:06Z");

    private static LoggedCommand command(Disposition d, String key) {
        return new LoggedCommand("payouts", "e-1", BANK, 0, d, json("{\"amount\":\"1.00\"}"), key, "fix-1");
    }

    private static Correction correction(String key, boolean alreadySent, JsonNode wanted) {
        return new Correction("payouts", "e-1", BANK, "p-1", 0, json("{\"amount\":\"-0.08\"}"), key, alreadySent,
                List.of(json("{\"amount\":\"107.50\"}")), wanted);
    }

    private static GatewayReport.NewSend newSend(String key, Instant occurredAt, Instant recordedAt) {
        return new GatewayReport.NewSend("payouts", "e-1", "acc-1", BANK, 2, json("{\"amount\":\"5.00\"}"), key, occurredAt, recordedAt);
    }

    @Test
    void shouldJournalEachSendCorrectionAndLiveQueryUnderItsName_whenReported() {
        Map<String, JsonNode> journal = new TreeMap<>();
        GatewayReport report = new GatewayReport(journal::put);

        report.sent(command(Disposition.ALLOWED, "k-1"));
        report.correction(correction("k-2", false, null));
        report.liveQuery(new GatewayReport.LiveQuery("payouts", "e-1", BANK, "h-1"));
        report.suppressed(command(Disposition.SUPPRESSED, "k-3"));

        assertEquals(List.of("allowed-k-1", "correction-k-2", "query-e-1-bank.payout-h-1"), List.copyOf(journal.keySet()));
        assertEquals("k-1", journal.get("allowed-k-1").path("sentCommands").get(0).path("idempotencyKey").asText());
        assertEquals("k-2", journal.get("correction-k-2").path("corrections").get(0).path("idempotencyKey").asText());
        assertEquals("h-1", journal.get("query-e-1-bank.payout-h-1").path("liveQueries").get(0).path("requestHash").asText());
    }

    @Test
    void shouldBeEmptyOnlyWhileNothingWasReported_whenAnyOneKindIsAdded() {
        assertTrue(new GatewayReport().isEmpty());
        List<java.util.function.Consumer<GatewayReport>> kinds = List.of(
                r -> r.sent(command(Disposition.SENT, "k")),
                r -> r.suppressed(command(Disposition.SUPPRESSED, "k")),
                r -> r.correction(correction("k", false, null)),
                r -> r.liveQuery(new GatewayReport.LiveQuery("payouts", "e-1", BANK, "h")),
                r -> r.predicted(new GatewayReport.Predicted(correction("k", false, null), "acc-1", OCCURRED, RECORDED)),
                r -> r.newSend(newSend("k", OCCURRED, RECORDED)));
        for (var kind : kinds) {
            GatewayReport r = new GatewayReport();
            kind.accept(r);
            assertFalse(r.isEmpty());
        }
    }

    @Test
    void shouldListEveryEntryWithItsTimesAndWantedCommand_whenWrittenAsJson() {
        GatewayReport report = new GatewayReport();
        report.correction(correction("k-1", false, json("{\"amount\":\"107.42\"}")));
        report.liveQuery(new GatewayReport.LiveQuery("payouts", "e-1", BANK, "h-1"));
        report.predicted(new GatewayReport.Predicted(correction("k-2", false, null), "acc-1", OCCURRED, null));
        report.newSend(newSend("k-3", null, RECORDED));

        ObjectNode n = report.toJson();

        assertEquals("107.42", n.path("corrections").get(0).path("wanted").path("amount").asText());
        assertEquals(List.of("107.50"), List.of(n.path("corrections").get(0).path("sent").get(0).path("amount").asText()));
        assertEquals("h-1", n.path("liveQueries").get(0).path("requestHash").asText());
        JsonNode predicted = n.path("predictedCorrections").get(0);
        assertEquals("acc-1", predicted.path("aggregateId").asText());
        assertEquals("2026-01-02T03:04:05Z", predicted.path("occurredAt").asText());
        assertFalse(predicted.has("recordedAt"));
        assertTrue(predicted.path("wanted").isNull());
        JsonNode newSend = n.path("newSends").get(0);
        assertEquals("k-3 2 bank.payout 5.00", newSend.path("idempotencyKey").asText() + " " + newSend.path("ordinal").asInt() + " "
                + newSend.path("callSite").asText() + " " + newSend.path("command").path("amount").asText());
        assertEquals("2026-01-02T03:04:06Z", newSend.path("recordedAt").asText());
        assertFalse(newSend.has("occurredAt"));
    }

    @Test
    void shouldListTheFirstThousandSuppressedCommands_whenOneReportSuppressedMore() {
        GatewayReport report = new GatewayReport();
        for (int i = 0; i < 1001; i++) report.suppressed(command(Disposition.SUPPRESSED, "k-" + i));

        ObjectNode n = report.toJson();

        assertEquals(1001, n.path("suppressed").asInt());
        assertEquals(1001, n.path("suppressedKeys").size());
        assertEquals(1000, n.path("suppressedCommands").size());
    }

    @Test
    void shouldWriteNoPredictionsAndTheEmptyCounts_whenNothingWasReported() {
        JsonNode empty = GatewayReport.empty();

        assertEquals(0, empty.path("sent").asInt());
        assertEquals(0, empty.path("suppressed").asInt());
        assertFalse(empty.has("predictedCorrections"));
        assertFalse(empty.has("newSends"));
        assertEquals(0, GatewayReport.merge(List.of(empty)).path("sent").asInt());
        assertFalse(GatewayReport.merge(List.of(empty)).has("predictedCorrections"));
    }

    @Test
    void shouldCountACorrectionAsSentByTheReplay_whenAnyOfItsPiecesSentIt() {
        GatewayReport resumed = new GatewayReport();
        resumed.correction(correction("k-1", true, null));
        resumed.correction(correction("k-2", true, null));
        GatewayReport first = new GatewayReport();
        first.correction(correction("k-1", false, null));
        GatewayReport again = new GatewayReport();
        again.correction(correction("k-2", true, null));

        ObjectNode merged = GatewayReport.merge(List.of(resumed.toJson(), first.toJson(), again.toJson()));

        assertEquals(2, merged.path("corrections").asInt());
        List<String> listed = new ArrayList<>();
        for (JsonNode c : merged.path("correctionList")) listed.add(c.path("idempotencyKey").asText() + " " + c.path("alreadySent").asBoolean());
        assertEquals(List.of("k-1 false", "k-2 true"), listed);
    }

    @Test
    void shouldAddUpKeyedAndUnkeyedSuppressedCounts_whenOlderPiecesHaveNoKeys() {
        GatewayReport keyed = new GatewayReport();
        keyed.suppressed(command(Disposition.SUPPRESSED, "k-1"));
        keyed.suppressed(command(Disposition.SUPPRESSED, "k-2"));
        ObjectNode older = JsonNodeFactory.instance.objectNode().put("suppressed", 5);

        ObjectNode merged = GatewayReport.merge(List.of(keyed.toJson(), older, older));

        assertEquals(12, merged.path("suppressed").asLong());
    }

    @Test
    void shouldMergePredictionsOncePerKey_whenAWhatIfReportedThemTwice() {
        GatewayReport a = new GatewayReport();
        a.predicted(new GatewayReport.Predicted(correction("k-1", false, null), "acc-1", OCCURRED, RECORDED));
        GatewayReport b = new GatewayReport();
        b.predicted(new GatewayReport.Predicted(correction("k-1", false, null), "acc-1", OCCURRED, RECORDED));
        b.newSend(newSend("k-2", OCCURRED, RECORDED));
        GatewayReport onlyNewSends = new GatewayReport();
        onlyNewSends.newSend(newSend("k-3", OCCURRED, RECORDED));

        ObjectNode merged = GatewayReport.merge(List.of(a.toJson(), b.toJson()));
        ObjectNode mergedNewSends = GatewayReport.merge(List.of(onlyNewSends.toJson()));

        assertEquals(1, merged.path("predictedCorrections").asInt());
        assertEquals(1, merged.path("newSends").asInt());
        assertEquals("k-1", merged.path("predictedCorrectionList").get(0).path("idempotencyKey").asText());
        assertEquals("k-2", merged.path("newSendList").get(0).path("idempotencyKey").asText());
        assertEquals(0, mergedNewSends.path("predictedCorrections").asInt());
        assertEquals(1, mergedNewSends.path("newSends").asInt());
    }
}

package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.event.EventEnvelope;
import dev.playback.examples.ledger.FakeExternalSystems;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.examples.ledger.PayoutsState;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayModesTest {
    private final FakeExternalSystems external = new FakeExternalSystems().rate("EUR", "USD", "1.0850").rate("EUR", "GBP", "0.8600");
    private final InMemoryQueryRecords records = new InMemoryQueryRecords();
    private final InMemoryCommandLog log = new InMemoryCommandLog();
    private final GatewayPorts ports = new GatewayPorts(external, records, log);

    static EventEnvelope payout(String id, String amount, String currency) {
        return event(id, "acc-1", "PayoutRequested",
                json("{\"amount\":\"" + amount + "\",\"targetCurrency\":\"" + currency + "\",\"beneficiary\":\"Bob\"}"));
    }

    static final List<EventEnvelope> HISTORY = versioned(List.of(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "1000.00"),
            payout("p-1", "100.00", "USD"), payout("p-2", "250.55", "GBP"), payout("p-3", "5000.00", "USD"),
            payout("p-4", "20.00", "EUR")));

    static List<EventEnvelope> versioned(List<EventEnvelope> events) {
        long v = 1;
        List<EventEnvelope> out = new java.util.ArrayList<>();
        for (EventEnvelope e : events) out.add(e.withVersion(v++));
        return out;
    }

    private PayoutsState run(FeeRule rule, GatewayRun run, GatewayReport report, List<EventEnvelope> events) {
        GatewayBinding<PayoutsState> p = new GatewayBinding<>(new PayoutsProcessor(rule), ports, run, report);
        // as the projector applies them: reversals through the toolkit, their targets found by id among the events
        dev.playback.model.processor.Reversing<PayoutsState> applying = new dev.playback.model.processor.Reversing<>(p,
                id -> events.stream().filter(e -> e.eventId().equals(id)).findFirst(), dev.playback.model.processor.EventNotes.inMemory(), 0);
        PayoutsState s = p.initial("acc-1");
        for (EventEnvelope e : events) s = applying.apply(s, e);
        return s;
    }

    private PayoutsState live(FeeRule rule) {
        return run(rule, GatewayRun.live(), new GatewayReport(), HISTORY);
    }

    @Test
    void liveRecordsEveryQueryBeforeUseAndSendsEachPayoutOnceWithItsEvent() {
        PayoutsState s = live(FeeRule.V1);
        assertEquals(2, records.size(), "one recorded FX answer per converted payout");
        assertEquals(2, external.queries.get());
        assertEquals(Map.of("p-1", new BigDecimal("107.50"), "p-2", new BigDecimal("212.96"), "p-4", new BigDecimal("19.50")),
                external.netPerPayout());
        assertEquals(3, log.all().stream().filter(c -> c.disposition() == Disposition.SENT).count());
        assertTrue(log.forEvent("payouts", "p-3").isEmpty(), "the declined payout is not decided: nothing sent or logged");
        assertEquals(1, s.ledger().declined());
        assertEquals(List.of("PENDING p-1", "SENT p-1"), log.forEvent("payouts", "p-1").stream()
                .map(c -> c.disposition() + " " + c.command().path("payoutId").asText()).toList(), "logged before the send, confirmed after it");
    }

    @Test
    void applyingALiveEventAgainSendsNothingTwiceAndAsksNoSecondQuery() {
        live(FeeRule.V1);
        live(FeeRule.V1);
        assertEquals(3, external.received().size());
        assertEquals(2, external.queries.get(), "a retry uses the recorded answer");
    }

    @Test
    void suppressAnswersFromTheRecordAndSendsNothingAlthoughTheRatesMoved() {
        PayoutsState before = live(FeeRule.V1);
        external.rate("EUR", "USD", "2.0000").rate("EUR", "GBP", "0.1000");
        GatewayReport report = new GatewayReport();
        PayoutsState after = run(FeeRule.V1, GatewayRun.replay("r-1", GatewayMode.SUPPRESS, MissingRecord.FAIL), report, HISTORY);
        assertEquals(before, after);
        assertEquals(3, external.received().size());
        assertEquals(2, external.queries.get());
        assertEquals(3, report.suppressed().size());
        assertEquals(3, log.all().stream().filter(c -> c.disposition() == Disposition.SUPPRESSED).count());
    }

    @Test
    void diffSendsExactlyTheCorrectionsAfterWhichThePartnerHoldsWhatV2WouldHaveSent() {
        live(FeeRule.V1);
        external.rate("EUR", "USD", "1.5000");
        GatewayReport report = new GatewayReport();
        run(FeeRule.V2, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), report, HISTORY);
        assertEquals(List.of("p-1:-0.08", "p-2:0.36"), report.corrections().stream()
                .map(c -> c.key() + ":" + c.command().path("amount").asText()).toList());
        assertEquals(5, external.received().size());
        assertEquals(V2_NET, external.netPerPayout());

        GatewayReport again = new GatewayReport();
        run(FeeRule.V2, GatewayRun.replay("fix-2", GatewayMode.DIFF, MissingRecord.FAIL), again, HISTORY);
        assertTrue(again.corrections().isEmpty(), "a second diff replay finds nothing to correct");
        assertEquals(5, external.received().size());
    }

    @Test
    void eachCorrectionInTheReportShowsWhatHadReachedTheBankAndWhatTheNewLogicWants() {
        live(FeeRule.V1);
        GatewayReport report = new GatewayReport();
        run(FeeRule.V2, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), report, HISTORY);
        // p-1: 100.00 EUR at 1.0850 = 108.50 USD; v1's fee 1 % of 100.00 = 1.00 (107.50), v2's 1 % of 108.50 = 1.08 (107.42).
        // p-2: 250.55 EUR at 0.8600 = 215.47 GBP; v1's fee 2.51 (212.96), v2's 2.15 (213.32).
        assertEquals(List.of("p-1: [107.50] -> 107.42 (-0.08)", "p-2: [212.96] -> 213.32 (0.36)"), report.corrections().stream()
                .map(c -> c.key() + ": " + c.sent().stream().map(x -> x.path("amount").asText()).toList() + " -> "
                        + c.wanted().path("amount").asText() + " (" + c.command().path("amount").asText() + ")").toList());
        JsonNode first = report.toJson().path("corrections").get(0);
        assertEquals("107.50", first.path("sent").get(0).path("amount").asText(), "the stored report carries the sent command");
        assertEquals("107.42", first.path("wanted").path("amount").asText(), "and the wanted one");
    }

    /**
     * What v2 would have sent from the start, with the recorded rates, worked out by hand: p-1 100.00 EUR at 1.0850 =
     * 108.50 USD less 1 % (1.08) = 107.42; p-2 250.55 EUR at 0.8600 = 215.47 GBP less 1 % (2.15) = 213.32; p-4 20.00 EUR
     * less the minimum fee 0.50 = 19.50; p-3 (5000.00) exceeds the balance and is declined.
     */
    private static final Map<String, BigDecimal> V2_NET = Map.of("p-1", new BigDecimal("107.42"), "p-2", new BigDecimal("213.32"),
            "p-4", new BigDecimal("19.50"));

    @Test
    void aReversalAfterADiffReplayCompensatesWhatThePartnerActuallyHolds() {
        live(FeeRule.V1);
        run(FeeRule.V2, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), new GatewayReport(), HISTORY);
        EventEnvelope reversal = event("r-1", "acc-1", "EventReversed", json("{\"reversedEventId\":\"p-1\",\"reason\":\"fraud\"}"))
                .withVersion(HISTORY.size() + 1);
        List<EventEnvelope> withReversal = new java.util.ArrayList<>(HISTORY);
        withReversal.add(reversal);
        run(FeeRule.V1, GatewayRun.live(), new GatewayReport(), withReversal);
        assertEquals(new BigDecimal("0.00"), external.netPerPayout().get("p-1"));
        assertEquals("-107.42", external.received().get(external.received().size() - 1).command().path("amount").asText());
    }

    @Test
    void aResumedDiffReplaySendsNoCorrectionTwiceAndNoneIsMissing() {
        live(FeeRule.V1);
        external.crashAfterSends(1);
        GatewayRun fix = GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL);
        assertThrows(IllegalStateException.class, () -> run(FeeRule.V2, fix, new GatewayReport(), HISTORY));
        assertEquals(4, external.received().size(), "one correction went out before the crash");

        external.crashAfterSends(Integer.MAX_VALUE);
        GatewayReport resumed = new GatewayReport();
        run(FeeRule.V2, fix, resumed, HISTORY);
        assertEquals(5, external.received().size());
        assertEquals(V2_NET, external.netPerPayout());
        assertEquals(List.of(true, false), resumed.corrections().stream().map(Correction::alreadySent).toList(),
                "the resumed run reports every correction of the replay, sending only the missing one");
    }

    @Test
    void aLiveSendCutShortBeforeItWasLoggedAndRetriedByNewLogicIsStillCorrectedByADiffReplay() {
        // v1 live: the bank receives p-1, then the process dies before the send is logged (its state is not saved either)
        log.failNextAppends(1);
        assertThrows(IllegalStateException.class, () -> live(FeeRule.V1));
        assertEquals(Map.of("p-1", new BigDecimal("107.50")), external.netPerPayout());

        // the fix is deployed and the event is delivered again, live: the bank keeps what it received under p-1's key
        live(FeeRule.V2);
        assertEquals(new BigDecimal("107.50"), external.netPerPayout().get("p-1"), "the bank answers a known key with the first payout");
        assertEquals(List.of("107.50"), log.forEvent("payouts", "p-1").stream().filter(c -> c.disposition() == Disposition.SENT)
                .map(c -> c.command().path("amount").asText()).toList(), "the log holds what the bank received, not what v2 computed");

        GatewayReport report = new GatewayReport();
        run(FeeRule.V2, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), report, HISTORY);
        assertEquals(List.of("p-1:-0.08"), report.corrections().stream()
                .map(c -> c.key() + ":" + c.command().path("amount").asText()).toList());
        assertEquals(new BigDecimal("107.42"), external.netPerPayout().get("p-1"));
        assertEquals(V2_NET, external.netPerPayout());
    }

    @Test
    void aCrashBetweenSendingACorrectionAndLoggingItDoesNotPayTwice() {
        live(FeeRule.V1);
        GatewayRun fix = GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL);
        log.failNextAppends(1);
        assertThrows(IllegalStateException.class, () -> run(FeeRule.V2, fix, new GatewayReport(), HISTORY));
        run(FeeRule.V2, fix, new GatewayReport(), HISTORY);
        assertEquals(5, external.received().size(), "the resent correction carries the same idempotency key");
        assertEquals(V2_NET, external.netPerPayout());
    }

    @Test
    void allowSendsThroughTheAllowedGatewayOnceAndMarksIt() {
        GatewayRun allow = GatewayRun.replay("feature-1", GatewayMode.parse("allow:bank,fx"), MissingRecord.FAIL);
        GatewayReport first = new GatewayReport();
        run(FeeRule.V2, allow, first, HISTORY);
        assertEquals(3, first.sent().size());
        assertTrue(first.sent().stream().allMatch(c -> c.disposition() == Disposition.ALLOWED && "feature-1".equals(c.replayId())));
        assertEquals(2, first.liveQueries().size(), "unrecorded queries of an allowed gateway are asked and flagged");

        GatewayReport later = new GatewayReport();
        run(FeeRule.V2, GatewayRun.replay("feature-2", GatewayMode.parse("allow:bank"), MissingRecord.FAIL), later, HISTORY);
        assertEquals(0, later.sent().size(), "a later replay does not send again");
        assertEquals(3, external.received().size());
    }

    @Test
    void allowOfAnotherGatewaySuppressesTheBank() {
        // no live run before: nothing was logged, so only the mode can keep the payouts from the bank
        GatewayReport report = new GatewayReport();
        run(FeeRule.V1, GatewayRun.replay("r", GatewayMode.parse("allow:mail"), MissingRecord.LIVE), report, HISTORY);
        assertEquals(0, report.sent().size());
        assertEquals(3, report.suppressed().size());
        assertEquals(0, external.received().size());
    }

    @Test
    void aMissingRecordFailsNamingTheEventAndTheCallSite() {
        MissingRecordException e = assertThrows(MissingRecordException.class, () ->
                run(FeeRule.V1, GatewayRun.replay("r-1", GatewayMode.SUPPRESS, MissingRecord.FAIL), new GatewayReport(), HISTORY));
        assertEquals("p-1", e.eventId());
        assertTrue(e.getMessage().contains("p-1") && e.getMessage().contains("fx.rate"), e.getMessage());
        assertEquals(0, external.queries.get());
    }

    @Test
    void aMissingRecordInLiveModeIsAskedNowRecordedAndFlagged() {
        GatewayReport report = new GatewayReport();
        run(FeeRule.V1, GatewayRun.replay("r-1", GatewayMode.SUPPRESS, MissingRecord.LIVE), report, HISTORY);
        assertEquals(List.of("p-1", "p-2"), report.liveQueries().stream().map(GatewayReport.LiveQuery::eventId).toList());
        assertEquals(2, records.size());
        assertTrue(records.find(new QueryKey("payouts", "p-1", new CallSite("fx", "rate"),
                Hashes.request(json("{\"from\":\"EUR\",\"to\":\"USD\"}")))).orElseThrow().recordedBy().equals("replay:r-1"));
        assertEquals(0, external.received().size(), "suppress still sends nothing");
        assertEquals(2, report.toJson().path("liveQueries").size());
    }

    @Test
    void aPartialReplayLimitsEffectsToItsWindow() {
        live(FeeRule.V1);
        GatewayRun fix = GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL).onlyEffectsOf(e -> e.eventId().equals("p-2"));
        GatewayReport report = new GatewayReport();
        run(FeeRule.V2, fix, report, HISTORY);
        assertEquals(List.of("p-2"), report.corrections().stream().map(Correction::eventId).toList());
    }

    @Test
    void requestHashIgnoresFieldOrderAndKeysDifferByOrdinal() {
        assertEquals(Hashes.request(json("{\"from\":\"EUR\",\"to\":\"USD\"}")), Hashes.request(json("{\"to\":\"USD\",\"from\":\"EUR\"}")));
        assertFalse(Hashes.request(json("{\"from\":\"EUR\",\"to\":\"USD\"}")).equals(Hashes.request(json("{\"from\":\"EUR\",\"to\":\"GBP\"}"))));
        CallSite s = new CallSite("bank", "payout");
        assertFalse(Hashes.idempotencyKey("payouts", "p-1", s, "correction", 0).equals(Hashes.idempotencyKey("payouts", "p-1", s, "correction", 1)));
    }

    @Test
    void modesParseFromReplayRequests() {
        assertEquals(GatewayMode.SUPPRESS, GatewayMode.parse(null));
        assertEquals(GatewayMode.DIFF, GatewayMode.parse("diff"));
        assertEquals(new GatewayMode.Allow(java.util.Set.of("bank", "fx")), GatewayMode.parse("allow:bank, fx"));
        assertEquals("allow:bank,fx", GatewayMode.format(GatewayMode.parse("allow:fx,bank")));
        assertThrows(IllegalArgumentException.class, () -> GatewayMode.parse("allow:"));
        assertThrows(IllegalArgumentException.class, () -> GatewayMode.parse("live"));
        assertEquals(MissingRecord.LIVE, MissingRecord.parse("live"));
        assertEquals(MissingRecord.FAIL, MissingRecord.parse(null));
    }

    @Test
    void idempotencyKeysAndRequestHashesAreTheGoldenValues() {
        CallSite bank = new CallSite("bank", "payout");
        // sha256 of "payouts\np-1\nbank.payout\n<kind>\n<ordinal>" and of the canonical request, computed with sha256sum
        assertEquals("cb3af27e3eedece2600e66bcb0786a5c29b3835efab0b6cce8a84b4e547e3aa4", Hashes.idempotencyKey("payouts", "p-1", bank, "send", 0));
        assertEquals("e5b1ea55cdea1a063c224ef59c99cba99ceacc8b81c3f333b33e8e1ff9f5acc8", Hashes.idempotencyKey("payouts", "p-1", bank, "correction", 0));
        assertEquals("74a305440ac8a99d2fd63f95620578f48993fdc44672dd27bd03bc96903ab407", Hashes.idempotencyKey("payouts", "p-1", bank, "correction", 1));
        assertEquals("26f055675b32a889240bb6fb887ff028", Hashes.request(json("{\"to\":\"USD\",\"from\":\"EUR\"}")));
    }

    @Test
    void aLaterDiffReplaySendsItsOwnCorrectionsWithKeysNoEarlierReplayUsed() {
        live(FeeRule.V1);
        Map<String, BigDecimal> v1Net = external.netPerPayout();
        GatewayReport toV2 = new GatewayReport();
        run(FeeRule.V2, GatewayRun.replay("fix-v2", GatewayMode.DIFF, MissingRecord.FAIL), toV2, HISTORY);
        int afterV2 = external.received().size();

        GatewayReport backToV1 = new GatewayReport();
        run(FeeRule.V1, GatewayRun.replay("back-to-v1", GatewayMode.DIFF, MissingRecord.FAIL), backToV1, HISTORY);

        assertEquals(List.of("p-1:0.08", "p-2:-0.36"), backToV1.corrections().stream()
                .map(c -> c.key() + ":" + c.command().path("amount").asText()).toList());
        assertTrue(backToV1.corrections().stream().noneMatch(Correction::alreadySent), "sent, not taken for the earlier replay's");
        java.util.Set<String> earlier = new java.util.HashSet<>();
        toV2.corrections().forEach(c -> earlier.add(c.idempotencyKey()));
        assertTrue(backToV1.corrections().stream().noneMatch(c -> earlier.contains(c.idempotencyKey())));
        assertEquals(List.of(1, 1), backToV1.corrections().stream().map(Correction::ordinal).toList());
        assertEquals(afterV2 + 2, external.received().size(), "the bank received the later replay's corrections");
        assertEquals(v1Net, external.netPerPayout());
    }

    @Test
    void suppressedCommandsNeverCountAsReceivedByTheExternalSystem() {
        assertFalse(Disposition.SUPPRESSED.reachedExternalSystem());
        assertTrue(Disposition.SENT.reachedExternalSystem() && Disposition.CORRECTION.reachedExternalSystem()
                && Disposition.ALLOWED.reachedExternalSystem());
        live(FeeRule.V1);
        // a suppress replay with the new logic logs what v2 would send, and sends nothing
        run(FeeRule.V2, GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), new GatewayReport(), HISTORY);
        assertEquals(3, external.received().size());

        GatewayReport fix = new GatewayReport();
        run(FeeRule.V2, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL), fix, HISTORY);
        assertEquals(List.of("p-1:-0.08", "p-2:0.36"), fix.corrections().stream()
                .map(c -> c.key() + ":" + c.command().path("amount").asText()).toList(), "the diff is against what the bank got");
        assertEquals(V2_NET, external.netPerPayout());
    }

    @Test
    void anAllowedGatewaySendsWhatAnEarlierReplayOnlySuppressed() {
        run(FeeRule.V2, GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.LIVE), new GatewayReport(), HISTORY);
        assertEquals(0, external.received().size());
        GatewayReport allow = new GatewayReport();
        run(FeeRule.V2, GatewayRun.replay("feature-1", GatewayMode.parse("allow:bank"), MissingRecord.FAIL), allow, HISTORY);
        assertEquals(3, allow.sent().size());
        assertEquals(3, external.received().size());
    }

    @Test
    void aLiveQueryUsesTheAnswerRecordedFirstWhenAConcurrentSessionRecordedBeforeIt() {
        QueryKey usd = new QueryKey("payouts", "p-1", new CallSite("fx", "rate"), Hashes.request(json("{\"from\":\"EUR\",\"to\":\"USD\"}")));
        records.put(new RecordedQuery(usd, json("{\"from\":\"EUR\",\"to\":\"USD\"}"), json("{\"rate\":\"1.2000\"}"), "live"));
        // the session looked before the other one recorded: its find saw nothing
        QueryRecords late = new QueryRecords() {
            @Override
            public java.util.Optional<RecordedQuery> find(QueryKey key) {
                return java.util.Optional.empty();
            }

            @Override
            public RecordedQuery put(RecordedQuery record) {
                return records.put(record);
            }
        };
        GatewayBinding<PayoutsState> p = new GatewayBinding<>(new PayoutsProcessor(FeeRule.V2), new GatewayPorts(external, late, log),
                GatewayRun.live(), new GatewayReport());
        PayoutsState s = p.initial("acc-1");
        for (EventEnvelope e : HISTORY.subList(0, 3)) s = p.apply(s, e);

        assertEquals("1.2000", records.find(usd).orElseThrow().response().path("rate").asText(), "the first answer stays");
        // 100.00 EUR at the recorded 1.2000 (not the service's 1.0850) = 120.00 USD, fee 1.20
        assertEquals(Map.of("p-1", new BigDecimal("118.80")), external.netPerPayout());
    }

    @Test
    void aResumedAllowReplayReportsWhatItSentBeforeWithoutSendingItAgain() {
        GatewayRun allow = GatewayRun.replay("feature-1", GatewayMode.parse("allow:bank,fx"), MissingRecord.FAIL);
        run(FeeRule.V2, allow, new GatewayReport(), HISTORY);
        GatewayReport resumed = new GatewayReport();

        run(FeeRule.V2, allow, resumed, HISTORY);

        assertEquals(List.of("p-1", "p-2", "p-4"), resumed.sent().stream().map(LoggedCommand::eventId).toList());
        assertEquals(0, resumed.suppressed().size());
        assertEquals(3, external.received().size(), "nothing sent twice");
    }
}

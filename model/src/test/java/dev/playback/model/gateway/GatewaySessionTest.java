package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The gateway's decisions for one event, domain-free: a processor that sends bank payouts of fixed amounts, keyed by
 * payout id, whose amounts add up at the bank. Every expected amount and key below is a literal.
 */
class GatewaySessionTest {
    static final CallSite BANK = new CallSite("bank", "payout");
    static final CallSite FX = new CallSite("fx", "rate");

    /** Payouts add up per payout id at the bank; a correction sends the difference. */
    static final CommandRules AMOUNTS = new CommandRules() {
        @Override
        public String key(JsonNode command) {
            return command.path("payoutId").asText();
        }

        @Override
        public Optional<JsonNode> correction(List<JsonNode> sent, JsonNode wanted) {
            BigDecimal held = BigDecimal.ZERO;
            for (JsonNode c : sent) held = held.add(new BigDecimal(c.path("amount").asText()));
            BigDecimal want = wanted == null ? BigDecimal.ZERO : new BigDecimal(wanted.path("amount").asText());
            if (want.compareTo(held) == 0) return Optional.empty();
            String key = key(wanted != null ? wanted : sent.get(0));
            return Optional.of(payout(key, want.subtract(held).toPlainString()));
        }
    };

    /** What the bank and the FX service received, in order, with the idempotency key of each send. */
    record Received(CallSite site, JsonNode command, String key) {
    }

    static final class Bank implements ExternalSystems {
        final List<Received> received = new ArrayList<>();
        int failSendNumber = -1;
        int queries;

        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            queries++;
            return json("{\"rate\":\"1.0000\"}");
        }

        @Override
        public void send(CallSite site, JsonNode command, String idempotencyKey) {
            if (received.size() == failSendNumber) throw new IllegalStateException("bank unreachable (injected)");
            received.add(new Received(site, command, idempotencyKey));
        }

        List<String> payouts() {
            return received.stream().map(r -> r.site().id() + " " + r.command().path("payoutId").asText() + " "
                    + r.command().path("amount").asText()).toList();
        }
    }

    private final Bank bank = new Bank();
    private final InMemoryCommandLog log = new InMemoryCommandLog();
    private final GatewayPorts ports = new GatewayPorts(bank, new InMemoryQueryRecords(), log);

    static ObjectNode payout(String payoutId, String amount) {
        ObjectNode n = EventCodec.JSON.createObjectNode();
        n.put("payoutId", payoutId);
        n.put("amount", amount);
        return n;
    }

    static final EventEnvelope E1 = event("e-1", "acc-1", "PayoutRequested", json("{}")).withVersion(1);

    /** Runs one session of processor {@code payouts} for {@code event} that sends {@code commands} at the bank. */
    private GatewayReport process(GatewayRun run, EventEnvelope event, JsonNode... commands) {
        return process(ports, run, event, commands);
    }

    /** The same through {@code ports}. */
    static GatewayReport process(GatewayPorts ports, GatewayRun run, EventEnvelope event, JsonNode... commands) {
        GatewayReport report = new GatewayReport();
        GatewaySession session = new GatewaySession("payouts", site -> AMOUNTS, ports, run, event, report);
        for (JsonNode c : commands) session.send(BANK, c);
        session.finish();
        return report;
    }

    private static GatewayRun diff(String replayId) {
        return GatewayRun.replay(replayId, GatewayMode.DIFF, MissingRecord.FAIL);
    }

    private static List<String> corrections(GatewayReport report) {
        return report.corrections().stream().map(c -> c.key() + " " + c.command().path("amount").asText() + " #" + c.ordinal()).toList();
    }

    @Test
    void aSecondDiffReplaySendsItsOwnCorrectionsUnderKeysTheFirstDidNotUse() {
        process(GatewayRun.live(), E1, payout("p-1", "107.50"));
        GatewayReport toV2 = process(diff("fix-v2"), E1, payout("p-1", "107.42"));
        GatewayReport backToV1 = process(diff("back-to-v1"), E1, payout("p-1", "107.50"));

        assertEquals(List.of("p-1 -0.08 #0"), corrections(toV2));
        assertEquals(List.of("p-1 0.08 #1"), corrections(backToV1));
        assertEquals(List.of(false), backToV1.corrections().stream().map(Correction::alreadySent).toList());
        // sha256 of "payouts\ne-1\nbank.payout\ncorrection\n<ordinal>", computed with sha256sum
        assertEquals(List.of("5a10ab04d3a845e563aca571864d40afb59414a6cc7a409502f99c6b18ad4351"),
                toV2.corrections().stream().map(Correction::idempotencyKey).toList());
        assertEquals(List.of("bank.payout p-1 107.50", "bank.payout p-1 -0.08", "bank.payout p-1 0.08"), bank.payouts());
        assertEquals(3, bank.received.stream().map(Received::key).distinct().count(), "three sends, three keys");
    }

    @Test
    void aDiffReplayAfterASuppressReplayCorrectsOnlyWhatReachedTheBank() {
        process(GatewayRun.live(), E1, payout("p-1", "107.50"));
        process(GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), E1, payout("p-1", "107.42"));
        assertEquals(List.of("bank.payout p-1 107.50"), bank.payouts());

        GatewayReport fix = process(diff("fix-1"), E1, payout("p-1", "107.50"));

        assertEquals(List.of(), corrections(fix), "the suppressed 107.42 never reached the bank: nothing to correct");
        assertEquals(List.of("bank.payout p-1 107.50"), bank.payouts());
    }

    @Test
    void aDiffReplayOfAnEventOnlyEverSuppressedSendsTheWholePayoutOnce() {
        process(GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), E1, payout("p-1", "50.00"));

        GatewayReport fix = process(diff("fix-1"), E1, payout("p-1", "50.00"));

        assertEquals(List.of("p-1 50.00 #0"), corrections(fix));
        assertEquals(List.of("bank.payout p-1 50.00"), bank.payouts());
    }

    @Test
    void allowOfTheFxGatewayLetsNoBankCommandThrough() {
        GatewayReport report = process(GatewayRun.replay("feature-1", GatewayMode.parse("allow:fx"), MissingRecord.FAIL), E1,
                payout("p-1", "20.00"));

        assertEquals(List.of(), bank.payouts());
        assertEquals(List.of(), report.sent());
        assertEquals(List.of("SUPPRESSED p-1"), log.forEvent("payouts", "e-1").stream()
                .map(c -> c.disposition() + " " + c.command().path("payoutId").asText()).toList());
    }

    @Test
    void allowOfTheBankAfterASuppressOfTheSameEventSendsOnceAndALaterAllowSendsNothing() {
        process(GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), E1, payout("p-1", "20.00"));

        GatewayReport first = process(GatewayRun.replay("feature-1", GatewayMode.parse("allow:bank"), MissingRecord.FAIL), E1,
                payout("p-1", "20.00"));
        GatewayReport later = process(GatewayRun.replay("feature-2", GatewayMode.parse("allow:bank"), MissingRecord.FAIL), E1,
                payout("p-1", "20.00"));

        assertEquals(List.of("bank.payout p-1 20.00"), bank.payouts());
        assertEquals(List.of(Disposition.ALLOWED), first.sent().stream().map(LoggedCommand::disposition).toList());
        assertEquals(List.of(), later.sent());
        assertEquals(1, later.suppressed().size(), "the later replay logs its command as not sent");
    }

    @Test
    void anEventWhoseCommandsWereOnlyPartlySentGetsExactlyTheMissingOnesOnItsRetry() {
        bank.failSendNumber = 1; // the first payout reaches the bank, the second does not
        assertThrows(IllegalStateException.class, () -> process(GatewayRun.live(), E1, payout("p-1", "10.00"), payout("p-2", "20.00")));
        assertEquals(List.of("bank.payout p-1 10.00"), bank.payouts());

        bank.failSendNumber = -1;
        process(GatewayRun.live(), E1, payout("p-1", "10.00"), payout("p-2", "20.00"));

        assertEquals(List.of("bank.payout p-1 10.00", "bank.payout p-2 20.00"), bank.payouts());
        // sha256 of "payouts\ne-1\nbank.payout\nsend\n<ordinal>", computed with sha256sum
        assertEquals(List.of("15299582015580db1e1c392ac020daada31ad97c0244c4806c65342f255b9c25", "adf7c22e5e189f9e17fc568507d0758d6fbe6692e3b4178b52a589f1351c2b8c"),
                bank.received.stream().map(Received::key).toList());
    }

    @Test
    void aDiffReplayTakesBackAPayoutNoLongerWantedAndSendsTheNewOne() {
        process(GatewayRun.live(), E1, payout("p-old", "30.00"));

        GatewayReport fix = process(diff("fix-1"), E1, payout("p-new", "25.00"));

        assertEquals(List.of("p-new 25.00 #0", "p-old -30.00 #1"), corrections(fix));
        assertEquals(List.of("bank.payout p-old 30.00", "bank.payout p-new 25.00", "bank.payout p-old -30.00"), bank.payouts());
        Correction takenBack = fix.corrections().get(1);
        assertEquals(List.of("30.00"), takenBack.sent().stream().map(c -> c.path("amount").asText()).toList());
        assertEquals(null, takenBack.wanted(), "the old payout is no longer wanted");
    }

    @Test
    void aDiffReplayLeavesAPayoutWantedAsSentAloneAndCorrectsTheOneThatChanged() {
        process(GatewayRun.live(), E1, payout("p-1", "10.00"), payout("p-2", "20.00"));

        GatewayReport fix = process(diff("fix-1"), E1, payout("p-2", "21.00"), payout("p-1", "10.00"));

        assertEquals(List.of("p-2 1.00 #0"), corrections(fix));
        assertEquals(List.of("bank.payout p-1 10.00", "bank.payout p-2 20.00", "bank.payout p-2 1.00"), bank.payouts());
    }

    private static final JsonNode PAIR = json("{\"pair\":\"EURUSD\"}");

    private GatewaySession session(GatewayRun run, EventEnvelope event, GatewayReport report) {
        return new GatewaySession("payouts", site -> AMOUNTS, ports, run, event, report);
    }

    @Test
    void shouldAskOnceAndAnswerFromTheRecordAfter_whenLiveProcessingQueries() {
        JsonNode first = session(GatewayRun.live(), E1, new GatewayReport()).query(FX, PAIR);
        JsonNode replayed = session(GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), E1, new GatewayReport())
                .query(FX, json("{\"pair\":\"EURUSD\"}"));

        assertEquals("1.0000", first.path("rate").asText());
        assertEquals("1.0000", replayed.path("rate").asText());
        assertEquals(1, bank.queries, "the replay answers from the record");
        assertEquals("live", ports.records().find(new QueryKey("payouts", "e-1", FX, Hashes.request(PAIR))).orElseThrow().recordedBy());
    }

    @Test
    void shouldFailNamingTheEventAndSite_whenAReplayMissesARecordAndThePolicyIsFail() {
        GatewaySession s = session(GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), E1, new GatewayReport());

        MissingRecordException e = assertThrows(MissingRecordException.class, () -> s.query(FX, PAIR));

        assertEquals("e-1", e.eventId());
        assertEquals(FX, e.site());
        assertEquals(0, bank.queries);
    }

    @Test
    void shouldAskRecordAndReport_whenAReplayMissesARecordAndThePolicyIsLive() {
        GatewayReport report = new GatewayReport();

        JsonNode answer = session(GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.LIVE), E1, report).query(FX, PAIR);

        assertEquals("1.0000", answer.path("rate").asText());
        assertEquals(List.of("e-1 fx.rate"), report.liveQueries().stream().map(q -> q.eventId() + " " + q.site().id()).toList());
        assertEquals("replay:look", ports.records().find(new QueryKey("payouts", "e-1", FX, Hashes.request(PAIR))).orElseThrow().recordedBy());
    }

    @Test
    void shouldAskOnlyTheAllowedGateway_whenAnAllowReplayMissesRecords() {
        GatewayRun allowFx = GatewayRun.replay("feature-1", GatewayMode.parse("allow:fx"), MissingRecord.FAIL);
        GatewayReport report = new GatewayReport();

        JsonNode answer = session(allowFx, E1, report).query(FX, PAIR);

        assertEquals("1.0000", answer.path("rate").asText());
        assertEquals(1, report.liveQueries().size());
        assertThrows(MissingRecordException.class, () -> session(allowFx, E1, new GatewayReport()).query(BANK, PAIR));
        assertEquals(1, bank.queries);
    }

    @Test
    void shouldRefuseEveryCall_whenTheSessionIsFinished() {
        GatewaySession s = session(GatewayRun.live(), E1, new GatewayReport());
        s.send(BANK, payout("p-1", "5.00"));
        s.finish();
        s.finish();

        assertThrows(IllegalStateException.class, () -> s.query(FX, PAIR));
        assertThrows(IllegalStateException.class, () -> s.send(BANK, payout("p-2", "1.00")));
        assertThrows(IllegalStateException.class, () -> s.compensate(BANK, "e-1"));
        assertEquals(List.of("bank.payout p-1 5.00"), bank.payouts(), "a second finish sends nothing twice");
    }

    @Test
    void shouldSendTheNetOppositeOfWhatReachedTheBankAtThatSite_whenAnEventIsCompensated() {
        GatewaySession live = session(GatewayRun.live(), E1, new GatewayReport());
        live.send(BANK, payout("p-1", "10.00"));
        live.send(BANK, payout("p-2", "4.00"));
        live.send(FX, payout("p-9", "99.00"));
        live.finish();
        GatewaySession fix = session(diff("fix-1"), E1, new GatewayReport());
        fix.send(BANK, payout("p-1", "12.00"));
        fix.send(BANK, payout("p-2", "4.00"));
        fix.send(FX, payout("p-9", "99.00"));
        fix.finish();
        EventEnvelope reversal = event("e-2", "acc-1", "PayoutReversed", json("{}")).withVersion(2);

        GatewaySession compensating = session(GatewayRun.live(), reversal, new GatewayReport());
        compensating.compensate(BANK, "e-1");
        compensating.finish();

        assertEquals(List.of("bank.payout p-1 10.00", "bank.payout p-2 4.00", "fx.rate p-9 99.00", "bank.payout p-1 2.00",
                "bank.payout p-1 -12.00", "bank.payout p-2 -4.00"), bank.payouts());
    }

    @Test
    void shouldReportItsOwnEarlierSendAgainWithoutSendingIt_whenAnAllowReplayIsRetried() {
        GatewayRun allow = GatewayRun.replay("feature-1", GatewayMode.parse("allow:bank"), MissingRecord.FAIL);
        process(allow, E1, payout("p-1", "20.00"));

        GatewayReport retried = process(allow, E1, payout("p-1", "20.00"));

        assertEquals(List.of("bank.payout p-1 20.00"), bank.payouts());
        assertEquals(List.of("ALLOWED p-1"), retried.sent().stream()
                .map(c -> c.disposition() + " " + c.command().path("payoutId").asText()).toList());
        assertEquals(List.of(), retried.suppressed());
    }

    /** The send key of ordinal 0 of event e-1 at bank.payout (see the golden values above). */
    private static final String SEND_0 = "15299582015580db1e1c392ac020daada31ad97c0244c4806c65342f255b9c25";
    /** The correction key of ordinal 0 of event e-1 at bank.payout. */
    private static final String CORRECTION_0 = "5a10ab04d3a845e563aca571864d40afb59414a6cc7a409502f99c6b18ad4351";

    @Test
    void shouldSendTheCommandLoggedPendingBefore_whenLiveProcessingIsRetriedAfterACrashWithNewLogic() {
        log.append(new LoggedCommand("payouts", "e-1", BANK, 0, Disposition.PENDING, payout("p-1", "10.00"), SEND_0, null));

        process(GatewayRun.live(), E1, payout("p-1", "12.00"));

        assertEquals(List.of("bank.payout p-1 10.00"), bank.payouts());
        assertEquals(List.of(SEND_0), bank.received.stream().map(Received::key).toList());
    }

    @Test
    void shouldCountAPendingSendAsReceived_whenADiffReplayFollowsACrashBeforeItsConfirmation() {
        log.append(new LoggedCommand("payouts", "e-1", BANK, 0, Disposition.PENDING, payout("p-1", "10.00"), SEND_0, null));

        GatewayReport fix = process(diff("fix-1"), E1, payout("p-1", "10.00"));

        assertEquals(List.of(), corrections(fix), "the bank may hold the pending 10.00: nothing to correct");
        assertEquals(List.of(), bank.payouts());
    }

    @Test
    void shouldSendItsPendingCorrectionAsLogged_whenADiffReplayResumesAfterACrash() {
        process(GatewayRun.live(), E1, payout("p-1", "107.50"));
        // fix-1 logged its correction (computed by the logic of before a deployment) and crashed before sending it
        log.append(new LoggedCommand("payouts", "e-1", BANK, 0, Disposition.PENDING, payout("p-1", "-0.10"), CORRECTION_0, "fix-1"));

        GatewayReport resumed = process(diff("fix-1"), E1, payout("p-1", "107.42"));

        assertEquals(List.of("p-1 -0.10 #0"), corrections(resumed));
        assertEquals(List.of("107.50"), resumed.corrections().get(0).sent().stream().map(n -> n.path("amount").asText()).toList(),
                "its own pending correction is recomputed, not counted as sent before");
        assertEquals(List.of("bank.payout p-1 107.50", "bank.payout p-1 -0.10"), bank.payouts());
        assertEquals(CORRECTION_0, bank.received.get(1).key());
    }

    @Test
    void shouldPredictThePendingCorrectionAsLogged_whenAWhatIfLooksAtACrashedDiffReplay() {
        process(GatewayRun.live(), E1, payout("p-1", "107.50"));
        log.append(new LoggedCommand("payouts", "e-1", BANK, 0, Disposition.PENDING, payout("p-1", "-0.10"), CORRECTION_0, "fix-1"));

        GatewayReport predicted = process(GatewayRun.replay("fix-1", GatewayMode.PREDICT, MissingRecord.FAIL), E1, payout("p-1", "107.42"));

        assertEquals(List.of("p-1 -0.10 #0"), predicted.predicted().stream()
                .map(p -> p.correction().key() + " " + p.correction().command().path("amount").asText() + " #" + p.correction().ordinal()).toList());
        assertEquals(List.of("bank.payout p-1 107.50"), bank.payouts());
    }

    @Test
    void shouldReportItsCorrectionAsAlreadySentWithWhatTheBankHeld_whenADiffReplayRunsAgain() {
        process(GatewayRun.live(), E1, payout("p-1", "107.50"));
        process(diff("fix-1"), E1, payout("p-1", "107.42"));

        GatewayReport again = process(diff("fix-1"), E1, payout("p-1", "107.42"));

        assertEquals(List.of("p-1 -0.08 #0"), corrections(again));
        Correction c = again.corrections().get(0);
        assertEquals(true, c.alreadySent());
        assertEquals(List.of("107.50"), c.sent().stream().map(n -> n.path("amount").asText()).toList());
        assertEquals(List.of("bank.payout p-1 107.50", "bank.payout p-1 -0.08"), bank.payouts());
    }

    @Test
    void shouldSendWhatTheLogicWantsNow_whenAnAllowReplayFollowsASuppressReplayOfOlderLogic() {
        process(GatewayRun.replay("look", GatewayMode.SUPPRESS, MissingRecord.FAIL), E1, payout("p-1", "20.00"));

        process(GatewayRun.replay("feature-1", GatewayMode.parse("allow:bank"), MissingRecord.FAIL), E1, payout("p-1", "25.00"));

        assertEquals(List.of("bank.payout p-1 25.00"), bank.payouts(), "a suppressed command never went out: it is not resent");
    }
}

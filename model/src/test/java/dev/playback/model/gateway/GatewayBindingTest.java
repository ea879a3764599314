package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.ReversalOutcome;
import dev.playback.model.processor.ReversedEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.gateway.GatewaySessionTest.BANK;
import static dev.playback.model.gateway.GatewaySessionTest.payout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway processor run as a plain processor: every call is handed to the gateway processor, each event's commands go
 * through a session of its own that is closed after the event, and the read-only ports a comparison uses.
 */
class GatewayBindingTest {
    private static final EventEnvelope E1 = event("e-1", "acc-1", "PayoutRequested", json("{\"amount\":\"10.00\"}")).withVersion(1);
    private static final EventEnvelope R2 = event("e-2", "acc-1", "PayoutReversed", json("{\"reverses\":\"e-1\"}")).withVersion(2);

    /** State: the events handled so far, joined by commas. Pays out each request at the bank; compensates reversals. */
    static final class Payouts implements GatewayProcessor<String> {
        @Override
        public String name() {
            return "payouts";
        }

        @Override
        public String logicVersion() {
            return "7";
        }

        @Override
        public String initial(String aggregateId) {
            return "new " + aggregateId;
        }

        @Override
        public String apply(String state, EventEnvelope event, Gateway gateway) {
            gateway.send(BANK, payout("p-" + event.eventId(), event.payload().path("amount").asText()));
            return state + "," + event.eventId();
        }

        @Override
        public CommandRules rules(CallSite site) {
            return GatewaySessionTest.AMOUNTS;
        }

        @Override
        public Optional<String> reverses(EventEnvelope event) {
            return Optional.ofNullable(event.payload().path("reverses").textValue());
        }

        @Override
        public String applyAbsorbed(String state, EventEnvelope reversal, Gateway gateway) {
            gateway.compensate(BANK, reversal.payload().path("reverses").asText());
            return state + ",absorbed " + reversal.eventId();
        }

        @Override
        public boolean reversalsFromEvents() {
            return true;
        }

        @Override
        public ReversalOutcome<String> applyReversal(String state, EventEnvelope reversal, ReversedEvent target, Gateway gateway) {
            gateway.compensate(BANK, target.eventId());
            return ReversalOutcome.applied(state + ",reversed " + target.eventId());
        }

        @Override
        public Optional<JsonNode> note(String before, String after, EventEnvelope event) {
            return Optional.of(TextNode.valueOf(before + " -> " + after));
        }

        @Override
        public String applyUnresolvable(String state, EventEnvelope reversal, String reason) {
            return state + ",unresolvable " + reason;
        }

        @Override
        public JsonNode encode(String state) {
            return TextNode.valueOf(state);
        }

        @Override
        public String decode(JsonNode json) {
            return "decoded " + json.asText();
        }
    }

    /** Only what a gateway processor must say; everything else is the interface's default. */
    static final class Plain implements GatewayProcessor<String> {
        @Override
        public String name() {
            return "plain";
        }

        @Override
        public String initial(String aggregateId) {
            return "";
        }

        @Override
        public String apply(String state, EventEnvelope event, Gateway gateway) {
            return state;
        }

        @Override
        public JsonNode encode(String state) {
            return TextNode.valueOf(state);
        }

        @Override
        public String decode(JsonNode json) {
            return json.asText();
        }
    }

    private final GatewaySessionTest.Bank bank = new GatewaySessionTest.Bank();
    private final InMemoryCommandLog log = new InMemoryCommandLog();
    private final InMemoryQueryRecords records = new InMemoryQueryRecords();
    private final GatewayPorts ports = new GatewayPorts(bank, records, log);
    private final GatewayReport report = new GatewayReport();
    private final GatewayBinding<String> live = new GatewayBinding<>(new Payouts(), ports, GatewayRun.live(), report);

    @Test
    void shouldHandEveryCallToTheGatewayProcessor_whenBound() {
        assertEquals("payouts", live.name());
        assertEquals("7", live.logicVersion());
        assertEquals("new acc-1", live.initial("acc-1"));
        assertEquals(Optional.of("e-1"), live.reverses(R2));
        assertEquals(Optional.empty(), live.reverses(E1));
        assertTrue(live.reversalsFromEvents());
        assertEquals(Optional.of(TextNode.valueOf("a -> b")), live.note("a", "b", E1));
        assertEquals("s,unresolvable gone", live.applyUnresolvable("s", R2, "gone"));
        assertEquals(TextNode.valueOf("s"), live.encode("s"));
        assertEquals("decoded s", live.decode(TextNode.valueOf("s")));
        assertEquals(report, live.report());
    }

    @Test
    void shouldSendAnEventsCommandsWhenItsSessionCloses_whenAppliedLive() {
        String state = live.apply("new acc-1", E1);

        assertEquals("new acc-1,e-1", state);
        assertEquals(List.of("bank.payout p-e-1 10.00"), bank.payouts());
        assertEquals(List.of(Disposition.SENT), report.sent().stream().map(LoggedCommand::disposition).toList());
    }

    @Test
    void shouldCompensateWhatReachedTheBank_whenAReversalIsAppliedOrAbsorbed() {
        live.apply("s", E1);

        ReversalOutcome<String> outcome = live.applyReversal("s", R2, new ReversedEvent(E1, Optional.empty(), Optional.empty()));
        String absorbed = live.applyAbsorbed("s", event("e-3", "acc-1", "PayoutReversed", json("{\"reverses\":\"e-2\"}")).withVersion(3));

        assertEquals(ReversalOutcome.applied("s,reversed e-1"), outcome);
        assertEquals("s,absorbed e-3", absorbed);
        // e-2 compensates the 10.00 of e-1; e-3 compensates e-2's own -10.00
        assertEquals(List.of("bank.payout p-e-1 10.00", "bank.payout p-e-1 -10.00", "bank.payout p-e-1 10.00"), bank.payouts());
    }

    @Test
    void shouldHandleEveryEventThroughTheCallersGateway_whenBoundThroughIt() {
        List<String> seen = new ArrayList<>();
        Gateway recording = new Gateway() {
            @Override
            public JsonNode query(CallSite site, JsonNode request) {
                throw new AssertionError("no query expected");
            }

            @Override
            public void send(CallSite site, JsonNode command) {
                seen.add("send " + site.id() + " " + command.path("amount").asText());
            }

            @Override
            public void compensate(CallSite site, String eventId) {
                seen.add("compensate " + site.id() + " " + eventId);
            }
        };
        GatewayBinding<String> through = GatewayBinding.through(new Payouts(), recording);

        assertEquals("s,e-1", through.apply("s", E1));
        assertEquals(ReversalOutcome.applied("s,reversed e-1"),
                through.applyReversal("s", R2, new ReversedEvent(E1, Optional.empty(), Optional.empty())));
        assertEquals("s,absorbed e-2", through.applyAbsorbed("s", R2));

        assertEquals(List.of("send bank.payout 10.00", "compensate bank.payout e-1", "compensate bank.payout e-1"), seen);
        assertEquals(List.of(), bank.payouts());
        assertTrue(through.report().isEmpty());
        assertThrows(NullPointerException.class, () -> GatewayBinding.through(new Payouts(), null));
    }

    @Test
    void shouldSendNothingAndTakeNoReversals_whenAGatewayProcessorKeepsTheDefaults() {
        Plain plain = new Plain();

        assertEquals("1", plain.logicVersion());
        assertEquals(CommandRules.EXACT, plain.rules(BANK));
        assertEquals(Optional.empty(), plain.reverses(R2));
        assertFalse(plain.reversalsFromEvents());
        assertFalse(new GatewayBinding<>(plain, ports, GatewayRun.live(), report).reversalsFromEvents());
        assertEquals(Optional.empty(), plain.note("a", "b", E1));
        assertEquals(List.of(), plain.compensations("a", "e-1"));
        assertThrows(UnsupportedOperationException.class, () -> plain.applyAbsorbed("a", R2, null));
        assertThrows(UnsupportedOperationException.class, () -> plain.applyReversal("a", R2, null, null));
        assertThrows(UnsupportedOperationException.class, () -> plain.applyUnresolvable("a", R2, "gone"));
    }

    @Test
    void shouldReadRecordsAndLogButAskSendRecordAndLogNothing_whenPortsAreReadOnly() {
        live.apply("s", E1);
        QueryKey key = new QueryKey("payouts", "e-1", GatewaySessionTest.FX, "h");
        RecordedQuery answer = new RecordedQuery(key, json("{}"), json("{\"rate\":\"2\"}"), "live");
        records.put(answer);
        GatewayPorts readOnly = ports.readOnly();
        LoggedCommand entry = new LoggedCommand("payouts", "e-1", BANK, 5, Disposition.SUPPRESSED, json("{}"), "k", "look");

        assertEquals(Optional.of(answer), readOnly.records().find(key));
        assertEquals(1, readOnly.log().forEvent("payouts", "e-1").stream().filter(c -> c.disposition() == Disposition.SENT).count());
        assertEquals(entry, readOnly.log().append(entry));
        assertEquals(List.of(), log.forEvent("payouts", "e-1").stream().filter(c -> c.disposition() == Disposition.SUPPRESSED).toList());
        assertThrows(IllegalStateException.class, () -> readOnly.records().put(answer));
        assertThrows(IllegalStateException.class, () -> readOnly.external().query(BANK, json("{}")));
        assertThrows(IllegalStateException.class, () -> readOnly.external().send(BANK, json("{}"), "k"));
    }

    @Test
    void shouldTranslateRequestsAndAnswers_whenTypedSitesAreUsed() {
        List<String> seen = new ArrayList<>();
        Gateway gateway = new Gateway() {
            @Override
            public JsonNode query(CallSite site, JsonNode request) {
                return json("{\"rate\":\"" + request.path("pair").asText() + "-1.25\"}");
            }

            @Override
            public void send(CallSite site, JsonNode command) {
                seen.add(site.id() + " " + command);
            }

            @Override
            public void compensate(CallSite site, String eventId) {
            }
        };
        QuerySite<String, String> rate = new QuerySite<>(GatewaySessionTest.FX, pair -> json("{\"pair\":\"" + pair + "\"}"),
                answer -> answer.path("rate").asText());
        CommandSite<String> pay = new CommandSite<>(BANK, amount -> payout("p-1", amount), CommandRules.EXACT);

        assertEquals("EURUSD-1.25", gateway.query(rate, "EURUSD"));
        gateway.send(pay, "3.00");

        assertEquals(List.of("bank.payout {\"payoutId\":\"p-1\",\"amount\":\"3.00\"}"), seen);
    }
}

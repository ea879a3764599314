package dev.onebox.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PutEvents on the bus: envelope, limits, routing, retries and failed deliveries. */
class EventBusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPLAY_SM = "arn:aws:states:us-east-1:000000000000:stateMachine:PartialReplay";
    private static final String REPLAY_PATTERN = "{\"source\":[\"playback\"],\"detail-type\":[\"ReplayRequested\"]}";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:15:30.250Z"));
    private final RecordingInvoker invoker = new RecordingInvoker();
    private final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());

    private EventBus bus(int attempts) {
        EventBus bus = new EventBus(invoker, EventBusSettings.defaults().withClock(clock)
                .withDeliveryExecutor(Runnable::run).withRetry(RetryPolicy.immediate(attempts)));
        bus.onDelivery(deliveries::add);
        bus.putRule(new Rule("ReplayRequested", REPLAY_PATTERN, List.of(Target.of("sm", REPLAY_SM))));
        return bus;
    }

    @Test
    void matchedEventReachesTheTargetInAwsEnvelope() throws Exception {
        EventBus bus = bus(3);
        PutEventsResult result = bus.putEvents(List.of(new EventEntry("playback", "ReplayRequested", "{\"replayId\":\"r-1\"}",
                List.of("arn:aws:dynamodb:us-east-1:000000000000:table/events"), null, null)));

        assertEquals(0, result.failedEntryCount());
        String id = result.entries().get(0).eventId();
        assertEquals(1, invoker.calls().size());
        assertEquals(REPLAY_SM, invoker.calls().get(0).targetArn());
        JsonNode event = JSON.readTree(invoker.calls().get(0).input());
        assertEquals("0", event.get("version").asText());
        assertEquals(id, event.get("id").asText());
        assertEquals("ReplayRequested", event.get("detail-type").asText());
        assertEquals("playback", event.get("source").asText());
        assertEquals("000000000000", event.get("account").asText());
        assertEquals("2026-11-26T10:15:30Z", event.get("time").asText());
        assertEquals("us-east-1", event.get("region").asText());
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/events", event.get("resources").get(0).asText());
        assertEquals("r-1", event.get("detail").get("replayId").asText(), "detail is an object, not a string");
        assertTrue(deliveries.get(0).succeeded());
        assertEquals(1, deliveries.get(0).attempts());
    }

    @Test
    void entryTimeIsKeptWhenGiven() throws Exception {
        EventBus bus = bus(1);
        bus.putEvents(List.of(new EventEntry("playback", "ReplayRequested", "{}", List.of(), Instant.parse("2026-01-02T03:04:05Z"), "default")));
        assertEquals("2026-01-02T03:04:05Z", JSON.readTree(invoker.calls().get(0).input()).get("time").asText());
    }

    @Test
    void unmatchedEventsAndDisabledRulesDeliverNothing() {
        EventBus bus = bus(1);
        bus.putRule(new Rule("Off", Rule.DEFAULT_BUS, "{\"source\":[\"playback\"]}", List.of(Target.of("x", "arn:off")), false));
        PutEventsResult result = bus.putEvents(List.of(new EventEntry("playback", "Other", "{}")));
        assertEquals(0, result.failedEntryCount());
        assertEquals(List.of(), invoker.calls());
    }

    @Test
    void everyTargetOfEveryMatchingRuleGetsItsOwnInput() throws Exception {
        EventBus bus = bus(1);
        bus.putRule(new Rule("Audit", "{\"detail\":{\"replayId\":[{\"prefix\":\"r-\"}]}}", List.of(
                Target.withInput("log", "arn:log", "{\"audit\":true}"),
                Target.withInputPath("id", "arn:id", "$.detail.replayId"),
                Target.withTransformer("tr", "arn:tr", new InputTransformer(Map.of("r", "$.detail.replayId"),
                        "{\"replay\": <r>, \"rule\": <aws.events.rule-name>}")))));
        bus.putEvents(List.of(new EventEntry("playback", "ReplayRequested", "{\"replayId\":\"r-7\"}")));

        List<RecordingInvoker.Call> calls = invoker.calls();
        assertEquals(4, calls.size());
        assertEquals(new RecordingInvoker.Call("arn:log", "{\"audit\":true}"), calls.get(1));
        assertEquals(new RecordingInvoker.Call("arn:id", "\"r-7\""), calls.get(2));
        assertEquals(new RecordingInvoker.Call("arn:tr", "{\"replay\":\"r-7\",\"rule\":\"Audit\"}"), calls.get(3));
    }

    @Test
    void failingTargetIsRetriedThenSucceeds() {
        invoker.failFirst(2);
        EventBus bus = bus(3);
        bus.putEvents(List.of(new EventEntry("playback", "ReplayRequested", "{}")));
        assertEquals(3, invoker.calls().size());
        assertTrue(deliveries.get(0).succeeded());
        assertEquals(3, deliveries.get(0).attempts());
        assertEquals(List.of(), bus.failedDeliveries());
    }

    @Test
    void targetFailingEveryAttemptIsRecordedNotDropped() {
        invoker.failFirst(10);
        EventBus bus = bus(3);
        String id = bus.putEvents(List.of(new EventEntry("playback", "ReplayRequested", "{}"))).entries().get(0).eventId();
        assertEquals(3, invoker.calls().size());
        Delivery failed = bus.failedDeliveries().get(0);
        assertFalse(failed.succeeded());
        assertEquals(id, failed.eventId());
        assertEquals("ReplayRequested", failed.source());
        assertEquals(REPLAY_SM, failed.targetArn());
        assertEquals(3, failed.attempts());
        assertTrue(failed.failure().contains("target down"), failed.failure());
        assertTrue(failed.input().contains("ReplayRequested"));
        assertEquals(List.of(failed), deliveries);
    }

    @Test
    void transformerErrorIsAFailedDeliveryNamingTheTarget() {
        EventBus bus = bus(3);
        bus.putRule(new Rule("Broken", "{\"source\":[\"playback\"]}", List.of(Target.withTransformer("bad", "arn:bad",
                new InputTransformer(Map.of("r", "$.detail.r"), "{\"a\": <r> <r>}")))));
        bus.putEvents(List.of(new EventEntry("playback", "X", "{\"r\":1}")));
        Delivery failed = bus.failedDeliveries().get(0);
        assertEquals(0, failed.attempts());
        assertNull(failed.input());
        assertTrue(failed.failure().startsWith("Target bad (arn:bad)"), failed.failure());
    }

    @Test
    void badEntriesGetAwsErrorCodesAndTheOthersGoThrough() {
        EventBus bus = bus(1);
        PutEventsResult r = bus.putEvents(List.of(
                new EventEntry("playback", "ReplayRequested", "{\"ok\":1}"),
                new EventEntry("playback", "ReplayRequested", "not json"),
                new EventEntry("playback", "ReplayRequested", "[1,2]"),
                new EventEntry("playback", "ReplayRequested", "\"a string\""),
                new EventEntry(null, null, "{}"),
                new EventEntry("aws.events", "Scheduled Event", "{}"),
                new EventEntry("playback", "ReplayRequested", "{}", List.of(), null, "no-such-bus")));

        assertEquals(6, r.failedEntryCount());
        assertTrue(r.entries().get(0).isAccepted());
        for (int i = 1; i <= 3; i++) {
            assertEquals("MalformedDetail", r.entries().get(i).errorCode());
            assertEquals("Detail is malformed.", r.entries().get(i).errorMessage());
        }
        assertEquals("InvalidArgument", r.entries().get(4).errorCode());
        assertEquals("Parameter(s) Source,DetailType could not be empty.", r.entries().get(4).errorMessage());
        assertEquals("NotAuthorizedForSourceException", r.entries().get(5).errorCode());
        assertEquals("ResourceNotFoundException", r.entries().get(6).errorCode());
        assertEquals(1, invoker.calls().size());
    }

    @Test
    void requestLimitsRefuseTheWholeRequest() {
        EventBus bus = bus(1);
        List<EventEntry> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(new EventEntry("playback", "ReplayRequested", "{}"));
        }
        PutEventsRejectedException tooMany = assertThrows(PutEventsRejectedException.class, () -> bus.putEvents(eleven));
        assertEquals("ValidationException", tooMany.errorCode());
        assertTrue(tooMany.getMessage().contains("less than or equal to 10"), tooMany.getMessage());

        String big = "{\"x\":\"" + "a".repeat(130 * 1024) + "\"}";
        PutEventsRejectedException tooBig = assertThrows(PutEventsRejectedException.class, () -> bus.putEvents(List.of(
                new EventEntry("playback", "ReplayRequested", big), new EventEntry("playback", "ReplayRequested", big))));
        assertTrue(tooBig.getMessage().startsWith("Total size of the entries in the request is over the limit"), tooBig.getMessage());

        assertThrows(PutEventsRejectedException.class, () -> bus.putEvents(List.of()));
        assertEquals(List.of(), invoker.calls());
    }

    @Test
    void entrySizeIsCountedLikeAws() {
        assertEquals(14 + 8 + 15 + 2 + 3, EventBus.entrySize(new EventEntry("playback", "ReplayRequested", "{}",
                List.of("arn"), Instant.EPOCH, null)));
        assertEquals(8 + 1 + 2 + 4, EventBus.entrySize(new EventEntry("playback", "X", "{}", List.of("ab", "cd"), null, null)));
    }

    @Test
    void rulesOnOtherBusesOnlySeeTheirBus() {
        EventBus bus = bus(1);
        bus.createEventBus("ops");
        bus.putRule(new Rule("Ops", "ops", "{\"source\":[\"playback\"]}", List.of(Target.of("o", "arn:ops")), true));
        bus.putEvents(List.of(new EventEntry("playback", "Other", "{}", List.of(), null, null)));
        assertEquals(List.of(), invoker.calls(), "an event on the default bus does not reach the rules of bus ops");
        bus.putEvents(List.of(new EventEntry("playback", "ReplayRequested", "{}", List.of(), null,
                "arn:aws:events:us-east-1:000000000000:event-bus/ops")));
        assertEquals(List.of(new RecordingInvoker.Call("arn:ops", invoker.calls().get(0).input())), invoker.calls());
        assertEquals("arn:aws:events:us-east-1:000000000000:rule/ops/Ops", bus.ruleArn("Ops", "ops"));
    }

    @Test
    void aRuleOrAnEventOnABusThatWasNotCreatedIsRefused() {
        EventBus bus = bus(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.putRule(new Rule("Ops", "ops", "{\"source\":[\"playback\"]}", List.of(Target.of("o", "arn:ops")), true)));
        assertTrue(e.getMessage().contains("event bus ops does not exist"), e.getMessage());
        PutEventsResult r = bus.putEvents(List.of(new EventEntry("playback", "X", "{}", List.of(), null, "ops")));
        assertEquals("ResourceNotFoundException", r.entries().get(0).errorCode());
        assertThrows(IllegalArgumentException.class, () -> bus.createEventBus("aws.ops"));
        assertThrows(IllegalArgumentException.class, () -> bus.createEventBus("default"));
    }

    @Test
    void theBusPolicyLetsOnlyTheAccountsItNamesPutEvents_theBusOwnAccountAlways() throws Exception {
        EventBus bus = bus(1);
        bus.createEventBus("ops");
        bus.putRule(new Rule("Ops", "ops", "{\"source\":[\"playback\"]}", List.of(Target.of("o", "arn:ops")), true));
        EventEntry entry = new EventEntry("playback", "X", "{}", List.of(), null, "ops");

        assertEquals("AccessDeniedException", bus.putEvents(List.of(entry), "111122223333").entries().get(0).errorCode(),
                "no policy: only the bus's own account");
        bus.putPermission("ops", JSON.readTree("{\"Sid\":\"s\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:role/ops\"]},\"Action\":\"events:PutEvents\"}"));

        assertTrue(bus.putEvents(List.of(entry), "111122223333").entries().get(0).isAccepted());
        assertEquals("AccessDeniedException", bus.putEvents(List.of(entry), "444455556666").entries().get(0).errorCode());
        assertTrue(bus.putEvents(List.of(entry), "000000000000").entries().get(0).isAccepted());
        assertEquals(2, invoker.calls().size());
    }

    @Test
    void matchingRulesNamesTheRulesAnEventWouldTrigger() {
        EventBus bus = bus(1);
        assertEquals(List.of("ReplayRequested"), bus.matchingRules(
                "{\"source\":\"playback\",\"detail-type\":\"ReplayRequested\",\"detail\":{}}"));
        assertEquals(List.of(), bus.matchingRules("{\"source\":\"other\"}"));
    }

    @Test
    void ownDeliveryThreadDeliversBeforeCloseReturns() {
        RecordingInvoker own = new RecordingInvoker();
        EventBus bus = new EventBus(own);
        bus.putRule(new Rule("R", REPLAY_PATTERN, List.of(Target.of("sm", REPLAY_SM))));
        bus.putEvents(List.of(new EventEntry("playback", "ReplayRequested", "{}")));
        bus.close();
        assertEquals(1, own.calls().size());
    }
}

package dev.playback.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.events.EventBus;
import dev.onebox.events.EventBusSettings;
import dev.onebox.events.EventEntry;
import dev.onebox.events.PutEventsResult;
import dev.onebox.events.Rule;
import dev.onebox.events.Schedule;
import dev.playback.tools.template.RepositoryTemplate;
import dev.onebox.template.Template;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The partial replay's rule of template.yaml on the local EventBridge: only ReplayRequestBus starts it. */
class ReplayRequestBusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:PartialReplayStateMachine";
    private final Template template = RepositoryTemplate.load();
    private final List<String> started = new ArrayList<>();
    private final EventBus bus = new EventBus((arn, input) -> {
        assertEquals(MACHINE, arn);
        started.add(input);
    }, EventBusSettings.defaults().withDeliveryExecutor(Runnable::run));

    ReplayRequestBusTest() {
        Workflows.createEventBuses(template, bus);
        List<Rule> rules = new ArrayList<>();
        Workflows.collect("PartialReplayStateMachine", MACHINE, template.stateMachine("PartialReplayStateMachine").events(), rules,
                new ArrayList<Schedule>());
        rules.forEach(bus::putRule);
    }

    private PutEventsResult request(String busName) {
        return bus.putEvents(List.of(new EventEntry("playback", "ReplayRequested", "{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\"]}",
                List.of(), null, busName)));
    }

    @Test
    void replayRequestedOnTheDefaultBusStartsNoReplay() {
        PutEventsResult r = request(null);

        assertTrue(r.entries().get(0).isAccepted());
        assertEquals(List.of(), started);
    }

    @Test
    void replayRequestedOnTheReplayRequestBusStartsTheReplayWithTheRequestAndTheEventThatCarriedIt() throws Exception {
        PutEventsResult r = request("playback-local-replay-requests");

        assertEquals(1, started.size());
        JsonNode input = JSON.readTree(started.get(0));
        assertEquals(JSON.readTree("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\"]}"), input.get("request"));
        assertEquals(r.entries().get(0).eventId(), input.at("/event/id").asText());
        assertEquals("playback", input.at("/event/source").asText());
        assertEquals("000000000000", input.at("/event/account").asText());
        assertTrue(input.at("/event/time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), input.toString());
    }

    @Test
    void theBusPolicyLetsTheStackAccountPutEventsAndNoOtherByDefault() {
        assertEquals(Map.of("Sid", "replay-requesters", "Effect", "Allow", "Principal", Map.of("AWS", "000000000000"),
                "Action", "events:PutEvents", "Resource", "arn:aws:events:us-east-1:000000000000:event-bus/playback-local-replay-requests"),
                template.eventBuses().get("ReplayRequestBus").policy().get(0));
        assertTrue(bus.mayPutEvents("playback-local-replay-requests", "000000000000"));
        assertTrue(!bus.mayPutEvents("playback-local-replay-requests", "111122223333"));
    }

    @Test
    void effectfulReplaysThroughEventBridgeAreOffUnlessTheDeploymentOptsIn() {
        assertEquals("false", template.function("ReplayFunction").environment().get("EVENT_REPLAYS_MAY_SEND"));
        assertEquals("true", Template.load(RepositoryTemplate.file(), withParameter("AllowEffectfulEventReplays", "true"))
                .function("ReplayFunction").environment().get("EVENT_REPLAYS_MAY_SEND"));
    }

    private static Map<String, String> withParameter(String name, String value) {
        Map<String, String> parameters = new java.util.HashMap<>(RepositoryTemplate.PARAMETERS);
        parameters.put(name, value);
        return parameters;
    }
}

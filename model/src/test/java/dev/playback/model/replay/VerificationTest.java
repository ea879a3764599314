package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.store.Generations;
import dev.playback.model.store.ProcessorState;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.created;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.replay.CounterReplays.COUNT;
import static dev.playback.model.replay.CounterReplays.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A verification: the shadow rebuilt with the current logic compared with the live states, reported, then dropped. */
class VerificationTest {
    private final CounterReplays world = new CounterReplays();

    private void counters(int n) {
        for (int i = 1; i <= n; i++) world.live(created("c" + i, "acc-" + i), added("a" + i, "acc-" + i, i + ".00"));
    }

    private JsonNode report(String replayId) throws Exception {
        return EventCodec.JSON.readTree(world.reports.get("memory://reports/verify/" + replayId + ".json"));
    }

    @Test
    void shouldReportNoDrift_andDropTheShadow_whenTheLogicIsUnchanged() throws Exception {
        counters(3);

        ObjectNode out = world.run("verify", request("{\"replayId\":\"v-1\",\"processors\":[\"count\"]}"));

        assertEquals("verify v-1: 0 of 3 aggregates drifted; report memory://reports/verify/v-1.json", out.get("summary").asText());
        assertFalse(out.get("failed").asBoolean());
        assertEquals("verify", out.get("kind").asText());
        assertEquals("shadow-v-1", out.get("generation").asText());
        assertEquals(0, out.get("drifted").asInt());
        assertEquals(3, out.get("compared").asInt());
        assertEquals("memory://reports/verify/v-1.json", out.get("reportUri").asText());
        assertEquals("{\"replayId\":\"v-1\",\"generation\":\"shadow-v-1\",\"compared\":3,\"drifted\":0,\"missingInLive\":0,\"missingInShadow\":0,"
                + "\"snapshotsChecked\":0,\"aggregates\":[]}", report("v-1").toString());
        assertEquals(new Generations("g0", null, Set.of()), world.states.generations(COUNT));
        assertTrue(world.states.load(COUNT, "shadow-v-1", "acc-1").isEmpty());
        assertEquals(ReplayStatus.SUCCEEDED, world.replays.find("v-1").orElseThrow().status());
    }

    @Test
    void shouldReportEveryDriftedAggregate_andFail_whenTheNewLogicDiffers() throws Exception {
        counters(6);
        world.factor = 2;

        ObjectNode out = world.run("verify", request("{\"replayId\":\"v-1\",\"processors\":[\"count\"]}"));

        assertTrue(out.get("failed").asBoolean());
        assertEquals(6, out.get("drifted").asInt());
        assertEquals("verify v-1: 6 of 6 aggregates drifted (acc-1, acc-2, acc-3, acc-4, acc-5, …); report memory://reports/verify/v-1.json",
                out.get("summary").asText());
        JsonNode first = report("v-1").get("aggregates").get(0);
        assertEquals("{\"aggregateId\":\"acc-1\",\"processor\":\"count\",\"live\":{\"events\":2,\"cents\":100},\"rebuilt\":{\"events\":2,\"cents\":200},"
                + "\"events\":{\"from\":1,\"to\":2}}", first.toString());
    }

    @Test
    void shouldOnlyReport_whenAskedForAReportOnly() {
        counters(5);
        world.factor = 2;

        ObjectNode out = world.run("verify", request("{\"replayId\":\"v-1\",\"processors\":[\"count\"],\"reportOnly\":true}"));

        assertFalse(out.get("failed").asBoolean());
        assertEquals("verify v-1: 5 of 5 aggregates drifted (acc-1, acc-2, acc-3, acc-4, acc-5); report memory://reports/verify/v-1.json",
                out.get("summary").asText());
    }

    @Test
    void shouldCountStatesFoundOnOneSideOnly() throws Exception {
        counters(1);
        JsonNode prepared = world.actions.prepare("verify", request("{\"replayId\":\"v-1\",\"processors\":[\"count\"]}"));
        world.publishAll(prepared);
        world.deliver();
        world.states.save(new ProcessorState(COUNT, "shadow-v-1", "acc-new", 1, json("{\"events\":1,\"cents\":0}")), 0);
        world.states.save(new ProcessorState(COUNT, "g0", "acc-old", 4, json("{\"events\":4,\"cents\":0}")), 0);

        ObjectNode out = world.actions.finish("v-1");

        assertEquals(3, out.get("compared").asInt());
        JsonNode report = report("v-1");
        assertEquals(1, report.get("missingInLive").asInt());
        assertEquals(1, report.get("missingInShadow").asInt());
        assertEquals("{\"aggregateId\":\"acc-new\",\"processor\":\"count\",\"live\":null,\"rebuilt\":{\"events\":1,\"cents\":0},"
                + "\"events\":{\"from\":1,\"to\":1}}", report.get("aggregates").get(0).toString());
        assertEquals("{\"aggregateId\":\"acc-old\",\"processor\":\"count\",\"live\":{\"events\":4,\"cents\":0},\"rebuilt\":null,"
                + "\"events\":{\"from\":1,\"to\":4}}", report.get("aggregates").get(1).toString());
    }

    @Test
    void shouldBringBothSidesToTheSameVersion_whenLiveTrafficMovedOneOn() {
        counters(1);
        JsonNode prepared = world.actions.prepare("verify", request("{\"replayId\":\"v-1\",\"processors\":[\"count\"]}"));
        world.publishAll(prepared);
        world.deliver();
        world.states.stopBuilding(COUNT, "shadow-v-1");
        world.live(added("late", "acc-1", "5.00"));

        ObjectNode out = world.actions.finish("v-1");

        assertEquals(0, out.get("drifted").asInt(), out.toString());
        assertEquals(2, world.state(COUNT, "g0", "acc-1").version() - 1);
    }

    @Test
    void shouldAddTheGatewayReport_whenAProcessorHasExternalEffects() {
        counters(1);

        ObjectNode out = world.run("verify", request("{\"replayId\":\"v-1\",\"processors\":[\"tally\"],\"gatewayMode\":\"predict\"}"));

        assertEquals("verify v-1: 0 of 1 aggregates drifted; report memory://reports/verify/v-1.json; gateway predict: 0 corrections, 0 sent, "
                + "0 suppressed (report memory://reports/gateway/v-1.json)", out.get("summary").asText());
        assertEquals("predict", out.get("gateway").get("gatewayMode").asText());
    }
}

package dev.playback.lambdas.replay;

import dev.playback.model.replay.ReplayRequest;
import dev.playback.model.replay.ReplayActions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.model.replay.Replay;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who asked for a replay, and what a request through EventBridge may not do unless the deployment opted in. */
class ReplayRequestTest {
    private static final String EXECUTION = "arn:aws:states:us-east-1:111122223333:execution:PartialReplayStateMachine:exec-7";
    private final ReplayWorld world = new ReplayWorld();

    ReplayRequestTest() {
        world.live(new EventEnvelope("a1", "acc-1", LedgerEvent.ACCOUNT_OPENED, 1, null, null, Instant.parse("2026-01-01T08:00:00Z"),
                Instant.parse("2026-01-01T08:00:01Z"), json("{\"owner\":\"Ada\",\"currency\":\"EUR\"}"), null, EventMetadata.NONE));
    }

    /** The state machine's input as the ReplayRequested rule of template.yaml makes it. */
    private static Map<String, Object> throughEventBridge(Map<String, Object> detail) {
        return input("request", detail, "event", input("id", "ev-1", "source", "playback", "account", "111122223333",
                "time", "2026-02-01T10:00:00Z"));
    }

    private static Map<String, Object> findAggregates(Map<String, Object> stateMachineInput) {
        return input("action", "findAggregates", "request", stateMachineInput, "execution", EXECUTION);
    }

    private JsonNode requestedBy(String replayId) {
        return world.replays.find(replayId).orElseThrow().requestedBy();
    }

    @Test
    void refusesAnEffectfulGatewayModeRequestedThroughEventBridge_namingTheModeAndTheParameter() {
        for (String mode : List.of("diff", "allow:bank")) {
            String replayId = "p-" + mode.replace(':', '-');
            Map<String, Object> in = findAggregates(throughEventBridge(input("replayId", replayId, "aggregates", List.of("acc-1"),
                    "gatewayMode", mode)));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.call(in));

            assertTrue(e.getMessage().contains("gatewayMode '" + mode + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("AllowEffectfulEventReplays=true"), e.getMessage());
            assertTrue(e.getMessage().contains("event ev-1 from source playback, account 111122223333"), e.getMessage());
            assertTrue(world.replays.find(replayId).isEmpty(), "nothing is recorded for a refused request");
        }
    }

    @Test
    void runsAnEffectfulGatewayModeThroughEventBridgeWhenTheDeploymentOptedIn() {
        ReplayHandler optedIn = new ReplayHandler(new ReplayActions(world.ports, true));

        optedIn.handleRequest(findAggregates(throughEventBridge(input("replayId", "p-1", "aggregates", List.of("acc-1"),
                "gatewayMode", "diff"))), null);

        assertEquals("diff", world.replays.find("p-1").orElseThrow().gatewayMode());
    }

    @Test
    void runsASuppressingReplayThroughEventBridgeWithoutTheOptIn_recordingTheEventThatAskedForIt() {
        world.call(findAggregates(throughEventBridge(input("replayId", "p-2", "aggregates", List.of("acc-1"),
                "requestedBy", "cli:ada@desk"))));

        assertEquals(json("""
                {"via": "eventbridge", "eventId": "ev-1", "source": "playback", "account": "111122223333",
                 "time": "2026-02-01T10:00:00Z", "execution": "%s", "executionName": "exec-7", "claimed": "cli:ada@desk"}
                """.formatted(EXECUTION)), requestedBy("p-2"));
        assertEquals(Replay.DEFAULT_GATEWAY_MODE, world.replays.find("p-2").orElseThrow().gatewayMode());
    }

    @Test
    void anEffectfulGatewayModeFromStartExecutionNeedsNoOptIn_andTheReplayRecordsTheExecution() {
        world.call(findAggregates(input("replayId", "p-3", "aggregates", List.of("acc-1"), "gatewayMode", "diff",
                "requestedBy", "cli:ada@desk")));

        assertEquals(json("""
                {"via": "execution", "execution": "%s", "executionName": "exec-7", "claimed": "cli:ada@desk"}
                """.formatted(EXECUTION)), requestedBy("p-3"));
        assertEquals("diff", world.replays.find("p-3").orElseThrow().gatewayMode());
    }

    @Test
    void refusesToResumeAnEffectfulReplayThroughEventBridge_evenWhenTheRequestNamesNoMode() {
        world.call(findAggregates(input("replayId", "p-4", "aggregates", List.of("acc-1"), "gatewayMode", "allow:bank")));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.call(findAggregates(
                throughEventBridge(input("replayId", "p-4", "aggregates", List.of("acc-1"))))));

        assertTrue(e.getMessage().contains("gatewayMode 'allow:bank'"), e.getMessage());
        assertEquals("allow:bank", world.replays.find("p-4").orElseThrow().gatewayMode());
        assertEquals("execution", requestedBy("p-4").get("via").asText(), "the replay keeps who started it");
    }

    @Test
    void aResumeWithoutAGatewayModeKeepsTheModeTheReplayWasStartedWith() {
        world.call(findAggregates(input("replayId", "p-5", "aggregates", List.of("acc-1"), "gatewayMode", "diff")));

        world.call(findAggregates(input("replayId", "p-5", "aggregates", List.of("acc-1"))));

        assertEquals("diff", world.replays.find("p-5").orElseThrow().gatewayMode());
    }

    @Test
    void aRebuildRecordsTheExecutionThatStartedItAndWhoTheRequestSaysAskedForIt() {
        world.call(input("action", "prepare", "kind", "verify", "execution",
                "arn:aws:states:us-east-1:111122223333:execution:VerifyStateMachine:nightly-1",
                "request", input("replayId", "v-1", "requestedBy", "schedule:VerifyStateMachine.Nightly")));

        assertEquals(json("""
                {"via": "execution", "execution": "arn:aws:states:us-east-1:111122223333:execution:VerifyStateMachine:nightly-1",
                 "executionName": "nightly-1", "claimed": "schedule:VerifyStateMachine.Nightly"}
                """), requestedBy("v-1"));
    }

    @Test
    void aFailureOfAReplayStartedThroughEventBridgeIsRecordedOnItsReplay() {
        world.call(findAggregates(throughEventBridge(input("replayId", "p-6", "aggregates", List.of("acc-1")))));

        JsonNode out = world.call(input("action", "fail", "state", input("request", input("replayId", "p-6"),
                "event", input("id", "ev-1"), "error", input("Error", "States.Timeout", "Cause", "late"))));

        assertEquals("p-6", out.get("replayId").asText());
        assertEquals("FAILED", world.replays.find("p-6").orElseThrow().status().name());
    }

    @Test
    void refusesAClaimedRequesterLongerThan256Characters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.call(findAggregates(
                input("replayId", "p-7", "aggregates", List.of("acc-1"), "requestedBy", "x".repeat(257)))));

        assertTrue(e.getMessage().contains("field 'requestedBy'"), e.getMessage());
    }

    @Test
    void theOptInVariableIsTrueOrFalse_anythingElseFailsNamingIt() {
        assertEquals(false, ReplayRequest.maySend(java.util.Optional.empty()));
        assertEquals(true, ReplayRequest.maySend(java.util.Optional.of("true")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReplayRequest.maySend(java.util.Optional.of("yes")));
        assertTrue(e.getMessage().contains("EVENT_REPLAYS_MAY_SEND"), e.getMessage());
    }
}

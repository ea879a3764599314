package dev.playback.lambdas.replay;

import dev.playback.examples.ledger.LedgerEnvelopes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.store.Generations;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerificationTest {
    private final ReplayWorld world = new ReplayWorld();

    private void ledger() {
        for (int i = 1; i <= 5; i++) world.live(opened("o" + i, "acc-" + i), deposited("d" + i, "acc-" + i, i + ".00"));
    }

    private JsonNode report(String replayId) throws Exception {
        return EventCodec.JSON.readTree(world.reports.get("memory://reports/verify/" + replayId + ".json"));
    }

    @Test
    void findsNoDriftWhenTheLiveStoreMatchesARebuildAndDiscardsTheShadow() throws Exception {
        ledger();
        JsonNode prepared = world.prepare("verify", input("replayId", "v-1"));
        assertEquals("shadow-v-1", prepared.get("generation").asText());
        JsonNode finished = world.run("verify", input("replayId", "v-1"));
        assertFalse(finished.get("failed").asBoolean());
        assertEquals(0, finished.get("drifted").asInt());
        assertEquals(5, finished.get("compared").asInt());
        assertEquals("verify v-1: 0 of 5 aggregates drifted; report memory://reports/verify/v-1.json", finished.get("summary").asText());
        assertEquals(0, report("v-1").get("drifted").asInt());
        assertEquals(new Generations("g0", null, Set.of()), world.states.generations(BalancesProjection.NAME));
        int[] shadow = {0};
        world.states.forEach(BalancesProjection.NAME, "shadow-v-1", s -> shadow[0]++);
        assertEquals(0, shadow[0], "the shadow is discarded");
        assertEquals(ReplayStatus.SUCCEEDED, world.replays.find("v-1").orElseThrow().status());
    }

    @Test
    void reportsEachDriftedAggregateWithBothStatesAndFails() throws Exception {
        ledger();
        world.corrupt("g0", "acc-3", "999.00");
        JsonNode finished = world.run("verify", input("replayId", "v-2"));
        assertTrue(finished.get("failed").asBoolean());
        assertEquals(1, finished.get("drifted").asInt());
        assertEquals("verify v-2: 1 of 5 aggregates drifted (acc-3); report memory://reports/verify/v-2.json", finished.get("summary").asText());
        assertEquals("memory://reports/verify/v-2.json", finished.get("reportUri").asText());
        JsonNode report = report("v-2");
        assertEquals("shadow-v-2", report.get("generation").asText());
        assertEquals(5, report.get("compared").asInt());
        JsonNode drift = report.get("aggregates").get(0);
        assertEquals("acc-3", drift.get("aggregateId").asText());
        assertEquals("balances", drift.get("processor").asText());
        assertEquals("999.00", drift.get("live").get("balance").asText());
        assertEquals("3.00", drift.get("rebuilt").get("balance").asText());
        assertEquals("{\"from\":1,\"to\":2}", drift.get("events").toString());
        assertEquals("999.00", world.balance("g0", "acc-3"), "verification never repairs the live store");
    }

    @Test
    void onlyReportsDriftWhenAskedOnlyToReport() {
        ledger();
        world.corrupt("g0", "acc-1", "0.01");
        JsonNode finished = world.run("verify", input("replayId", "v-3", "reportOnly", true));
        assertFalse(finished.get("failed").asBoolean());
        assertEquals(1, finished.get("drifted").asInt());
    }

    @Test
    void comparesAtTheSameVersionWhenLiveTrafficMovedOn() {
        ledger();
        JsonNode prepared = world.prepare("verify", input("replayId", "v-4", "segments", 1));
        assertTrue(world.publishExecution(prepared));
        world.deliverPlayback();
        // the shadow is at version 2; live moves acc-2 to version 3 in g0 only (as if before the shadow registered)
        world.states.stopBuilding(BalancesProjection.NAME, "shadow-v-4");
        world.live(deposited("x", "acc-2", "1.00"));
        JsonNode finished = world.call(input("action", "finish", "replayId", "v-4"));
        assertEquals(0, finished.get("drifted").asInt(), finished.toString());
    }

    @Test
    void countsAggregatesMissingOnEitherSide() throws Exception {
        ledger();
        JsonNode prepared = world.prepare("verify", input("replayId", "v-5", "segments", 1));
        assertTrue(world.publishExecution(prepared));
        world.deliverPlayback();
        world.states.discard(BalancesProjection.NAME, "g0");
        world.states.save(new dev.playback.model.store.ProcessorState("balances", "g0", "ghost", 1,
                EventCodec.JSON.createObjectNode().put("balance", "1.00")), 0);
        JsonNode finished = world.call(input("action", "finish", "replayId", "v-5"));
        assertEquals(6, finished.get("drifted").asInt());
        JsonNode report = report("v-5");
        assertEquals(5, report.get("missingInLive").asInt());
        assertEquals(1, report.get("missingInShadow").asInt());
    }

    @Test
    void checksTheNewestSnapshotOfEachAggregateAgainstAFoldAndReportsOneThatDiffers() throws Exception {
        ledger();
        for (int i = 1; i <= 5; i++) world.snapshots.take(new BalancesProjection(), "acc-" + i, 2);
        var good = world.snapshotStore.latest("balances", "2", "acc-4", 2, 1).get(0);
        var tampered = ((com.fasterxml.jackson.databind.node.ObjectNode) good.state().deepCopy()).put("balance", "40.00");
        world.snapshotStore.put(new dev.playback.model.snapshot.Snapshot("balances", "2", "acc-4", 2, tampered, good.latestOccurredAt(),
                good.latestRecordedAt()));
        JsonNode finished = world.run("verify", input("replayId", "v-6"));
        assertTrue(finished.get("failed").asBoolean());
        assertEquals("verify v-6: 1 of 5 aggregates drifted (acc-4); report memory://reports/verify/v-6.json", finished.get("summary").asText());
        JsonNode report = report("v-6");
        assertEquals(5, report.get("snapshotsChecked").asInt());
        JsonNode drift = report.get("aggregates").get(0);
        assertEquals("acc-4", drift.get("aggregateId").asText());
        assertEquals(2, drift.get("snapshot").asLong());
        assertEquals("40.00", drift.get("live").get("balance").asText());
        assertEquals("4.00", drift.get("rebuilt").get("balance").asText());
    }
}

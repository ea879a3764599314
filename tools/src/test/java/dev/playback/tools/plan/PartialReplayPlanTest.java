package dev.playback.tools.plan;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan of a partial replay of 200,000 aggregates (4,000,000 events of 400 bytes), against a hand computation. */
class PartialReplayPlanTest {
    @Test
    void a_partial_replay_of_200_000_aggregates_runs_800_children_16_at_a_time() throws Exception {
        Path file = Files.createTempFile("prices", ".json");
        Files.writeString(file, BillionEventPlanTest.PRICES);
        Scope scope = new Scope(Scope.ReplayShape.PARTIAL, 4_000_000, 200_000, 1_000_000_000L, 10_000_000L, 400, "hand");
        Plan plan = Plan.of(scope, ReplayMachineModel.Settings.deployed(1, 16, 4), PriceList.of(file));
        plan.print(System.out);
        ReplayMachineModel.Prediction p = plan.prediction();
        // 200,000 aggregates / 250 per child = 800 children, 16 at once (the machine's MaxConcurrency)
        // 4,000,000 events / (16 x 2,000 events/s) = 125 s: the slowest; StartExecution 800 / 300 = 2.67 s; EventsTable
        // reads 490,625 / 40,000 = 12.27 s; the states 200,000 x 4 = 800,000 write units / 40,000 per second = 20 s
        assertTrue(p.slowest().name().startsWith("RebuildAggregates: 16 concurrent children"), p.slowest().name());
        assertEquals(125.0, p.slowest().seconds(), 0.0001);
        assertEquals(125.4, p.seconds(), 0.0001);
        // transitions: FindAggregates, AnyInScope?, the map, Report + 1 per child = 804
        assertEquals(804, p.counts().transitions(), 0);
        // Lambda: findAggregates, report, one RebuildAggregates per child = 802
        assertEquals(802, p.counts().lambdaRequests(), 0);
        // EventsTable: 4e6 x 400 / 4,096 = 390,625 units + half a unit per aggregate (its last partial unit) = 490,625
        assertEquals(490_625, p.counts().readUnits().get("EventsTable"), 0);
        // DataTable: 200,000 aggregates x 4 processors saved, + 2 per child (checkpoint and result) = 801,600
        assertEquals(801_600, p.counts().writeUnits().get("DataTable"), 0);
        // S3: the scope list and the ResultWriter's manifest and results written, the list read once
        assertEquals(3, p.counts().s3Puts(), 0);
        assertEquals(1, p.counts().s3Gets(), 0);
    }
}

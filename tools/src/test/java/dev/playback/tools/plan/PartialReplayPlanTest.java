package dev.playback.tools.plan;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan of a partial replay of 200,000 aggregates (4,000,000 events of 400 bytes), against a hand computation. */
class PartialReplayPlanTest {
    @Test
    void a_partial_replay_of_200_000_aggregates_runs_2_000_children_bounded_by_the_data_tables_write_limit() throws Exception {
        Path file = Files.createTempFile("prices", ".json");
        Files.writeString(file, BillionEventPlanTest.PRICES);
        Scope scope = new Scope(Scope.ReplayShape.PARTIAL, 4_000_000, 200_000, 1_000_000_000L, 10_000_000L, 400, "hand");
        Plan plan = Plan.of(scope, ReplayMachineModel.Settings.deployed(1, 16, 4), PriceList.of(file));
        plan.print(System.out);
        ReplayMachineModel.Prediction p = plan.prediction();
        // 200,000 aggregates / 100 per child = 2,000 children, all at once (under 10,000 and Lambda's 1,000: 1,000 at once)
        // 4,000,000 events / (1,000 x 2,000 events/s) = 2 s; StartExecution 2,000 / 300 = 6.67 s; EventsTable reads
        // 490,625 / 40,000 = 12.27 s; the states 200,000 x 4 = 800,000 write units / 40,000 per second = 20 s: the slowest
        assertTrue(p.slowest().name().startsWith("DynamoDB DataTable writes: table limit"), p.slowest().name());
        assertEquals(20.0, p.slowest().seconds(), 0.0001);
        assertEquals(20.4, p.seconds(), 0.0001);
        // transitions: FindAggregates, the map, Report, Succeeded + 2 per child = 4,004
        assertEquals(4_004, p.counts().transitions(), 0);
        // Lambda: findAggregates, report, one RebuildAggregates per child = 2,002
        assertEquals(2_002, p.counts().lambdaRequests(), 0);
        // EventsTable: 4e6 x 400 / 4,096 = 390,625 units + half a unit per aggregate (its last partial unit) = 490,625
        assertEquals(490_625, p.counts().readUnits().get("EventsTable"), 0);
        // DataTable: 200,000 aggregates x 4 processors saved, + 2 per child (checkpoint and result) = 804,000
        assertEquals(804_000, p.counts().writeUnits().get("DataTable"), 0);
        // S3: the scope list and the ResultWriter's manifest and results written, the list read once
        assertEquals(3, p.counts().s3Puts(), 0);
        assertEquals(1, p.counts().s3Gets(), 0);
    }
}

package dev.playback.tools.plan;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan of a rebuild of 1,000,000,000 events (10,000,000 aggregates, 400 bytes each) with 16 playback shards and
 * 1,000 segments, three processor functions on the playback stream writing three processors, against a hand computation.
 * Prices and quotas are this test's own (the shipped list's values as of 2026-12-01), so a price change in the shipped
 * file does not move these figures.
 */
class BillionEventPlanTest {
    static final String PRICES = """
            {"region": "test", "asOf": "2026-12-01",
             "prices": {
               "sfn.standard.transition": {"usd": 0.000025, "source": "t"}, "sfn.express.request": {"usd": 0.000001, "source": "t"},
               "sfn.express.gbSecond": {"usd": 0.00001667, "source": "t"}, "lambda.request": {"usd": 0.0000002, "source": "t"},
               "lambda.x86_64.gbSecond": {"usd": 0.0000166667, "source": "t"}, "lambda.arm64.gbSecond": {"usd": 0.0000133334, "source": "t"},
               "kinesis.shardHour": {"usd": 0.015, "source": "t"}, "kinesis.putPayloadUnit": {"usd": 0.000000014, "source": "t"},
               "dynamodb.readRequestUnit": {"usd": 0.000000125, "source": "t"}, "dynamodb.writeRequestUnit": {"usd": 0.000000625, "source": "t"},
               "s3.putRequest": {"usd": 0.000005, "source": "t"}, "s3.getRequest": {"usd": 0.0000004, "source": "t"}},
             "quotas": {
               "kinesis.shard.writeBytesPerSecond": {"value": 1048576, "source": "t"}, "kinesis.shard.writeRecordsPerSecond": {"value": 1000, "source": "t"},
               "kinesis.shard.readBytesPerSecond": {"value": 2097152, "source": "t"},
               "dynamodb.partition.writeUnitsPerSecond": {"value": 1000, "source": "t"}, "dynamodb.partition.readUnitsPerSecond": {"value": 3000, "source": "t"},
               "dynamodb.table.writeUnitsPerSecond": {"value": 40000, "source": "t"}, "dynamodb.table.readUnitsPerSecond": {"value": 40000, "source": "t"},
               "lambda.concurrency": {"value": 1000, "source": "t"}, "sfn.transitionsPerSecond": {"value": 1500, "source": "t"},
               "sfn.startExecutionPerSecond": {"value": 300, "source": "t"}, "sfn.distributedMap.children": {"value": 10000, "source": "t"}}}
            """;

    static Plan billion() throws Exception {
        Path file = Files.createTempFile("prices", ".json");
        Files.writeString(file, PRICES);
        PriceList prices = PriceList.of(file);
        Scope scope = new Scope(Scope.ReplayShape.REBUILD, 1_000_000_000L, 10_000_000L, 1_000_000_000L, 10_000_000L, 400, "hand");
        return Plan.of(scope, ReplayMachineModel.Settings.deployed(1_000, 16, 3), prices);
    }

    @Test
    void a_billion_event_rebuild_is_bounded_by_the_playback_streams_reads_and_lasts_ten_hours() throws Exception {
        Plan plan = billion();
        plan.print(System.out);
        ReplayMachineModel.Prediction p = plan.prediction();
        // pages: 1,000 segments x ceil(1e9 / 1,000 / 500) = 1,000 x 2,000; records: 10,000,000 aggregates + one per page
        // boundary inside a segment (2,000,000 - 1,000)
        assertEquals(2_000_000, p.pages(), 0);
        assertEquals(11_999_000, p.records(), 0);
        // bytes on the stream: 1e9 x 400 + 11,999,000 x 250 = 402,999,750,000; read by 3 consumers from 16 shards of 2 MiB/s:
        // 402,999,750,000 x 3 / (16 x 2,097,152) = 36,030.9854 s; the plan adds 2 s of drain
        assertTrue(p.slowest().name().startsWith("Kinesis reads: 16 shards x 2 MB/s shared by 3 consumers"), p.slowest().name());
        assertEquals(36_030.9854, p.slowest().seconds(), 0.001);
        assertEquals(36_032.9854, p.seconds(), 0.001);
        // the machine runs 2 segments per playback shard at once: 32 publishers, each segment busy
        // 36,030.9854 x 32 / 1,000 = 1,152.99 s, in calls of 20 s: 58 per segment, 58,000 in all;
        // 18,000 / 7 = 2,571 calls per child and map run -> 1 map run, 1 execution
        assertEquals(58_000, p.publishCalls(), 0);
        assertEquals(1, p.executions(), 0);
        assertTrue(p.warnings().isEmpty(), p.warnings().toString());
        // transitions: Prepare 1 + one map run x (3 + 1,000 SegmentFinished) + 2 x 58,000 + AwaitDrain/Drained? 2
        // + 3 x 2 drain waits + Finish/Outcome?/Succeeded 3 = 117,015
        assertEquals(117_015, p.counts().transitions(), 0);
        // PUT payload units: 402,999,750,000 / 11,999,000 = 33,586.11 bytes a record = 1.31196 units + 0.5 rounding
        assertEquals(21_741_677.73, p.counts().kinesisPutUnits(), 0.01);
        assertEquals(11_999_000, p.counts().kinesisRecords(), 0);
        // Lambda: replay prepare 1 + progress 1 + 58,000 + 3 drain checks + finish = 58,006; processors 3 x 16 x 36,033 (one a
        // second) = 1,729,584
        assertEquals(58_006 + 1_729_584, p.counts().lambdaRequests(), 0);
        // GB-s at 1 GB: 32 x 1,152.9915 + 6 x 0.2 = 36,896.93; processors 3 x 1e9 / 2,000 + 1,729,584 x 0.2 = 1,845,916.8
        assertEquals(36_896.93 + 1_845_916.8, p.counts().lambdaGbSeconds(), 0.1);
        // EventsTable: 2e6 pages of 200,000 bytes = 49 read units each
        assertEquals(98_000_000, p.counts().readUnits().get("EventsTable"), 0);
        // DataTable writes: 11,999,000 records x 3 processors + 2e6 checkpoints + 1,729,584 marks = 39,726,584
        assertEquals(39_726_584, p.counts().writeUnits().get("DataTable"), 0);
        // DataTable reads: 35,997,000 states + 2 x 58,000 call reads + 4 x (1 + 1,000 + 3 x 16) progress and drain reads
        // + 1,729,584 generation reads = 37,846,780
        assertEquals(37_846_780, p.counts().readUnits().get("DataTable"), 0);
        // shard hours: 16 x 36,032.9854 / 3,600 = 160.1466
        assertEquals(160.1466, p.counts().shardHours(), 0.0001);
    }

    @Test
    void a_billion_event_rebuild_costs_about_79_dollars_mostly_lambda_time_and_data_table_writes() throws Exception {
        Plan plan = billion();
        // 2.925375 transitions + 0.357518 requests + 31.380292 GB-s + 0.304383 PUT units + 2.402199 shard hours
        // + 12.25 + 4.730847 read units + 24.829115 write units (no S3 for a rebuild) = 79.179730
        assertEquals(79.179730, plan.cost().totalUsd(), 0.001);
        assertEquals(79.179730, plan.costPerMillionEvents() * 1000, 0.001);
        assertTrue(plan.cost().complete());
    }

    @Test
    void the_shipped_price_list_is_dated_and_has_every_price_and_quota_the_model_uses() throws Exception {
        PriceList shipped = PriceList.standard();
        Path file = Files.createTempFile("prices", ".json");
        Files.writeString(file, PRICES);
        PriceList needed = PriceList.of(file);
        assertEquals("2026-12-01", shipped.asOf().toString());
        for (String name : needed.prices().keySet()) {
            assertEquals(needed.price(name), shipped.price(name), 1e-15, name);
            assertTrue(shipped.prices().get(name).source().startsWith("https://aws.amazon.com/"), name);
        }
        for (String name : needed.quotas().keySet()) {
            assertEquals(needed.quota(name), shipped.quota(name), 0, name);
            assertTrue(shipped.quotas().get(name).source().startsWith("https://docs.aws.amazon.com/"), name);
        }
    }

    @Test
    void a_price_list_without_a_price_the_model_needs_names_it() throws Exception {
        Path file = Files.createTempFile("prices", ".json");
        Files.writeString(file, PRICES.replace("\"kinesis.shardHour\"", "\"kinesis.shardHours\""));
        Scope scope = new Scope(Scope.ReplayShape.REBUILD, 1_000, 10, 1_000, 10, 400, "hand");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Plan.of(scope, ReplayMachineModel.Settings.deployed(4, 2, 1), PriceList.of(file)));
        assertTrue(e.getMessage().contains("'kinesis.shardHour'") && e.getMessage().contains(file.toString()), e.getMessage());
    }
}

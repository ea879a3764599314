package dev.playback.test.adapters;


import dev.playback.lambdas.aws.dynamodb.*;
import dev.playback.lambdas.replay.*;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.event.Envelopes;
import dev.playback.model.replay.EventPage;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayKind;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.replay.SegmentCheckpoint;
import dev.playback.model.replay.TimeField;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay adapters (records and checkpoints, Scan segments, indexes) against dynalite (skipped unless {@code PLAYBACK_IT_DYNAMODB} is set). */
class DynamoReplayAdaptersIT {
    private DynamoReplayStore replays;
    private DynamoEventLog log;
    private DynamoEventIndex index;

    @BeforeEach
    void tables() {
        DynamoDbClient dynamo = Emulated.dynamoDb();
        replays = new DynamoReplayStore(dynamo, Emulated.dataTable(dynamo));
        String events = Emulated.eventsTable(dynamo);
        log = new DynamoEventLog(dynamo, events, Emulated.eventIdsTable(dynamo), new InMemoryPayloadStore());
        index = new DynamoEventIndex(dynamo, events);
    }

    @Test
    void keepsReplaysCheckpointsAndAppliedMarks() {
        Replay r = new Replay("r-1", ReplayKind.REBUILD, "g1", List.of("balances"), 4, 500, false, ReplayStatus.RUNNING,
                Instant.parse("2026-01-01T00:00:00Z"), null, null, 0, 0, 0, null, "diff", "live",
                Envelopes.json("{\"via\":\"execution\",\"executionName\":\"r-1\",\"claimed\":\"cli:ada@desk\"}"));
        assertTrue(replays.create(r));
        assertFalse(replays.create(r));
        assertEquals(r, replays.find("r-1").orElseThrow());
        assertEquals("diff", replays.find("r-1").orElseThrow().gatewayMode());
        replays.addCounts("r-1", 2, 10);
        replays.update(r.withStatus(ReplayStatus.FAILED, "boom").withResult(Envelopes.json("{\"a\":1}")));
        Replay stored = replays.find("r-1").orElseThrow();
        assertEquals(ReplayStatus.FAILED, stored.status());
        assertEquals("boom", stored.detail());
        assertEquals(2, stored.rebuilt());
        assertEquals(10, stored.events());
        assertEquals("{\"a\":1}", stored.result().toString());
        assertEquals("{\"via\":\"execution\",\"executionName\":\"r-1\",\"claimed\":\"cli:ada@desk\"}", stored.requestedBy().toString(),
                "an update keeps who requested the replay");
        replays.update(stored.withStatus(ReplayStatus.RUNNING, null));
        assertNull(replays.find("r-1").orElseThrow().detail());

        SegmentCheckpoint c = SegmentCheckpoint.start("r-1", 3).next("{\"aggregateId\":\"a\",\"version\":2}", 5,
                Map.of("shardId-000000000001", "49650000000000000000000000000000000000000000000001"));
        replays.saveCheckpoint(c);
        assertEquals(c, replays.checkpoint("r-1", 3).orElseThrow());
        assertTrue(replays.checkpoint("r-1", 2).isEmpty());

        SegmentCheckpoint start = SegmentCheckpoint.start("r-2", 0);
        SegmentCheckpoint mine = start.withOwner("exec-1");
        assertTrue(replays.advanceCheckpoint(start, mine), "the first execution claims the segment");
        SegmentCheckpoint next = mine.next("{\"k\":1}", 10, Map.of());
        assertTrue(replays.advanceCheckpoint(mine, next));
        assertEquals("exec-1", replays.checkpoint("r-2", 0).orElseThrow().owner());
        SegmentCheckpoint theirs = next.withOwner("exec-2");
        assertTrue(replays.advanceCheckpoint(next, theirs), "a resumed execution claims it");
        assertFalse(replays.advanceCheckpoint(next, next.next("{\"k\":2}", 10, Map.of())),
                "the stopped execution's publisher, still running, cannot advance it any more");
        assertEquals(theirs, replays.checkpoint("r-2", 0).orElseThrow());
        assertFalse(replays.advanceCheckpoint(start, start.withOwner("exec-3")), "a stale claim fails");

        String high = "49650000000000000000000000000000000000000000000009";
        replays.markApplied("r-1", "balances", "shardId-000000000001", high, 3);
        replays.markApplied("r-1", "balances", "shardId-000000000001", "49650000000000000000000000000000000000000000000002", 1);
        assertEquals(Map.of("shardId-000000000001", high), replays.applied("r-1", "balances", List.of("shardId-000000000001", "shardId-000000000000")));
        assertEquals(4, replays.appliedEvents("r-1", "balances"));
        assertEquals(Map.of(), replays.applied("r-1", "payouts", List.of("shardId-000000000001")), "each processor has its own marks");
        assertEquals(0, replays.appliedEvents("r-1", "payouts"));
    }

    private static EventEnvelope event(String id, String aggregateId, long version, String type, String occurred, String recorded) {
        return new EventEnvelope(id, aggregateId, type, 1, version, null, Instant.parse(occurred), Instant.parse(recorded),
                Envelopes.json("{\"amount\":\"1.00\"}"), null, EventMetadata.NONE);
    }

    @Test
    void scansEveryEventOnceInParallelSegmentsInVersionOrder() {
        List<EventEnvelope> all = new ArrayList<>();
        for (int a = 0; a < 20; a++) {
            for (int v = 1; v <= 3; v++) all.add(event("e-" + a + "-" + v, "acc-" + a, v, "MoneyDeposited", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"));
        }
        log.write(all);
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (int segment = 0; segment < 3; segment++) {
            String lastKey = null;
            Map<String, Long> versions = new HashMap<>();
            do {
                EventPage page = index.page(segment, 3, lastKey, 7);
                for (EventEnvelope e : page.events()) {
                    assertTrue(seen.add(e.eventId()), e.eventId());
                    long before = versions.getOrDefault(e.aggregateId(), 0L);
                    assertEquals(before + 1, e.version(), "version order within " + e.aggregateId());
                    versions.put(e.aggregateId(), e.version());
                    total++;
                }
                lastKey = page.lastKey();
            } while (lastKey != null);
        }
        assertEquals(60, total);
    }

    @Test
    void findsAggregatesThroughTheIndexes() {
        log.write(List.of(
                event("a1", "acc-1", 1, "AccountOpened", "2026-01-01T08:00:00Z", "2026-01-01T08:00:00.5Z"),
                event("a2", "acc-1", 2, "MoneyDeposited", "2026-01-02T10:00:00Z", "2026-01-02T10:00:00Z"),
                event("b1", "acc-2", 1, "AccountOpened", "2026-01-01T08:00:00Z", "2026-01-01T08:00:00Z"),
                event("b2", "acc-2", 2, "MoneyWithdrawn", "2026-01-03T09:00:00Z", "2026-01-03T09:00:00Z"),
                event("c1", "acc-3", 1, "MoneyDeposited", "2026-01-01T23:00:00Z", "2026-01-05T00:00:00Z")));
        assertEquals(Set.of("acc-2"), index.withTypes(List.of("MoneyWithdrawn")));
        assertEquals(Set.of("acc-1", "acc-3"), index.withTypes(List.of("MoneyDeposited")));
        assertEquals(Set.of("acc-1", "acc-3"), index.inWindow(TimeField.RECORDED_AT,
                Instant.parse("2026-01-02T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z"), List.of("MoneyDeposited")));
        assertEquals(Set.of("acc-1"), index.inWindow(TimeField.OCCURRED_AT,
                Instant.parse("2026-01-02T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z"), List.of("MoneyDeposited")));
        assertEquals(Set.of("acc-1"), index.inWindow(TimeField.RECORDED_AT,
                Instant.parse("2026-01-01T08:00:00.1Z"), Instant.parse("2026-01-01T09:00:00Z"), List.of()),
                "fractional seconds order correctly");
        assertEquals(Set.of("acc-2"), index.inWindow(TimeField.RECORDED_AT,
                Instant.parse("2026-01-03T09:00:00Z"), Instant.parse("2026-01-03T09:00:01Z"), List.of()), "since is inclusive");
        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT,
                Instant.parse("2026-01-03T08:00:00Z"), Instant.parse("2026-01-03T09:00:00Z"), List.of()), "until is exclusive");
    }
}

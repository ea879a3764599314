package dev.playback.model.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of a {@link SnapshotStore}: extend it once per implementation and supply a fresh, empty store from
 * {@link #newStore}. Ships in model's test-jar.
 */
public abstract class SnapshotStoreContract {
    private SnapshotStore store;

    protected abstract SnapshotStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    private static Snapshot snapshot(String logic, String aggregateId, long version, String balance) {
        return new Snapshot("balances", logic, aggregateId, version, json("{\"balance\":\"" + balance + "\",\"n\":" + version + "}"),
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version), Instant.parse("2026-02-01T00:00:00.123Z").plusSeconds(version));
    }

    private List<Long> versions(String logic, String aggregateId, long atMost, int limit) {
        return store.latest("balances", logic, aggregateId, atMost, limit).stream().map(Snapshot::version).toList();
    }

    @Test
    void aSnapshotReadsBackWithItsStateAndItsLatestTimes() {
        Snapshot s = snapshot("1", "acc-1", 100, "12.50");
        store.put(s);
        Snapshot back = store.latest("balances", "1", "acc-1", Long.MAX_VALUE, 5).get(0);
        assertEquals(s.version(), back.version());
        assertEquals(s.state(), back.state());
        assertEquals(Instant.parse("2026-01-01T00:01:40Z"), back.latestOccurredAt());
        assertEquals(Instant.parse("2026-02-01T00:01:40.123Z"), back.latestRecordedAt());
        assertEquals("1", back.logicVersion());
        assertEquals("acc-1", back.aggregateId());
    }

    @Test
    void latestListsNewestFirstAtOrBelowTheVersionAndAtMostTheLimit() {
        for (long v : new long[]{100, 200, 300, 400}) store.put(snapshot("1", "acc-1", v, "1.00"));
        assertEquals(List.of(400L, 300L, 200L, 100L), versions("1", "acc-1", Long.MAX_VALUE, 10));
        assertEquals(List.of(300L, 200L), versions("1", "acc-1", 399, 2));
        assertEquals(List.of(300L), versions("1", "acc-1", 300, 1));
        assertEquals(List.of(), versions("1", "acc-1", 99, 10));
    }

    @Test
    void logicVersionsAndAggregatesDoNotSeeEachOthersSnapshots() {
        store.put(snapshot("fee-v1", "acc-1", 100, "1.00"));
        store.put(snapshot("fee-v2", "acc-1", 200, "2.00"));
        store.put(snapshot("fee-v1", "acc-2", 300, "3.00"));
        assertEquals(List.of(100L), versions("fee-v1", "acc-1", Long.MAX_VALUE, 10));
        assertEquals(List.of(200L), versions("fee-v2", "acc-1", Long.MAX_VALUE, 10));
        assertEquals(List.of(300L), versions("fee-v1", "acc-2", Long.MAX_VALUE, 10));
        assertTrue(store.latest("payouts", "fee-v1", "acc-1", Long.MAX_VALUE, 10).isEmpty());
    }

    @Test
    void aSnapshotAtTheSameVersionIsReplacedAndADeletedOneIsGone() {
        store.put(snapshot("1", "acc-1", 100, "1.00"));
        store.put(snapshot("1", "acc-1", 100, "9.00"));
        store.put(snapshot("1", "acc-1", 200, "2.00"));
        JsonNode state = store.latest("balances", "1", "acc-1", 100, 1).get(0).state();
        assertEquals("9.00", state.get("balance").asText());
        store.delete("balances", "1", "acc-1", 200);
        store.delete("balances", "1", "acc-1", 700);
        assertEquals(List.of(100L), versions("1", "acc-1", Long.MAX_VALUE, 10));
    }

    @Test
    void aSnapshotWithoutALatestRecordedTimeKeepsItUnknown() {
        store.put(new Snapshot("balances", "1", "acc-1", 100, json("{}"), Instant.parse("2026-01-01T00:00:00Z"), null));
        assertNull(store.latest("balances", "1", "acc-1", 100, 1).get(0).latestRecordedAt());
    }
}

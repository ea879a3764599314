package dev.playback.model.processor;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static dev.playback.model.event.Envelopes.added;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Reads answered from the events held where they cover the versions, from the table for the rest. */
class InHandEventsTest {
    private final List<EventEnvelope> stored = new ArrayList<>();
    private final List<String> reads = new ArrayList<>();
    private final EventStore table = new EventStore() {
        @Override
        public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
            reads.add(aggregateId + "@" + fromVersion + "+" + limit);
            return stored.stream().filter(e -> e.aggregateId().equals(aggregateId) && e.versionOrZero() >= fromVersion).limit(limit).toList();
        }

        @Override
        public Map<String, EventStatus> statuses(Collection<String> eventIds) {
            return Map.of();
        }
    };

    InHandEventsTest() {
        for (int v = 1; v <= 10; v++) stored.add(added("a-" + v, "a", Integer.toString(v)).withVersion(v));
        stored.add(added("b-1", "b", "1").withVersion(1));
    }

    private static List<Long> versions(List<EventEnvelope> events) {
        return events.stream().map(EventEnvelope::version).toList();
    }

    @Test
    void heldEventsAreServedFromMemoryAndTheVersionsAroundThemFromTheTable() {
        List<EventEnvelope> held = List.of(stored.get(3), stored.get(4), stored.get(5)); // versions 4..6
        EventStore in = InHandEvents.over(table, "a", Long.MAX_VALUE, held);

        List<EventEnvelope> all = in.read("a", 1, 1000);

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), versions(all));
        assertSame(held.get(0), all.get(3));
        assertEquals(List.of("a@1+3", "a@7+994"), reads, "the table is read before and after the held run only");
        reads.clear();
        assertEquals(List.of(5L, 6L), versions(in.read("a", 5, 2)));
        assertEquals(List.of(), reads);
        assertEquals(List.of(1L), versions(in.read("b", 1, 1000)), "another aggregate is read from the table");
        assertEquals(List.of("b@1+1000"), reads);
    }

    @Test
    void anEventHeldWithoutItsPayloadIsReadFromTheTableAndTheEndOfTheStreamStopsTheRead() {
        EventEnvelope six = stored.get(5);
        EventEnvelope sixAside = new EventEnvelope(six.eventId(), "a", six.type(), six.schemaVersion(), 6L, null, six.occurredAt(),
                six.recordedAt(), null, "payloads/a/6", six.metadata());
        EventStore in = InHandEvents.over(table, "a", Long.MAX_VALUE, List.of(stored.get(4), sixAside, stored.get(9))); // 5, 6 without payload, 10

        List<EventEnvelope> fromFive = in.read("a", 5, 1000);

        assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), versions(fromFive));
        assertSame(stored.get(5), fromFive.get(1), "version 6 as the table holds it, with its payload");
        assertEquals(List.of("a@6+4", "a@11+994"), reads);
    }

    @Test
    void readsOfTheAggregateEndAtTheBound() {
        EventStore in = InHandEvents.over(table, "a", 7, List.of(stored.get(3), stored.get(4))); // 4, 5; up to 7

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), versions(in.read("a", 1, 1000)));
        assertEquals(List.of("a@1+3", "a@6+2"), reads);
        reads.clear();
        assertEquals(List.of(4L, 5L), versions(in.read("a", 4, 1000)).subList(0, 2));
        assertEquals(List.of(), versions(in.read("a", 8, 1000)), "nothing after the bound");
        assertEquals(List.of("a@6+2"), reads);
    }

    @Test
    void nothingUsableHeldIsTheTableItself() {
        assertSame(table, InHandEvents.over(table, "a", Long.MAX_VALUE, List.of()));
        assertSame(table, InHandEvents.over(table, "a", Long.MAX_VALUE, List.of(stored.get(10))), "events of another aggregate are of no use");
    }
}

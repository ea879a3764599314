package dev.playback.model.replay;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.store.EventLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of reading the events table for replays: {@link EventIndex} (aggregates through the indexes) and
 * {@link EventPages} (parallel scan segments), which one adapter implements together. Extend it once per
 * implementation and supply, from {@link #newEventsTable}, a fresh, empty events table: the {@link EventLog} that
 * writes it and the index that reads it. This class ships in model's test-jar, so an adapter module runs it as is.
 */
public abstract class EventIndexContract<I extends EventIndex & EventPages> {
    /** One empty events table: {@code log} writes it, {@code index} reads it. */
    public record EventsTable<I>(EventLog log, I index) {
    }

    private EventLog log;
    private I index;

    protected abstract EventsTable<I> newEventsTable();

    @BeforeEach
    void createTable() {
        EventsTable<I> table = newEventsTable();
        log = table.log();
        index = table.index();
    }

    private static EventEnvelope event(String id, String aggregateId, long version, String type, String occurred, String recorded) {
        return new EventEnvelope(id, aggregateId, type, 1, version, null, Instant.parse(occurred), Instant.parse(recorded),
                json("{\"amount\":\"" + version + ".00\"}"), null, EventMetadata.NONE);
    }

    private void write(EventEnvelope... events) {
        assertEquals(List.of(), log.write(List.of(events)), "every event is written");
    }

    private void someCounters() {
        write(event("a1", "acc-1", 1, "CounterCreated", "2026-01-01T08:00:00Z", "2026-01-01T08:00:00.5Z"),
                event("a2", "acc-1", 2, "CounterAdded", "2026-01-02T10:00:00Z", "2026-01-02T10:00:00Z"),
                event("b1", "acc-2", 1, "CounterCreated", "2026-01-01T08:00:00Z", "2026-01-01T08:00:00Z"),
                event("b2", "acc-2", 2, "CounterRemoved", "2026-01-03T09:00:00Z", "2026-01-03T09:00:00Z"),
                event("c1", "acc-3", 1, "CounterAdded", "2026-01-01T23:00:00Z", "2026-01-05T00:00:00Z"));
    }

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    // --- by type ---

    @Test
    void findsTheAggregatesWithAnEventOfAType() {
        someCounters();

        assertEquals(Set.of("acc-2"), index.withTypes(List.of("CounterRemoved")));
        assertEquals(Set.of("acc-1", "acc-3"), index.withTypes(List.of("CounterAdded")));
        assertEquals(Set.of("acc-1", "acc-2", "acc-3"), index.withTypes(List.of("CounterAdded", "CounterRemoved")));
    }

    @Test
    void findsNoAggregateForATypeNoEventHas_norForNoType() {
        someCounters();

        assertEquals(Set.of(), index.withTypes(List.of("CounterReset")));
        assertEquals(Set.of(), index.withTypes(List.of()));
    }

    // --- by time window ---

    @Test
    void findsTheAggregatesWithAnEventInAWindowOfEitherTime() {
        someCounters();

        assertEquals(Set.of("acc-1", "acc-3"), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-02T00:00:00Z"), at("2026-01-06T00:00:00Z"), List.of("CounterAdded")));
        assertEquals(Set.of("acc-1"), index.inWindow(TimeField.OCCURRED_AT,
                at("2026-01-02T00:00:00Z"), at("2026-01-06T00:00:00Z"), List.of("CounterAdded")));
    }

    @Test
    void findsEveryTypeInAWindowWhenNoTypeIsGiven() {
        someCounters();

        assertEquals(Set.of("acc-1", "acc-2"), index.inWindow(TimeField.OCCURRED_AT,
                at("2026-01-02T00:00:00Z"), at("2026-01-04T00:00:00Z"), List.of()));
        assertEquals(Set.of("acc-1", "acc-2", "acc-3"), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-01T00:00:00Z"), at("2026-01-06T00:00:00Z"), List.of()));
    }

    @Test
    void findsWithinAWindowOnlyTheGivenTypes() {
        someCounters();

        assertEquals(Set.of("acc-1", "acc-2"), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-01T00:00:00Z"), at("2026-01-06T00:00:00Z"), List.of("CounterCreated")));
        assertEquals(Set.of("acc-2", "acc-3"), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-03T00:00:00Z"), at("2026-01-06T00:00:00Z"), List.of("CounterRemoved", "CounterAdded")));
        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-01T00:00:00Z"), at("2026-01-06T00:00:00Z"), List.of("CounterReset")));
    }

    @Test
    void includesTheWindowsStartAndExcludesItsEnd() {
        someCounters();

        assertEquals(Set.of("acc-2"), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-03T09:00:00Z"), at("2026-01-03T09:00:01Z"), List.of()), "since is inclusive");
        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-03T08:00:00Z"), at("2026-01-03T09:00:00Z"), List.of()), "until is exclusive");
        assertEquals(Set.of("acc-3"), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-04T00:00:00Z"), at("2026-01-05T00:00:00.001Z"), List.of()), "an event at midnight is in the day it starts");
        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-04T00:00:00Z"), at("2026-01-05T00:00:00Z"), List.of()), "until at midnight excludes the event at midnight");
    }

    @Test
    void ordersFractionalSecondsByTime() {
        someCounters();

        assertEquals(Set.of("acc-1"), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-01T08:00:00.1Z"), at("2026-01-01T09:00:00Z"), List.of()));
        assertEquals(Set.of("acc-2"), index.inWindow(TimeField.RECORDED_AT,
                at("2026-01-01T08:00:00Z"), at("2026-01-01T08:00:00.5Z"), List.of()));
    }

    @Test
    void findsAnEventOnEveryDayOfAWindowOfSeveralDays() {
        write(event("x1", "acc-x", 1, "CounterAdded", "2026-02-01T23:59:59.999Z", "2026-02-01T23:59:59.999Z"),
                event("y1", "acc-y", 1, "CounterAdded", "2026-02-15T12:00:00Z", "2026-02-15T12:00:00Z"),
                event("z1", "acc-z", 1, "CounterAdded", "2026-03-03T00:00:00Z", "2026-03-03T00:00:00Z"));

        assertEquals(Set.of("acc-x", "acc-y", "acc-z"), index.inWindow(TimeField.OCCURRED_AT,
                at("2026-02-01T12:00:00Z"), at("2026-03-03T00:00:01Z"), List.of()));
        assertEquals(Set.of("acc-y"), index.inWindow(TimeField.OCCURRED_AT,
                at("2026-02-02T00:00:00Z"), at("2026-03-03T00:00:00Z"), List.of()));
    }

    @Test
    void findsNothingInAnEmptyWindow() {
        someCounters();

        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT, at("2026-01-03T09:00:00Z"), at("2026-01-03T09:00:00Z"), List.of()));
        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT, at("2026-01-04T00:00:00Z"), at("2026-01-01T00:00:00Z"), List.of()),
                "since after until");
    }

    @Test
    void findsNoAggregateWhoseEventsOfTheDayLieBeforeAndAfterTheWindowButNoneInIt() {
        write(event("s1", "acc-s", 1, "CounterAdded", "2026-04-01T01:10:00Z", "2026-04-01T01:10:00Z"),
                event("s2", "acc-s", 2, "CounterRemoved", "2026-04-01T12:20:00Z", "2026-04-01T12:20:00Z"),
                event("s3", "acc-s", 3, "CounterAdded", "2026-04-01T22:50:00Z", "2026-04-01T22:50:00Z"));

        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT, at("2026-04-01T05:00:00Z"), at("2026-04-01T06:00:00Z"), List.of()),
                "no event between 05:00 and 06:00");
        assertEquals(Set.of(), index.inWindow(TimeField.OCCURRED_AT, at("2026-04-01T01:15:00Z"), at("2026-04-01T22:45:00Z"),
                List.of("CounterAdded")), "the only event in the window is of another type");
        assertEquals(Set.of("acc-s"), index.inWindow(TimeField.OCCURRED_AT, at("2026-04-01T01:15:00Z"), at("2026-04-01T22:45:00Z"),
                List.of("CounterRemoved")));
        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT, at("2026-04-01T01:10:00.001Z"), at("2026-04-01T01:59:59Z"), List.of()),
                "the window starts just after the event of its hour");
        assertEquals(Set.of("acc-s"), index.inWindow(TimeField.RECORDED_AT, at("2026-04-01T22:50:00Z"), at("2026-04-01T22:50:00.001Z"), List.of()));
    }

    @Test
    void findsEventsWrittenInSeveralWritesOfOneAggregate_earlierAndLaterAndOfNewTypes() {
        write(event("w1", "acc-w", 1, "CounterAdded", "2026-05-02T12:00:00Z", "2026-05-02T12:00:00Z"));
        write(event("w2", "acc-w", 2, "CounterAdded", "2026-05-02T03:00:00Z", "2026-05-02T20:00:00Z"));
        write(event("w3", "acc-w", 3, "CounterReset", "2026-05-02T12:30:00Z", "2026-05-02T12:30:00Z"));

        assertEquals(Set.of("acc-w"), index.inWindow(TimeField.OCCURRED_AT, at("2026-05-02T03:00:00Z"), at("2026-05-02T04:00:00Z"), List.of()));
        assertEquals(Set.of("acc-w"), index.inWindow(TimeField.RECORDED_AT, at("2026-05-02T19:00:00Z"), at("2026-05-02T21:00:00Z"),
                List.of("CounterAdded")));
        assertEquals(Set.of(), index.inWindow(TimeField.RECORDED_AT, at("2026-05-02T19:00:00Z"), at("2026-05-02T21:00:00Z"),
                List.of("CounterReset")));
        assertEquals(Set.of("acc-w"), index.withTypes(List.of("CounterReset")));
    }

    @Test
    void findsManyAggregatesOfOneTypeAndDay() {
        List<EventEnvelope> many = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int a = 0; a < 150; a++) {
            many.add(event("m-" + a, "many-" + a, 1, "CounterCreated", "2026-06-01T10:00:00Z", "2026-06-01T10:00:00Z"));
            expected.add("many-" + a);
        }
        write(many.toArray(EventEnvelope[]::new));

        assertEquals(expected, index.withTypes(List.of("CounterCreated")));
        assertEquals(expected, index.inWindow(TimeField.RECORDED_AT, at("2026-06-01T00:00:00Z"), at("2026-06-02T00:00:00Z"), List.of()));
        assertEquals(150, index.aggregateCount());
    }

    // --- counting aggregates ---

    @Test
    void countsNoAggregateInAnEmptyTable() {
        assertEquals(0, index.aggregateCount());
    }

    @Test
    void countsEachAggregateWithAnEventOnce_howeverManyEventsTypesAndDaysItHas() {
        someCounters();
        write(event("a3", "acc-1", 3, "CounterAdded", "2026-02-10T10:00:00Z", "2026-02-10T10:00:00Z"));

        assertEquals(3, index.aggregateCount());
    }

    // --- scan segments ---

    @Test
    void scansNothingInAnEmptyTable() {
        EventPage page = index.page(0, 1, null, 10);

        assertEquals(List.of(), page.events());
        assertNull(page.lastKey());
    }

    /** {@code aggregates} aggregates of {@code versions} events each, written; ids {@code <prefix>-<a>-<v>}. */
    private List<EventEnvelope> accounts(String prefix, int aggregates, int versions) {
        List<EventEnvelope> all = new ArrayList<>();
        for (int a = 0; a < aggregates; a++) {
            for (int v = 1; v <= versions; v++) {
                all.add(event(prefix + "-" + a + "-" + v, prefix + "-acc-" + a, v, "CounterAdded", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"));
            }
        }
        write(all.toArray(EventEnvelope[]::new));
        return all;
    }

    /** The pages of one segment, read from the start until the last key is null. */
    private List<EventPage> scan(int segment, int totalSegments, int limit) {
        List<EventPage> pages = new ArrayList<>();
        String lastKey = null;
        do {
            EventPage page = index.page(segment, totalSegments, lastKey, limit);
            pages.add(page);
            lastKey = page.lastKey();
        } while (lastKey != null);
        return pages;
    }

    @Test
    void scansEveryEventOnceInParallelSegments_inVersionOrderPerAggregate() {
        List<EventEnvelope> all = accounts("e", 20, 3);

        Set<String> seen = new HashSet<>();
        Map<String, Integer> segmentOf = new HashMap<>();
        List<EventEnvelope> scanned = new ArrayList<>();
        for (int segment = 0; segment < 3; segment++) {
            Map<String, Long> versions = new HashMap<>();
            for (EventPage page : scan(segment, 3, 7)) {
                assertTrue(page.events().size() <= 7, "a page holds at most the limit: " + page.events().size());
                for (EventEnvelope e : page.events()) {
                    assertTrue(seen.add(e.eventId()), "scanned twice: " + e.eventId());
                    assertEquals(versions.getOrDefault(e.aggregateId(), 0L) + 1, e.version(), "version order within " + e.aggregateId());
                    versions.put(e.aggregateId(), e.version());
                    Integer before = segmentOf.put(e.aggregateId(), segment);
                    assertTrue(before == null || before == segment, e.aggregateId() + " is in one segment");
                    scanned.add(e);
                }
            }
        }

        assertEquals(60, scanned.size());
        assertEquals(new HashSet<>(all), new HashSet<>(scanned), "the events as written");
    }

    @Test
    void scansOneSegmentToTheSameEventsWhateverThePageSize() {
        Set<String> written = new HashSet<>();
        accounts("p", 5, 4).forEach(e -> written.add(e.eventId()));

        for (int limit : new int[] {1, 3, 20, 100}) {
            List<String> ids = new ArrayList<>();
            for (EventPage page : scan(0, 1, limit)) page.events().forEach(e -> ids.add(e.eventId()));

            assertEquals(20, ids.size(), "page size " + limit);
            assertEquals(written, new HashSet<>(ids), "page size " + limit);
        }
    }
}

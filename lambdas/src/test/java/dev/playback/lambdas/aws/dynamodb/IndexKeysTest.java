package dev.playback.lambdas.aws.dynamodb;

import dev.playback.lambdas.aws.dynamodb.IndexKeys.DaySpan;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.event.Envelopes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexKeysTest {
    private static EventEnvelope event(String aggregateId, long version, String type, String occurred, String recorded) {
        return new EventEnvelope(aggregateId + "-" + version, aggregateId, type, 1, version, null, Instant.parse(occurred),
                recorded == null ? null : Instant.parse(recorded), Envelopes.json("{}"), null, EventMetadata.NONE);
    }

    @Test
    void bucketsAnAggregateByTheCrc32OfItsIdModTheBucketCount() {
        // CRC-32 (IEEE) of "acc-1" is 0x7086DEA1 = 1887887009, of "bench-7" 0x08BEE8E2 = 146729186 (Python's zlib.crc32)
        assertEquals(1, IndexKeys.bucket("acc-1", 32));
        assertEquals(2, IndexKeys.bucket("bench-7", 32));
        assertEquals(9, IndexKeys.bucket("acc-1", 1000));
        assertEquals(0, IndexKeys.bucket("acc-1", 1));
    }

    @Test
    void describesAnAggregatesEventsWithOneEntryPerTypeDayAndTheAggregate_theDaysCarryingTypesAndWholeHours() {
        String b = Integer.toString(IndexKeys.bucket("acc-1", 32));
        Map<String, DaySpan> entries = IndexKeys.entries(List.of(
                event("acc-1", 1, "Opened", "2026-03-01T10:15:00Z", "2026-03-01T10:15:01Z"),
                event("acc-1", 2, "Deposited", "2026-03-01T08:59:59.999Z", "2026-03-02T00:00:00Z"),
                event("acc-1", 3, "Deposited", "2026-03-01T13:00:00Z", "2026-03-02T00:30:00Z")), 32);

        Map<String, DaySpan> expected = new LinkedHashMap<>();
        expected.put("a#" + b + "\nacc-1", null);
        expected.put("t#Opened#" + b + "\nacc-1", null);
        expected.put("o#2026-03-01#" + b + "\nacc-1", new DaySpan(new TreeSet<>(List.of("Deposited", "Opened")),
                "2026-03-01T08:00:00.000000000Z", "2026-03-01T13:00:00.000000000Z"));
        expected.put("r#2026-03-01#" + b + "\nacc-1", new DaySpan(new TreeSet<>(List.of("Opened")),
                "2026-03-01T10:00:00.000000000Z", "2026-03-01T10:00:00.000000000Z"));
        expected.put("t#Deposited#" + b + "\nacc-1", null);
        expected.put("r#2026-03-02#" + b + "\nacc-1", new DaySpan(new TreeSet<>(List.of("Deposited")),
                "2026-03-02T00:00:00.000000000Z", "2026-03-02T00:00:00.000000000Z"));
        assertEquals(expected, entries);
    }

    @Test
    void writesNoRecordedDayForAnEventWithoutARecordedTime() {
        Map<String, DaySpan> entries = IndexKeys.entries(List.of(event("acc-2", 1, "Opened", "2026-03-01T10:15:00Z", null)), 32);

        assertEquals(3, entries.size());
        assertTrue(entries.keySet().stream().noneMatch(k -> k.startsWith("r#")), entries.keySet().toString());
    }

    @Test
    void aSpanCoversAnotherOnlyWithAllItsTypesAndHours() {
        DaySpan wide = new DaySpan(new TreeSet<>(List.of("A", "B")), "2026-03-01T08:00:00.000000000Z", "2026-03-01T13:00:00.000000000Z");

        assertTrue(wide.covers(new DaySpan(new TreeSet<>(List.of("A")), "2026-03-01T08:00:00.000000000Z", "2026-03-01T09:00:00.000000000Z")));
        assertFalse(wide.covers(new DaySpan(new TreeSet<>(List.of("C")), "2026-03-01T08:00:00.000000000Z", "2026-03-01T09:00:00.000000000Z")),
                "a new type");
        assertFalse(wide.covers(new DaySpan(new TreeSet<>(List.of("A")), "2026-03-01T07:00:00.000000000Z", "2026-03-01T07:00:00.000000000Z")),
                "an earlier hour");
        assertFalse(wide.covers(new DaySpan(new TreeSet<>(List.of("B")), "2026-03-01T14:00:00.000000000Z", "2026-03-01T14:00:00.000000000Z")),
                "a later hour");
    }

    @Test
    void writesTheLastHourOfTheLastDayThatCanBeStoredInTimeOrder() {
        Map<String, DaySpan> entries = IndexKeys.entries(List.of(event("acc-3", 1, "Opened", "9999-12-31T23:59:59.999999999Z", null)), 32);

        DaySpan span = entries.get("o#9999-12-31#" + IndexKeys.bucket("acc-3", 32) + "\nacc-3");
        assertEquals(new DaySpan(new TreeSet<>(List.of("Opened")), "9999-12-31T23:00:00.000000000Z", "9999-12-31T23:00:00.000000000Z"), span);
    }
}

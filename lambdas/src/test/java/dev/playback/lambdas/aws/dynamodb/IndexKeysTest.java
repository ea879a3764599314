package dev.playback.lambdas.aws.dynamodb;

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
    void describesAnAggregatesEventsWithOneEntryPerTypeDayAndTheAggregate_theDaysCarryingTheirTypesOnly() {
        String b = Integer.toString(IndexKeys.bucket("acc-1", 32));
        Map<String, TreeSet<String>> entries = IndexKeys.entries(List.of(
                event("acc-1", 1, "Opened", "2026-03-01T10:15:00Z", "2026-03-01T10:15:01Z"),
                event("acc-1", 2, "Deposited", "2026-03-01T08:59:59.999Z", "2026-03-02T00:00:00Z"),
                event("acc-1", 3, "Deposited", "2026-03-01T13:00:00Z", "2026-03-02T00:30:00Z")), 32);

        Map<String, TreeSet<String>> expected = new LinkedHashMap<>();
        expected.put("a#" + b + "\nacc-1", null);
        expected.put("t#Opened#" + b + "\nacc-1", null);
        expected.put("o#2026-03-01#" + b + "\nacc-1", new TreeSet<>(List.of("Deposited", "Opened")));
        expected.put("r#2026-03-01#" + b + "\nacc-1", new TreeSet<>(List.of("Opened")));
        expected.put("t#Deposited#" + b + "\nacc-1", null);
        expected.put("r#2026-03-02#" + b + "\nacc-1", new TreeSet<>(List.of("Deposited")));
        assertEquals(expected, entries);
    }

    @Test
    void describesEventsOfOneTypeAndDayInDifferentHoursWithTheSameEntries() {
        List<EventEnvelope> morning = List.of(event("acc-4", 1, "Deposited", "2026-03-01T00:00:00Z", "2026-03-01T00:00:01Z"));
        List<EventEnvelope> evening = List.of(event("acc-4", 2, "Deposited", "2026-03-01T23:59:59Z", "2026-03-01T23:59:59.5Z"));

        assertEquals(IndexKeys.entries(morning, 32), IndexKeys.entries(evening, 32));
    }

    @Test
    void writesNoRecordedDayForAnEventWithoutARecordedTime() {
        Map<String, TreeSet<String>> entries = IndexKeys.entries(List.of(event("acc-2", 1, "Opened", "2026-03-01T10:15:00Z", null)), 32);

        assertEquals(3, entries.size());
        assertTrue(entries.keySet().stream().noneMatch(k -> k.startsWith("r#")), entries.keySet().toString());
    }

    @Test
    void writesTheLastDayThatCanBeStoredInTimeOrder() {
        Map<String, TreeSet<String>> entries = IndexKeys.entries(List.of(event("acc-3", 1, "Opened", "9999-12-31T23:59:59.999999999Z", null)), 32);

        assertEquals(new TreeSet<>(List.of("Opened")), entries.get("o#9999-12-31#" + IndexKeys.bucket("acc-3", 32) + "\nacc-3"));
    }
}

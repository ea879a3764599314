package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.event.Envelopes;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventItemsTest {
    @Test
    void readsBackTheEventItWrote_withoutTheKeysOfTheFormerIndexes() {
        EventEnvelope e = new EventEnvelope("e-1", "acc-7", "MoneyDeposited", 1, 12L, null,
                Instant.parse("2026-01-31T23:30:00Z"), Instant.parse("2026-02-01T00:00:00.25Z"),
                Envelopes.json("{\"amount\":\"1.00\"}"), null, EventMetadata.NONE);
        var item = EventItems.toItem(e);
        assertEquals(java.util.Set.of("aggregateId", "version", "eventId", "type", "schemaVersion", "occurredAt", "recordedAt", "payload"),
                item.keySet());
        assertEquals("MoneyDeposited", item.get("type").s());
        assertEquals(e, EventItems.fromItem(item));
    }

    @Test
    void readsAnEventWrittenBeforeTheIndexTable_ignoringTheKeysOfTheFormerIndexes() {
        EventEnvelope e = new EventEnvelope("e-2", "acc-7", "MoneyDeposited", 1, 13L, null,
                Instant.parse("2026-01-31T23:30:00Z"), Instant.parse("2026-02-01T00:00:00.25Z"),
                Envelopes.json("{\"amount\":\"2.00\"}"), null, EventMetadata.NONE);
        var item = new java.util.HashMap<>(EventItems.toItem(e));
        item.put("recordedDay", EventItems.s("2026-02-01"));
        item.put("recordedKey", EventItems.s("2026-02-01T00:00:00.250000000Z#acc-7#13"));
        item.put("occurredDay", EventItems.s("2026-01-31"));
        item.put("occurredKey", EventItems.s("2026-01-31T23:30:00.000000000Z#acc-7#13"));

        assertEquals(e, EventItems.fromItem(item));
    }
}

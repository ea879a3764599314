package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.event.Envelopes;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventItemsTest {
    @Test
    void writesTheKeysOfTheReplayIndexesInUtcWithAFixedWidthTime() {
        EventEnvelope e = new EventEnvelope("e-1", "acc-7", "MoneyDeposited", 1, 12L, null,
                Instant.parse("2026-01-31T23:30:00Z"), Instant.parse("2026-02-01T00:00:00.25Z"),
                Envelopes.json("{\"amount\":\"1.00\"}"), null, EventMetadata.NONE);
        var item = EventItems.toItem(e);
        assertEquals("2026-02-01", item.get("recordedDay").s());
        assertEquals("2026-02-01T00:00:00.250000000Z#acc-7#12", item.get("recordedKey").s());
        assertEquals("2026-01-31", item.get("occurredDay").s());
        assertEquals("2026-01-31T23:30:00.000000000Z#acc-7#12", item.get("occurredKey").s());
        assertEquals("MoneyDeposited", item.get("type").s());
        assertTrue("2026-02-01T00:00:00.000000000Z".compareTo(item.get("recordedKey").s()) < 0);
        assertEquals(e, EventItems.fromItem(item), "the index keys do not change what is read back");
    }
}

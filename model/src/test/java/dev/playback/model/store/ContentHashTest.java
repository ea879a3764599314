package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.expecting;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The stored hash format, pinned by golden values (SHA-256 of the canonical text, computed outside Java). */
class ContentHashTest {
    @Test
    void hashesTheCanonicalContentOfAnEvent() {
        // sha256('{"aggregateId":"acc-1","payload":{"amount":"1.00"},"schemaVersion":1,"type":"CounterAdded"}')
        assertEquals("sha256:50ea9d305ccd9849d752717a2ac81ec39c7b853a5ddeb271ba42acb4b0b6c135",
                ContentHash.of(added("e-1", "acc-1", "1.00")));
    }

    @Test
    void sortsPayloadKeysSoTheirOrderInTheRequestDoesNotMatter() {
        // sha256('{"aggregateId":"acc-1","payload":{"name":"Ann","unit":"items"},"schemaVersion":1,"type":"CounterCreated"}')
        String golden = "sha256:6db931ac83d26a8112a6a2ae4278b4a9f83dd5d839bfbb4fdd5e6b7011ff134b";
        assertEquals(golden, ContentHash.of(event("e-1", "acc-1", "CounterCreated", json("{\"name\":\"Ann\",\"unit\":\"items\"}"))));
        assertEquals(golden, ContentHash.of(event("e-1", "acc-1", "CounterCreated", json("{\"unit\":\"items\",\"name\":\"Ann\"}"))));
    }

    @Test
    void hashesTheReferenceOfAClaimCheckedPayload() {
        EventEnvelope e = new EventEnvelope("e", "acc-2", "CounterAdded", 2, null, null, T0, T0, null,
                "s3://b/payloads/acc-2/e.json", EventMetadata.NONE);
        // sha256('{"aggregateId":"acc-2","payloadRef":"s3://b/payloads/acc-2/e.json","schemaVersion":2,"type":"CounterAdded"}')
        assertEquals("sha256:816a24059cf7e169e5b70b163fd422149ac8135a010a881a2702b350e99ec3a1", ContentHash.of(e));
    }

    @Test
    void leavesOutTheIdTimesAndExpectedVersionButNotTheAggregateOrPayload() {
        EventEnvelope e = added("e-1", "acc-1", "1.00");
        EventEnvelope resent = new EventEnvelope("e-other", "acc-1", e.type(), 1, 7L, null, Instant.EPOCH, Instant.EPOCH,
                e.payload(), null, EventMetadata.NONE);
        assertEquals(ContentHash.of(e), ContentHash.of(resent));
        assertEquals(ContentHash.of(e), ContentHash.of(expecting(e, 3)));
        assertNotEquals(ContentHash.of(e), ContentHash.of(added("e-1", "acc-2", "1.00")));
        assertNotEquals(ContentHash.of(e), ContentHash.of(added("e-1", "acc-1", "1.01")));
    }
    @Test
    void sortsTheKeysOfObjectsInsideArraysAndKeepsTheArraysOrder() {
        // sha256('{"aggregateId":"acc-1","payload":{"items":[{"a":2,"b":1},3]},"schemaVersion":1,"type":"CounterAdded"}')
        assertEquals("sha256:7e0259176bddef8c7a1120e1b8f9bad1172731673074c721d1adf7945b7e7d8d",
                ContentHash.of(event("e-1", "acc-1", "CounterAdded", json("{\"items\":[{\"b\":1,\"a\":2},3]}"))));
    }
}

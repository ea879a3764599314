package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.expecting;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The stored hash format, pinned by golden values (SHA-256 of the canonical text, computed outside Java). */
class ContentHashTest {
    @Test
    void hashesTheCanonicalContentOfADeposit() {
        // sha256('{"aggregateId":"acc-1","payload":{"amount":"1.00"},"schemaVersion":1,"type":"MoneyDeposited"}')
        assertEquals("sha256:47b3c75e697a4efda66b381cae6dcd1935ce9d7795d2d92217c5363e7776d838",
                ContentHash.of(deposited("e-1", "acc-1", "1.00")));
    }

    @Test
    void sortsPayloadKeysSoTheirOrderInTheRequestDoesNotMatter() {
        // sha256('{"aggregateId":"acc-1","payload":{"currency":"EUR","owner":"Ann"},"schemaVersion":1,"type":"AccountOpened"}')
        String golden = "sha256:737fe973ef34971436cf3f837089bf1a2cba1bc0d2ed9d39cfdcebe2f8aea693";
        assertEquals(golden, ContentHash.of(event("e-1", "acc-1", "AccountOpened", json("{\"owner\":\"Ann\",\"currency\":\"EUR\"}"))));
        assertEquals(golden, ContentHash.of(event("e-1", "acc-1", "AccountOpened", json("{\"currency\":\"EUR\",\"owner\":\"Ann\"}"))));
    }

    @Test
    void hashesTheReferenceOfAClaimCheckedPayload() {
        EventEnvelope e = new EventEnvelope("e", "acc-2", "MoneyDeposited", 2, null, null, T0, T0, null,
                "s3://b/payloads/acc-2/e.json", EventMetadata.NONE);
        // sha256('{"aggregateId":"acc-2","payloadRef":"s3://b/payloads/acc-2/e.json","schemaVersion":2,"type":"MoneyDeposited"}')
        assertEquals("sha256:eec6848d5419de2fa5b0ce061614a55d6cb46cd41fb0fae7012cf898d1ad013d", ContentHash.of(e));
    }

    @Test
    void leavesOutTheIdTimesAndExpectedVersionButNotTheAggregateOrPayload() {
        EventEnvelope e = deposited("e-1", "acc-1", "1.00");
        EventEnvelope resent = new EventEnvelope("e-other", "acc-1", e.type(), 1, 7L, null, Instant.EPOCH, Instant.EPOCH,
                e.payload(), null, EventMetadata.NONE);
        assertEquals(ContentHash.of(e), ContentHash.of(resent));
        assertEquals(ContentHash.of(e), ContentHash.of(expecting(e, 3)));
        assertNotEquals(ContentHash.of(e), ContentHash.of(deposited("e-1", "acc-2", "1.00")));
        assertNotEquals(ContentHash.of(e), ContentHash.of(deposited("e-1", "acc-1", "1.01")));
    }
}

package dev.playback.model.event;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.LedgerEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UpcastTest {
    private final EventCatalog catalog = Ledger.catalog();

    @Test
    void aSchemaOneDepositWithValueIsReadAsTheCurrentShape() {
        EventEnvelope old = new EventEnvelope("e-1", "acc-1", LedgerEvent.MONEY_DEPOSITED, 1, 2L, null, Envelopes.T0, Envelopes.T0,
                Envelopes.json("{\"value\":\"12.50\"}"), null, EventMetadata.NONE);
        EventEnvelope current = catalog.upcast(old);
        assertEquals(2, current.schemaVersion());
        assertEquals("{\"amount\":\"12.50\"}", current.payload().toString());
        assertEquals("{\"value\":\"12.50\"}", old.payload().toString(), "the stored event is not changed");
    }

    @Test
    void aSchemaOneDepositAlreadyWrittenWithAmountPassesUnchanged() {
        EventEnvelope old = LedgerEnvelopes.deposited("e-1", "acc-1", "3.00");
        assertEquals("{\"amount\":\"3.00\"}", catalog.upcast(old).payload().toString());
    }

    @Test
    void aClientMayStillPostTheOldShape() {
        Submission s = new Submission(catalog, () -> "id-1");
        EventEnvelope e = s.parseOne(Envelopes.json("{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"schemaVersion\":1,"
                + "\"payload\":{\"value\":\"7.00\"}}"), Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals(1, e.schemaVersion());
        assertEquals("7.00", catalog.upcast(e).payload().path("amount").asText());
    }
}

package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;

/** Test events of the ledger, with the fixed times of {@link dev.playback.model.event.Envelopes}. */
public final class LedgerEnvelopes {
    private LedgerEnvelopes() {
    }

    public static EventEnvelope opened(String eventId, String aggregateId) {
        return event(eventId, aggregateId, LedgerEvent.ACCOUNT_OPENED, json("{\"owner\":\"Ada\",\"currency\":\"EUR\"}"));
    }

    public static EventEnvelope deposited(String eventId, String aggregateId, String amount) {
        return event(eventId, aggregateId, LedgerEvent.MONEY_DEPOSITED, json("{\"amount\":\"" + amount + "\"}"));
    }

    public static EventEnvelope withdrawn(String eventId, String aggregateId, String amount) {
        return event(eventId, aggregateId, LedgerEvent.MONEY_WITHDRAWN, json("{\"amount\":\"" + amount + "\"}"));
    }
}

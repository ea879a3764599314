package dev.playback.lambdas;

import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.model.event.Envelopes;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventType;

import java.util.ArrayList;
import java.util.List;

/** The sample ledger's event types and {@link Envelopes#DOCUMENT} (a free-form type for payloads of any size). */
public final class LedgerAndDocuments {
    private LedgerAndDocuments() {
    }

    public static EventCatalog catalog() {
        List<EventType> types = new ArrayList<>(LedgerEvent.types());
        types.add(Envelopes.DOCUMENT);
        return new EventCatalog(types);
    }
}

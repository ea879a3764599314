package dev.playback.model.ledger;

import dev.playback.model.event.EventCatalog;
import dev.playback.model.processor.Processor;

import java.util.List;

/** The sample domain, assembled: its event catalog and its processors. Copy it for your own domain. */
public final class Ledger {
    private Ledger() {
    }

    public static EventCatalog catalog() {
        return new EventCatalog(LedgerEvent.types());
    }

    public static List<Processor<?>> processors() {
        return List.of(new BalancesProjection());
    }
}

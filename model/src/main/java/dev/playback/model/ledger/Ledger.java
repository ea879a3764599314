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

    /** The processors without external effects (the projections). */
    public static List<Processor<?>> processors() {
        return List.of(new BalancesProjection());
    }

    /** The processor with external effects, with the fee rule of the deployment (template parameter FeeRule). */
    public static PayoutsProcessor payouts(FeeRule feeRule) {
        return new PayoutsProcessor(feeRule);
    }
}

package dev.playback.examples.ledger;

import dev.playback.model.domain.Domain;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.domain.Settings;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventType;
import dev.playback.model.processor.Processor;

import java.net.URI;
import java.util.List;

/**
 * The sample ledger domain: accounts with deposits, withdrawals and payouts ({@link LedgerEvent}), the
 * {@code balances} projection, and the {@code payouts} processor that asks the FX service for rates and sends payouts
 * to the partner bank. Named in the template as {@code PLAYBACK_DOMAINS: dev.playback.examples.ledger.Ledger}.
 *
 * <p>The settings of {@code payouts}: {@code FEE_RULE} ({@code v1} or {@code v2}), {@code FX_URL}, {@code BANK_URL}
 * and, optionally, {@code FX_CREDENTIALS_SECRET} / {@code BANK_CREDENTIALS_SECRET} (secrets holding the
 * {@code Authorization} header each system expects).
 */
public final class Ledger implements Domain {
    public static final String FEE_RULE = "FEE_RULE";
    public static final String FX_URL = "FX_URL";
    public static final String BANK_URL = "BANK_URL";
    public static final String FX_SECRET = "FX_CREDENTIALS_SECRET";
    public static final String BANK_SECRET = "BANK_CREDENTIALS_SECRET";

    @Override
    public String name() {
        return "ledger";
    }

    @Override
    public List<EventType> eventTypes() {
        return List.copyOf(LedgerEvent.types());
    }

    @Override
    public List<Processor<?>> projections() {
        return processors();
    }

    @Override
    public List<EffectfulProcessor> effectfulProcessors() {
        return List.of(new EffectfulProcessor(PayoutsProcessor.NAME,
                s -> payouts(FeeRule.parse(s.require(FEE_RULE))),
                Ledger::externalSystems));
    }

    /** The FX service and the partner bank over HTTP, with the credentials the settings name. */
    static HttpExternalSystems externalSystems(Settings s) {
        return new HttpExternalSystems(URI.create(s.require(FX_URL)), URI.create(s.require(BANK_URL)),
                s.secret(FX_SECRET), s.secret(BANK_SECRET));
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

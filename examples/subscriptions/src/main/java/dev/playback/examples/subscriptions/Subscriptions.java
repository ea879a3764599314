package dev.playback.examples.subscriptions;

import dev.playback.model.domain.Domain;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.domain.Settings;
import dev.playback.model.event.EventType;
import dev.playback.model.processor.Processor;

import java.net.URI;
import java.util.List;

/**
 * The sample subscriptions domain: subscriptions with plan changes, cancellations and monthly invoices
 * ({@link SubscriptionEvent}), the {@code subscriptions} projection, and the {@code invoicing} processor that prorates
 * each month, asks the tax service for the rate and sends the invoice to the invoice service. Written only against
 * {@link Domain}; named in the template as {@code PLAYBACK_DOMAINS: ...,dev.playback.examples.subscriptions.Subscriptions}.
 *
 * <p>The settings of {@code invoicing}: {@code PRORATION_RULE} ({@code v1} or {@code v2}), {@code TAX_URL},
 * {@code INVOICE_URL} and, optionally, {@code TAX_CREDENTIALS_SECRET} / {@code INVOICE_CREDENTIALS_SECRET} (secrets
 * holding the {@code Authorization} header each system expects).
 */
public final class Subscriptions implements Domain {
    public static final String PRORATION_RULE = "PRORATION_RULE";
    public static final String TAX_URL = "TAX_URL";
    public static final String INVOICE_URL = "INVOICE_URL";
    public static final String TAX_SECRET = "TAX_CREDENTIALS_SECRET";
    public static final String INVOICE_SECRET = "INVOICE_CREDENTIALS_SECRET";

    @Override
    public String name() {
        return "subscriptions";
    }

    @Override
    public List<EventType> eventTypes() {
        return SubscriptionEvent.types();
    }

    @Override
    public List<Processor<?>> projections() {
        return List.of(new SubscriptionsProjection());
    }

    @Override
    public List<EffectfulProcessor> effectfulProcessors() {
        return List.of(new EffectfulProcessor(InvoicingProcessor.NAME,
                s -> new InvoicingProcessor(Proration.parse(s.require(PRORATION_RULE))),
                Subscriptions::externalSystems));
    }

    /** The tax service and the invoice service over HTTP, with the credentials the settings name. */
    public static HttpExternalSystems externalSystems(Settings s) {
        return new HttpExternalSystems(URI.create(s.require(TAX_URL)), URI.create(s.require(INVOICE_URL)),
                s.secret(TAX_SECRET), s.secret(INVOICE_SECRET));
    }
}

package dev.playback.examples.subscriptions;

import dev.playback.model.domain.Domains;
import dev.playback.model.domain.EffectfulProcessor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the domain declares to Playback, loaded the way the generic handlers load it. */
class SubscriptionsTest {
    @Test
    void loadedByItsClassNameItDeclaresItsEventTypesProjectionAndInvoicing() {
        Domains domains = Domains.load("dev.playback.examples.subscriptions.Subscriptions");

        assertEquals("subscriptions", domains.domains().get(0).name());
        assertEquals(List.of("SubscriptionStarted", "PlanChanged", "SubscriptionCancelled", "InvoiceRequested", "SubscriptionEventReversed"),
                List.copyOf(domains.catalog().names()));
        assertEquals(List.of("subscriptions", "invoicing"), domains.processorNames());
        assertEquals(2, domains.catalog().require("SubscriptionStarted").schemaVersion());
    }

    @Test
    void invoicingIsBuiltWithTheProrationRuleItsSettingsName() {
        EffectfulProcessor declared = new Subscriptions().effectfulProcessors().get(0);

        InvoicingProcessor built = (InvoicingProcessor) declared.build(new FixedSettings(Map.of(Subscriptions.PRORATION_RULE, "v1")));

        assertEquals(Proration.V1, built.proration());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> declared.build(new FixedSettings(Map.of(Subscriptions.PRORATION_RULE, "v3"))));
        assertEquals("unknown proration rule 'v3'; expected v1 or v2", wrong.getMessage());
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> declared.build(new FixedSettings(Map.of())));
        assertEquals("environment variable PRORATION_RULE is not set", missing.getMessage());
    }

    @Test
    void itsExternalSystemsNeedBothUrls() {
        EffectfulProcessor declared = new Subscriptions().effectfulProcessors().get(0);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> declared.externalSystems().apply(new FixedSettings(Map.of(Subscriptions.TAX_URL, "http://127.0.0.1:1"))));

        assertEquals("environment variable INVOICE_URL is not set", e.getMessage());
    }
}

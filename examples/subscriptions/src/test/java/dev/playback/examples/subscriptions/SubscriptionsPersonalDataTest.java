package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.event.Submission;
import dev.playback.model.privacy.PersonalData;
import dev.playback.model.privacy.memory.InMemorySubjectKeys;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subscriber's name is personal data: sealed at ingest, revealed at the edges while its key exists, redacted after. */
class SubscriptionsPersonalDataTest {
    private static final Instant NOW = Instant.parse("2026-03-11T10:00:00Z");
    private final List<EventType> types = new Subscriptions().eventTypes();
    private final Submission ingest = new Submission(new EventCatalog(types), () -> "e-1");
    private final PersonalData personal = new PersonalData(new InMemorySubjectKeys());

    /** The event as the ingest sends it on: validated, then each personal field sealed. */
    private EventEnvelope ingested(String type, String payload) {
        EventEnvelope e = ingest.parse(json("{\"aggregateId\":\"sub-1\",\"type\":\"" + type + "\",\"payload\":" + payload + "}"), NOW).get(0);
        return personal.seal(types.stream().filter(t -> t.name().equals(type)).findFirst().orElseThrow(), e);
    }

    @Test
    void theStartsCustomerIsSealedUnderTheSubscriptionsKeyAndEveryOtherFieldIsKept() {
        EventEnvelope sealed = ingested("SubscriptionStarted",
                "{\"customer\":\"Ada Lovelace\",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\"}");

        String customer = sealed.payload().path("customer").asText();
        assertTrue(customer.startsWith("pii:v1:sub-1:"), customer);
        assertFalse(sealed.payload().toString().contains("Ada"), sealed.payload().toString());
        assertEquals(json("{\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\"}"),
                sealed.payload().deepCopy().without("customer"));
        assertEquals("Ada Lovelace", personal.reveal(sealed).payload().path("customer").asText());
    }

    @Test
    void afterForgetTheCustomerReadsRedactedInTheEventAndInTheProjectedStateWhilePriceAndPlanStay() {
        EventEnvelope sealed = ingested("SubscriptionStarted",
                "{\"customer\":\"Ada Lovelace\",\"plan\":\"basic\",\"monthlyPrice\":\"30.00\",\"currency\":\"EUR\",\"country\":\"DE\"}");
        SubscriptionsProjection projection = new SubscriptionsProjection();
        JsonNode state = projection.encode(projection.apply(projection.initial("sub-1"), sealed.withVersion(1)));
        assertEquals("Ada Lovelace", personal.reveal(state).path("customer").asText());

        personal.keys().forget("sub-1");

        assertEquals("[redacted]", personal.reveal(sealed).payload().path("customer").asText());
        JsonNode revealed = personal.reveal(state);
        assertEquals("[redacted]", revealed.path("customer").asText());
        assertEquals("basic", revealed.path("plan").asText());
        assertEquals("30.00", revealed.path("monthlyPrice").asText());
    }

    @Test
    void aSchemaOneStartsCustomerIsSealedToo() {
        EventEnvelope e = ingest.parse(json("{\"aggregateId\":\"sub-1\",\"type\":\"SubscriptionStarted\",\"schemaVersion\":1,\"payload\":"
                + "{\"customer\":\"Ada Lovelace\",\"plan\":\"basic\",\"monthlyPriceCents\":3000,\"currency\":\"EUR\",\"country\":\"DE\"}}"), NOW).get(0);

        EventEnvelope sealed = personal.seal(types.get(0), e);

        assertTrue(sealed.payload().path("customer").asText().startsWith("pii:v1:sub-1:"), sealed.payload().toString());
        assertEquals("Ada Lovelace", personal.reveal(sealed).payload().path("customer").asText());
    }
}

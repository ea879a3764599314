package dev.playback.lambdas.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Personal fields are stored sealed, shown revealed by the reads, and as "[redacted]" once their subject is forgotten. */
class ApiPersonalDataTest extends ApiFixture {
    private void openAndPay() {
        String body = "[" + event("acc-1", "o-1", "AccountOpened", "{\"owner\":\"Ada Lovelace\",\"currency\":\"EUR\"}") + ","
                + event("acc-1", "d-1", "MoneyDeposited", "{\"amount\":\"50.00\"}") + ","
                + event("acc-1", "p-1", "PayoutRequested", "{\"amount\":\"20.00\",\"targetCurrency\":\"EUR\",\"beneficiary\":\"Charles Babbage\"}") + "]";
        assertEquals(202, post(body).getStatusCode());
        pumpAndProject();
    }

    @Test
    void storesOnlyTokensAndTheReadsShowTheValues() {
        openAndPay();

        List<EventEnvelope> stored = log.all().get("acc-1");
        assertFalse(stored.toString().contains("Ada Lovelace") || stored.toString().contains("Charles Babbage"), stored.toString());
        JsonNode projected = states.load("balances", "g0", "acc-1").orElseThrow().state();
        assertTrue(projected.path("owner").asText().startsWith("pii:v1:acc-1:"), "the projection holds the token: " + projected);
        assertEquals("Ada Lovelace", body(getEvent("o-1")).path("payload").path("owner").asText());
        JsonNode history = body(getHistory("acc-1", Map.of())).path("events");
        assertEquals("Charles Babbage", history.get(2).path("payload").path("beneficiary").asText());
        JsonNode state = body(getAggregate("acc-1", Map.of())).path("state");
        assertEquals("Ada Lovelace", state.path("owner").asText());
        assertEquals("30.00", state.path("balance").asText());
    }

    @Test
    void afterForgetTheReadsShowRedactedAndTheAmountsStay() {
        openAndPay();

        assertTrue(personal.keys().forget("acc-1"));

        assertEquals("[redacted]", body(getEvent("o-1")).path("payload").path("owner").asText());
        JsonNode history = body(getHistory("acc-1", Map.of())).path("events");
        assertEquals("[redacted]", history.get(2).path("payload").path("beneficiary").asText());
        assertEquals("20.00", history.get(2).path("payload").path("amount").asText());
        JsonNode state = body(getAggregate("acc-1", Map.of())).path("state");
        assertEquals("[redacted]", state.path("owner").asText());
        assertEquals("30.00", state.path("balance").asText());
        assertEquals(3, body(getAggregate("acc-1", Map.of())).path("version").asLong());
    }

    @Test
    void refusesAValueShapedLikeATokenNamingItsField() {
        assertRefused(post(event("acc-1", "o-1", "AccountOpened", "{\"owner\":\"pii:v1:acc-1:AAAA\",\"currency\":\"EUR\"}")),
                400, "payload.owner");
    }

    @Test
    void validatesThePlaintextBeforeSealingIt() {
        assertRefused(post(event("acc-1", "o-1", "AccountOpened", "{\"owner\":\"" + "x".repeat(201) + "\",\"currency\":\"EUR\"}")),
                400, "payload.owner");
        assertRefused(post(event("acc-1", "o-1", "AccountOpened", "{\"owner\":\" \",\"currency\":\"EUR\"}")), 400, "payload.owner");
    }
}

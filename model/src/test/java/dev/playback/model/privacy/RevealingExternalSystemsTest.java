package dev.playback.model.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.event.EventType;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.ExternalSystems;
import dev.playback.model.privacy.memory.InMemorySubjectKeys;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RevealingExternalSystemsTest {
    private static final CallSite BANK = new CallSite("bank", "payout");
    private static final EventType PAYOUT = PersonalDataTest.withPersonalFields("PayoutRequested", "beneficiary");

    /** Keeps what reached it. */
    private static final class Outside implements ExternalSystems {
        final List<JsonNode> sent = new ArrayList<>();
        final List<String> keys = new ArrayList<>();

        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            sent.add(request);
            return json("{\"rate\":\"1\"}");
        }

        @Override
        public void send(CallSite site, JsonNode command, String idempotencyKey) {
            sent.add(command);
            keys.add(idempotencyKey);
        }
    }

    private static String token(PersonalData personal, String account, String beneficiary) {
        EventEnvelope e = new EventEnvelope("p-1", account, "PayoutRequested", 1, null, null, T0, T0,
                json("{\"amount\":\"10.00\",\"beneficiary\":\"" + beneficiary + "\"}"), null, EventMetadata.NONE);
        return personal.seal(PAYOUT, e).payload().get("beneficiary").textValue();
    }

    @Test
    void theExternalSystemGetsTheValueWhileTheGatewayKeepsTheToken() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        Outside outside = new Outside();
        ObjectNode command = json("{\"payoutId\":\"p-1\",\"amount\":\"9.50\"}").put("beneficiary", token(personal, "acc-1", "Grace Hopper"));
        String kept = command.toString();

        new RevealingExternalSystems(outside, () -> personal).send(BANK, command, "key-1");

        assertEquals(json("{\"payoutId\":\"p-1\",\"amount\":\"9.50\",\"beneficiary\":\"Grace Hopper\"}"), outside.sent.get(0));
        assertEquals(List.of("key-1"), outside.keys);
        assertEquals(kept, command.toString(), "the command the gateway logs still holds the token");
    }

    @Test
    void aForgottenSubjectsValueGoesOutRedacted() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        Outside outside = new Outside();
        ObjectNode command = json("{\"payoutId\":\"p-1\"}").put("beneficiary", token(personal, "acc-1", "Grace Hopper"));
        personal.keys().forget("acc-1");

        new RevealingExternalSystems(outside, () -> personal).send(BANK, command, "key-1");

        assertEquals("[redacted]", outside.sent.get(0).path("beneficiary").asText());
    }

    @Test
    void aCallWithoutTokensNeedsNoKeyStore() {
        Outside outside = new Outside();
        RevealingExternalSystems systems = new RevealingExternalSystems(outside, () -> {
            throw new AssertionError("no token, no key store");
        });
        JsonNode answer = systems.query(new CallSite("fx", "rate"), json("{\"from\":\"EUR\",\"to\":\"USD\"}"));
        systems.send(BANK, json("{\"payoutId\":\"p-1\",\"beneficiary\":\"written before sealing\"}"), "key-2");
        assertEquals("1", answer.path("rate").asText());
        assertTrue(outside.sent.get(1).path("beneficiary").asText().equals("written before sealing"));
    }
}

package dev.playback.model.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.event.EventType;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.ExternalSystems;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.GatewaySession;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.privacy.memory.InMemorySubjectKeys;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    private static final CallSite SCREENING = new CallSite("screening", "check");

    /** A sanctions screening that echoes the name it was asked about, alone and inside a sentence, beside a fee. */
    private static final class Screening implements ExternalSystems {
        final List<JsonNode> asked = new ArrayList<>();

        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            asked.add(request);
            String name = request.path("name").asText();
            ObjectNode answer = json("{\"listed\":false,\"fee\":\"1.50\",\"score\":3}");
            answer.put("name", name).put("note", "no match for " + name);
            answer.putArray("aliases").add(name).add("nobody");
            answer.putObject("by name").put(name.isEmpty() ? "none" : "Grace Hopper", 1);
            return answer;
        }

        @Override
        public void send(CallSite site, JsonNode command, String idempotencyKey) {
            throw new AssertionError("the screening takes no command");
        }
    }

    @Test
    void anAnswerGivesBackThePersonalValuesItWasAskedAboutAsTokensOnly() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        Screening screening = new Screening();
        String token = token(personal, "acc-1", "Grace Hopper");
        ObjectNode request = json("{\"account\":\"acc-1\"}").put("name", token);

        JsonNode answer = new RevealingExternalSystems(screening, () -> personal).query(SCREENING, request);

        assertEquals("Grace Hopper", screening.asked.get(0).path("name").asText(), "the screening got the name");
        assertEquals(token, answer.path("name").asText(), "the echoed name is the request's very token");
        assertEquals(token, answer.path("aliases").get(0).asText());
        assertEquals("nobody", answer.path("aliases").get(1).asText());
        String note = answer.path("note").asText();
        assertTrue(note.startsWith("pii:v1:acc-1:"), note);
        assertEquals("no match for Grace Hopper", personal.reveal(answer).path("note").asText());
        assertEquals("1.50", answer.path("fee").asText(), "amounts are never touched");
        assertEquals(3, answer.path("score").asInt());
        assertEquals(false, answer.path("listed").asBoolean());
        assertEquals(1, answer.path("by name").path(token).asInt(), "a field named by the value is named by its token");
        assertFalse(answer.toString().contains("Grace Hopper"), answer.toString());
    }

    @Test
    void theSameAnswerToTheSameRequestSealsToTheSameBytesAndForgettingRedactsIt() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        ObjectNode request = json("{}").put("name", token(personal, "acc-1", "Grace Hopper"));
        RevealingExternalSystems systems = new RevealingExternalSystems(new Screening(), () -> personal);

        JsonNode first = systems.query(SCREENING, request);
        JsonNode second = systems.query(SCREENING, request);
        JsonNode elsewhere = systems.query(new CallSite("screening", "recheck"), request);
        personal.keys().forget("acc-1");

        assertEquals(first.toString(), second.toString());
        assertNotEquals(first.path("note").asText(), elsewhere.path("note").asText(), "another call site gives another token");
        assertEquals("[redacted]", personal.reveal(first).path("note").asText());
        assertEquals("[redacted]", personal.reveal(first).path("name").asText());
        assertEquals("1.50", personal.reveal(first).path("fee").asText());
    }

    @Test
    void anAnswerToARequestWithoutTokensIsKeptAsItCame() {
        Screening screening = new Screening();
        RevealingExternalSystems systems = new RevealingExternalSystems(screening, () -> {
            throw new AssertionError("no token, no key store");
        });

        JsonNode answer = systems.query(SCREENING, json("{\"name\":\"Grace Hopper\"}"));

        assertEquals("no match for Grace Hopper", answer.path("note").asText());
    }

    @Test
    void aReplayAfterForgetReadsTheRecordedAnswerByteForByteUnderTheSameRequestHash() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        InMemoryQueryRecords records = new InMemoryQueryRecords();
        InMemoryCommandLog log = new InMemoryCommandLog();
        Screening screening = new Screening();
        ObjectNode request = json("{}").put("name", token(personal, "acc-1", "Grace Hopper"));
        EventEnvelope event = new EventEnvelope("p-1", "acc-1", "PayoutRequested", 1, null, null, T0, T0,
                json("{}"), null, EventMetadata.NONE);
        GatewayPorts ports = new GatewayPorts(new RevealingExternalSystems(screening, () -> personal), records, log);

        JsonNode live = new GatewaySession("payouts", site -> null, ports, GatewayRun.live(), event, new GatewayReport()).query(SCREENING, request);
        personal.keys().forget("acc-1");
        JsonNode replayed = new GatewaySession("payouts", site -> null, ports,
                GatewayRun.replay("r-1", GatewayMode.SUPPRESS, MissingRecord.FAIL), event, new GatewayReport()).query(SCREENING, request);

        assertEquals(1, screening.asked.size(), "the replay asked nobody");
        assertEquals(live.toString(), replayed.toString());
        RecordedQuery kept = records.find(new dev.playback.model.gateway.QueryKey("payouts", "p-1", SCREENING,
                dev.playback.model.gateway.Hashes.request(request))).orElseThrow();
        assertEquals(live.toString(), kept.response().toString());
        assertFalse(kept.response().toString().contains("Grace Hopper"), kept.response().toString());
        assertEquals("[redacted]", personal.reveal(kept.response()).path("note").asText());
    }
}

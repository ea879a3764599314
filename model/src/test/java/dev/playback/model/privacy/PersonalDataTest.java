package dev.playback.model.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.event.EventType;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.privacy.memory.InMemorySubjectKeys;
import dev.playback.model.store.ContentHash;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.T0;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PersonalDataTest {
    /** A type (that accepts any payload) with these personal fields, of the aggregate. */
    static EventType withPersonalFields(String name, String... fields) {
        return new EventType() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void validate(ObjectNode payload) {
            }

            @Override
            public List<String> personalFields() {
                return List.of(fields);
            }
        };
    }

    /** A type whose owner and nested e-mail are personal data of the aggregate. */
    private static final EventType OPENED = withPersonalFields("Opened", "owner", "contact.email");

    /** A type whose personal field belongs to someone named in the payload. */
    private static final EventType GIFTED = new EventType() {
        @Override
        public String name() {
            return "Gifted";
        }

        @Override
        public void validate(ObjectNode payload) {
        }

        @Override
        public List<String> personalFields() {
            return List.of("recipient");
        }

        @Override
        public String subjectOf(ObjectNode payload, String aggregateId) {
            return payload.path("recipientId").asText();
        }
    };

    private static EventEnvelope event(String eventId, String aggregateId, String type, String payload) {
        return new EventEnvelope(eventId, aggregateId, type, 1, null, null, T0, T0, json(payload), null, EventMetadata.NONE);
    }

    /** Keys 0x00..0x1f for every subject: what the golden token was computed with. */
    private static final class FixedKeys implements SubjectKeys {
        @Override
        public byte[] keyFor(String subject) {
            byte[] key = new byte[32];
            for (int i = 0; i < 32; i++) key[i] = (byte) i;
            return key;
        }

        @Override
        public Optional<byte[]> find(String subject) {
            return Optional.of(keyFor(subject));
        }

        @Override
        public boolean forget(String subject) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void sealsAFieldIntoTheStoredTokenFormat() {
        EventEnvelope sealed = new PersonalData(new FixedKeys()).seal(OPENED, event("e-1", "acc-1", "Opened", "{\"owner\":\"Alice\"}"));
        // Computed outside Java (Python, cryptography's AESGCM): key = bytes 0..31; enc = HMAC(key, len‖"playback pii v1 enc"),
        // iv = HMAC(HMAC(key, len‖"playback pii v1 iv"), len‖"e-1" len‖"owner" len‖'"Alice"')[:12],
        // AES-256-GCM(enc, iv, '"Alice"', aad "pii:v1:acc-1"), token = "pii:v1:acc-1:" + base64url(iv ‖ ciphertext ‖ tag).
        assertEquals("pii:v1:acc-1:NIqJIB_C9cYRhbfwxhM8Ex0sgTcQ1mhmyTZU0eLloUK116A", sealed.payload().get("owner").textValue());
    }

    @Test
    void theSameEventSealsToTheSameTokensSoAReSendKeepsItsContentHash() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        EventEnvelope e = event("e-1", "acc-1", "Opened", "{\"owner\":\"Alice\",\"contact\":{\"email\":\"a@example.org\"},\"currency\":\"EUR\"}");
        EventEnvelope first = personal.seal(OPENED, e);
        EventEnvelope again = personal.seal(OPENED, e);
        assertEquals(first.payload(), again.payload());
        assertEquals(ContentHash.of(first), ContentHash.of(again));
        assertTrue(first.payload().get("owner").textValue().startsWith("pii:v1:acc-1:"));
        assertTrue(first.payload().path("contact").get("email").textValue().startsWith("pii:v1:acc-1:"));
        assertEquals("EUR", first.payload().get("currency").textValue());
        assertFalse(first.payload().toString().contains("Alice"));
        assertFalse(first.payload().toString().contains("a@example.org"));
        assertEquals("Alice", e.payload().get("owner").textValue(), "the submitted payload is left as it was");
    }

    @Test
    void anotherEventOrAnotherValueSealsToAnUnrelatedToken() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        String alice = personal.seal(OPENED, event("e-1", "acc-1", "Opened", "{\"owner\":\"Alice\"}")).payload().get("owner").textValue();
        String otherEvent = personal.seal(OPENED, event("e-2", "acc-1", "Opened", "{\"owner\":\"Alice\"}")).payload().get("owner").textValue();
        String otherValue = personal.seal(OPENED, event("e-1", "acc-1", "Opened", "{\"owner\":\"Alicia\"}")).payload().get("owner").textValue();
        assertNotEquals(alice, otherEvent);
        assertNotEquals(alice, otherValue);
    }

    @Test
    void differentSubjectsGetDifferentKeysAndATokenDoesNotOpenUnderAnotherSubject() {
        SubjectKeys keys = new InMemorySubjectKeys();
        PersonalData personal = new PersonalData(keys);
        String token = personal.seal(OPENED, event("e-1", "acc-1", "Opened", "{\"owner\":\"Alice\"}")).payload().get("owner").textValue();
        personal.seal(OPENED, event("e-2", "acc-2", "Opened", "{\"owner\":\"Bob\"}"));
        assertFalse(java.util.Arrays.equals(keys.find("acc-1").orElseThrow(), keys.find("acc-2").orElseThrow()));
        String moved = token.replace("pii:v1:acc-1:", "pii:v1:acc-2:");
        UnreadableTokenException e = assertThrows(UnreadableTokenException.class, () -> personal.reveal(TextNode.valueOf(moved)));
        assertTrue(e.getMessage().contains(moved), e.getMessage());
    }

    @Test
    void revealsWhatWasSealedAnywhereInADocument() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        ObjectNode sealed = personal.seal(OPENED, event("e-1", "acc-1", "Opened",
                "{\"owner\":\"Alice\",\"contact\":{\"email\":\"a@example.org\"}}")).payload();
        ObjectNode state = json("{\"balance\":\"10.00\",\"payouts\":[{\"to\":\"x\"}]}");
        state.put("owner", sealed.get("owner").textValue());
        state.withArray("payouts").addObject().put("to", sealed.path("contact").get("email").textValue());
        JsonNode revealed = personal.reveal(state);
        assertEquals(json("{\"balance\":\"10.00\",\"payouts\":[{\"to\":\"x\"},{\"to\":\"a@example.org\"}],\"owner\":\"Alice\"}"), revealed);
        assertTrue(state.get("owner").textValue().startsWith("pii:v1:"), "the document itself is left as it was");
    }

    @Test
    void aDocumentWithoutTokensIsReturnedAsItIs() {
        ObjectNode plain = json("{\"balance\":\"10.00\",\"owner\":\"written before sealing\"}");
        assertSame(plain, new PersonalData(new InMemorySubjectKeys()).reveal(plain));
    }

    @Test
    void aNonTextValueIsSealedAndRevealedAsTheSameJson() {
        EventType numbered = withPersonalFields("Numbered", "birthYear", "address");
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        ObjectNode payload = json("{\"birthYear\":1990,\"address\":{\"street\":\"Main St 1\"}}");
        ObjectNode sealed = personal.seal(numbered, event("e-1", "p-1", "Numbered", payload.toString())).payload();
        assertTrue(sealed.get("birthYear").isTextual());
        assertEquals(payload, personal.reveal(sealed));
    }

    @Test
    void afterForgetTheSubjectsTokensRevealAsRedactedAndOtherSubjectsStillReveal() {
        SubjectKeys keys = new InMemorySubjectKeys();
        PersonalData personal = new PersonalData(keys);
        ObjectNode alice = personal.seal(OPENED, event("e-1", "acc-1", "Opened", "{\"owner\":\"Alice\"}")).payload();
        ObjectNode bob = personal.seal(OPENED, event("e-2", "acc-2", "Opened", "{\"owner\":\"Bob\"}")).payload();
        assertTrue(keys.forget("acc-1"));
        assertEquals(json("{\"owner\":\"[redacted]\"}"), personal.reveal(alice));
        assertEquals(json("{\"owner\":\"Bob\"}"), personal.reveal(bob));
    }

    @Test
    void aTokenOfASubjectWithoutAKeyRevealsAsRedacted() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        String unknown = new PersonalToken("acc-unknown", new byte[40]).toString();
        assertEquals(TextNode.valueOf(PersonalData.REDACTED), personal.reveal(TextNode.valueOf(unknown)));
        assertEquals("[redacted]", PersonalData.REDACTED);
    }

    @Test
    void aTamperedTokenIsRefusedWithAnErrorNamingIt() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        String token = personal.seal(OPENED, event("e-1", "acc-1", "Opened", "{\"owner\":\"Alice\"}")).payload().get("owner").textValue();
        PersonalToken parsed = PersonalToken.parse(token).orElseThrow();
        byte[] sealed = parsed.sealed();
        sealed[sealed.length - 1] ^= 1;
        String tampered = new PersonalToken("acc-1", sealed).toString();
        UnreadableTokenException e = assertThrows(UnreadableTokenException.class, () -> personal.reveal(TextNode.valueOf(tampered)));
        assertEquals(tampered, e.token());
        assertTrue(e.getMessage().contains(tampered) && e.getMessage().contains("altered"), e.getMessage());
    }

    @Test
    void aMalformedTokenIsRefusedWithAnErrorNamingIt() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        UnreadableTokenException e = assertThrows(UnreadableTokenException.class,
                () -> personal.reveal(TextNode.valueOf("pii:v1:acc-1:not*base64")));
        assertTrue(e.getMessage().contains("pii:v1:acc-1:not*base64"), e.getMessage());
    }

    @Test
    void aSubmittedStringShapedLikeATokenIsRefusedNamingItsField() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        String forged = "pii:v1:acc-1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[40]);
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> personal.seal(OPENED,
                event("e-1", "acc-1", "Opened", "{\"owner\":\"Alice\",\"notes\":[\"x\",\"" + forged + "\"]}")));
        assertEquals("payload.notes[1]", e.field());
    }

    @Test
    void theSubjectCanComeFromThePayload() {
        SubjectKeys keys = new InMemorySubjectKeys();
        PersonalData personal = new PersonalData(keys);
        ObjectNode sealed = personal.seal(GIFTED, event("e-1", "shop-1", "Gifted", "{\"recipientId\":\"cust-7\",\"recipient\":\"Carol\"}")).payload();
        assertTrue(sealed.get("recipient").textValue().startsWith("pii:v1:cust-7:"));
        assertTrue(keys.find("shop-1").isEmpty());
        keys.forget("cust-7");
        assertEquals("[redacted]", personal.reveal(sealed).get("recipient").textValue());
    }

    @Test
    void aSubjectThatIsNotAnIdIsRefusedWithoutRepeatingIt() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> personal.seal(GIFTED,
                event("e-1", "shop-1", "Gifted", "{\"recipientId\":\"carol@example.org\",\"recipient\":\"Carol\"}")));
        assertEquals("payload", e.field());
        assertFalse(e.getMessage().contains("carol@example.org"), e.getMessage());
    }

    @Test
    void anEventWithoutItsPersonalFieldsIsLeftAsItIsAndCreatesNoKey() {
        SubjectKeys keys = new InMemorySubjectKeys();
        EventEnvelope e = event("e-1", "acc-1", "Opened", "{\"currency\":\"EUR\"}");
        assertSame(e, new PersonalData(keys).seal(OPENED, e));
        assertTrue(keys.find("acc-1").isEmpty());
    }

    @Test
    void anEventWithoutPayloadOrWithoutPersonalFieldsIsLeftAsItIs() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        EventEnvelope referenced = new EventEnvelope("e-1", "acc-1", "Opened", 1, null, null, T0, T0, null, "memory://p", EventMetadata.NONE);
        assertSame(referenced, personal.seal(OPENED, referenced));
        assertSame(referenced, personal.reveal(referenced));
        EventEnvelope plain = event("e-1", "acc-1", "Plain", "{\"owner\":\"Alice\",\"tags\":[\"a\",\"b\"]}");
        assertSame(plain, personal.seal(withPersonalFields("Plain"), plain));
    }

    @Test
    void aNestedFieldSealedFirstIsFoundInTheCopy() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        EventEnvelope e = event("e-1", "acc-1", "Opened", "{\"contact\":{\"email\":\"a@example.org\"},\"tags\":[\"x\",\"y\"]}");
        EventEnvelope sealed = personal.seal(OPENED, e);
        assertTrue(sealed.payload().path("contact").get("email").textValue().startsWith("pii:v1:acc-1:"));
        assertEquals(e.payload(), personal.reveal(sealed).payload());
        assertEquals(json("{\"contact\":{\"email\":\"a@example.org\"},\"tags\":[\"x\",\"y\"]}"), personal.reveal(sealed.payload()));
    }

    @Test
    void revealsEventsListsStatesAndTokensKeepingValuesThatAreNoTokens() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        EventEnvelope sealed = personal.seal(OPENED, event("e-1", "acc-1", "Opened", "{\"owner\":\"Alice\",\"n\":5,\"ok\":true}"));
        EventEnvelope referenced = new EventEnvelope("e-2", "acc-1", "Opened", 1, null, null, T0, T0, null, "memory://p", EventMetadata.NONE);
        List<EventEnvelope> revealed = personal.reveal(List.of(sealed, referenced));
        assertEquals(json("{\"owner\":\"Alice\",\"n\":5,\"ok\":true}"), revealed.get(0).payload());
        assertSame(referenced, revealed.get(1));
        assertEquals(json("{\"owner\":\"Alice\",\"n\":5,\"ok\":true}"), personal.reveal(sealed).payload());
        String token = sealed.payload().get("owner").textValue();
        dev.playback.model.store.ProcessorState state = new dev.playback.model.store.ProcessorState("p", "g1", "acc-1", 4,
                json("{\"who\":[\"" + token + "\",7]}"));
        assertEquals(new dev.playback.model.store.ProcessorState("p", "g1", "acc-1", 4, json("{\"who\":[\"Alice\",7]}")), personal.reveal(state));
        assertEquals(TextNode.valueOf("Alice"), personal.reveal(PersonalToken.parse(token).orElseThrow()));
    }

    @Test
    void aSubjectOfNoneIsRefusedSayingSo() {
        EventType anonymous = new EventType() {
            @Override
            public String name() {
                return "Anonymous";
            }

            @Override
            public void validate(ObjectNode payload) {
            }

            @Override
            public List<String> personalFields() {
                return List.of("name");
            }

            @Override
            public String subjectOf(ObjectNode payload, String aggregateId) {
                return null;
            }
        };
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> new PersonalData(new InMemorySubjectKeys()).seal(anonymous, event("e-1", "a-1", "Anonymous", "{\"name\":\"X\"}")));
        assertEquals("the subject of the personal fields of Anonymous must be an id (1-128 characters of A-Z a-z 0-9 . _ : -), got none",
                e.getMessage());
        InvalidEventException notAnId = assertThrows(InvalidEventException.class, () -> new PersonalData(new InMemorySubjectKeys()).seal(GIFTED,
                event("e-1", "shop-1", "Gifted", "{\"recipientId\":\"a b\",\"recipient\":\"Carol\"}")));
        assertTrue(notAnId.getMessage().endsWith(" (the value is not repeated here: it may be personal)"), notAnId.getMessage());
    }

    @Test
    void anAnswerEchoingAValueOfFourCharactersOrMoreIsSealedAndShorterOnesAreNot() {
        PersonalData personal = new PersonalData(new InMemorySubjectKeys());
        EventType named = withPersonalFields("Named", "first", "nick");
        ObjectNode request = personal.seal(named, event("e-1", "acc-1", "Named", "{\"first\":\"Adam\",\"nick\":\"Bob\"}")).payload();
        JsonNode answer = personal.sealEchoes(request, json("{\"a\":\"no match for Adam\",\"b\":\"no match for Bob\",\"c\":[\"Adam\"]}"), "ctx");
        assertTrue(answer.get("a").textValue().startsWith("pii:v1:acc-1:"), answer.toString());
        assertEquals("no match for Bob", answer.get("b").textValue());
        assertEquals(request.get("first").textValue(), answer.path("c").get(0).textValue());
        assertEquals(json("{\"a\":\"no match for Adam\",\"b\":\"no match for Bob\",\"c\":[\"Adam\"]}"), personal.reveal(answer));
        assertEquals(null, personal.sealEchoes(request, null, "ctx"));
    }

    @Test
    void tokensAreEqualByTheirSubjectAndBytes() {
        PersonalToken a = new PersonalToken("acc-1", new byte[]{1, 2, 3});
        assertEquals(a, new PersonalToken("acc-1", new byte[]{1, 2, 3}));
        assertEquals(a.hashCode(), new PersonalToken("acc-1", new byte[]{1, 2, 3}).hashCode());
        assertEquals(31 * "acc-1".hashCode() + java.util.Arrays.hashCode(new byte[]{1, 2, 3}), a.hashCode());
        assertNotEquals(a, new PersonalToken("acc-2", new byte[]{1, 2, 3}));
        assertNotEquals(a, new PersonalToken("acc-1", new byte[]{1, 2, 4}));
        assertNotEquals(a, (Object) "pii:v1:acc-1:AQID");
        assertEquals("pii:v1:acc-1:AQID", a.toString());
    }

    @Test
    void aTokenWithAnEmptySubjectIsMalformedForItsSubject() {
        UnreadableTokenException e = assertThrows(UnreadableTokenException.class, () -> PersonalToken.parse("pii:v1::AQID"));
        assertEquals("personal-data token pii:v1::AQID is malformed: its subject is not an id", e.getMessage());
        assertEquals("personal-data token pii:v1:AQID is malformed: it names no subject",
                assertThrows(UnreadableTokenException.class, () -> PersonalToken.parse("pii:v1:AQID")).getMessage());
    }
}

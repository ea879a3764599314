package dev.playback.model.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdempotencyKeyTest {
    /** Golden values of format ik1 (the first 32 hex digits of SHA-256 of the key, computed with Python's hashlib). */
    @Test
    void derivesEventIdsInFormatVersion1() {
        assertEquals("ik1-3998fbdb8d844aa01d03de09b39b7b08-0", new IdempotencyKey("retry-1").eventId(0));
        assertEquals("ik1-3998fbdb8d844aa01d03de09b39b7b08-7", new IdempotencyKey("retry-1").eventId(7));
        assertEquals("ik1-a3a9e1ed9732cab28868127be00f1ce9-499",
                new IdempotencyKey("550e8400-e29b-41d4-a716-446655440000").eventId(499));
    }

    @Test
    void derivesIdsThatAreValidEventIds() {
        String id = new IdempotencyKey("~".repeat(255)).eventId(499);
        assertEquals(true, Submission.ID.matcher(id).matches(), id);
    }

    @Test
    void derivesOtherIdsFromOtherKeys() {
        assertNotEquals(new IdempotencyKey("a").eventId(0), new IdempotencyKey("b").eventId(0));
        assertNotEquals(new IdempotencyKey("a").eventId(0), new IdempotencyKey("a").eventId(1));
    }

    @Test
    void acceptsKeysOfOneAnd255PrintableCharacters() {
        assertEquals("x", new IdempotencyKey("x").value());
        assertEquals(255, new IdempotencyKey("!".repeat(100) + "~".repeat(155)).value().length());
    }

    @ParameterizedTest(name = "key [{0}] is refused")
    @ValueSource(strings = {"", "with space", "tab\there", "é-accent", "bidi\u202Ekey", "nul\u0000"})
    void refusesAMalformedKeyNamingTheHeader(String key) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> new IdempotencyKey(key));
        assertEquals("Idempotency-Key", e.field());
    }

    @Test
    void refusesAKeyOf256Characters() {
        assertEquals("Idempotency-Key", assertThrows(InvalidEventException.class, () -> new IdempotencyKey("k".repeat(256))).field());
    }

    @Test
    void saysWhetherARefusedKeyWasEmptyOrTooLong() {
        assertEquals("header 'Idempotency-Key' must be 1-255 printable ASCII characters, got an empty value",
                assertThrows(InvalidEventException.class, () -> new IdempotencyKey("")).getMessage());
        assertEquals("header 'Idempotency-Key' must be 1-255 printable ASCII characters, got an empty value",
                assertThrows(InvalidEventException.class, () -> new IdempotencyKey(null)).getMessage());
        assertEquals("header 'Idempotency-Key' must be 1-255 printable ASCII characters, got 256 characters",
                assertThrows(InvalidEventException.class, () -> new IdempotencyKey("k".repeat(256))).getMessage());
        assertEquals("header 'Idempotency-Key' must be printable ASCII characters without spaces (U+0021-U+007E); character 1 is U+0020",
                assertThrows(InvalidEventException.class, () -> new IdempotencyKey("a b")).getMessage());
    }
}

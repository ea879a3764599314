package dev.playback.model.event;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextRulesTest {
    @ParameterizedTest(name = "U+{0} is a control character")
    @ValueSource(ints = {0x00, 0x1F, 0x7F, 0x80, 0x9F})
    void refusesControlCharactersAtTheEdgesOfTheirRanges(int c) {
        assertEquals("contains the control character " + String.format("U+%04X", c)
                + " at position 2; control characters are not accepted", TextRules.problem("ab" + (char) c + "cd"));
    }

    @ParameterizedTest(name = "U+{0} is accepted")
    @ValueSource(ints = {0x20, 0x7E, 0xA0, 0x061B, 0x061D, 0x200D, 0x2010, 0x2029, 0x202F, 0x2065, 0x206A})
    void acceptsTheCharactersNextToTheRefusedRanges(int c) {
        assertNull(TextRules.problem("ab" + (char) c + "cd"));
        assertFalse(TextRules.isBidiControl((char) c));
        assertEquals("ab" + (char) c + "cd", TextRules.printable("ab" + (char) c + "cd"));
    }

    @ParameterizedTest(name = "U+{0} is a bidirectional control")
    @ValueSource(ints = {0x061C, 0x200E, 0x200F, 0x202A, 0x202C, 0x202E, 0x2066, 0x2068, 0x2069})
    void refusesBidirectionalControls(int c) {
        assertTrue(TextRules.isBidiControl((char) c));
        assertEquals("contains the bidirectional control " + String.format("U+%04X", c)
                + " at position 1; bidirectional controls are not accepted", TextRules.problem("a" + (char) c));
        assertEquals("a" + String.format("\\u%04X", c), TextRules.printable("a" + (char) c));
    }

    @Test
    void acceptsSurrogatePairsAndCountsPositionsAfterThem() {
        assertNull(TextRules.problem("\ud83d\ude00"));
        assertNull(TextRules.problem("x\ud83d\ude00y\ud83d\ude00"));
        // the pair takes positions 0 and 1: the control after it is at 2
        assertEquals("contains the control character U+0001 at position 2; control characters are not accepted",
                TextRules.problem("\ud83d\ude00\u0001"));
    }

    @Test
    void refusesLoneSurrogatesNamingTheirPosition() {
        assertEquals("contains a lone surrogate U+D83D at position 1; text must be valid Unicode", TextRules.problem("a\ud83d"));
        assertEquals("contains a lone surrogate U+D83D at position 0; text must be valid Unicode", TextRules.problem("\ud83dz"));
        assertEquals("contains a lone surrogate U+DE00 at position 1; text must be valid Unicode", TextRules.problem("a\ude00"));
        assertEquals("contains a lone surrogate U+D83D at position 0; text must be valid Unicode", TextRules.problem("\ud83d\ud83d\ude00"));
    }

    @Test
    void writesRefusedCharactersAsEscapesAndKeepsPairs() {
        assertEquals("a\\u0000b\\u007F\\u0085\\uD83Dc\ud83d\ude00\\uDE00", TextRules.printable("a\u0000b\u007f\u0085\ud83dc\ud83d\ude00\ude00"));
        assertEquals("x\\uD83D", TextRules.printable("x\ud83d"));
        assertEquals("", TextRules.printable(null));
    }

    @Test
    void cutsLongPrintableTextAtEightyCharacters() {
        assertEquals("a".repeat(80), TextRules.printable("a".repeat(80)));
        assertEquals("a".repeat(80) + "…", TextRules.printable("a".repeat(81)));
    }

    @Test
    void namesTheFieldOfABadValueByItsPath() {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> TextRules.check(json("{\"payload\":{\"items\":[\"ok\",\"b\\u0007d\"]}}"), ""));
        assertEquals("payload.items[1]", e.field());
        assertEquals("field 'payload.items[1]' contains the control character U+0007 at position 1; control characters are not accepted",
                e.getMessage());
    }

    @Test
    void namesAWholeBadTextAsTheBody() {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> TextRules.check(TextNode.valueOf("\u0001"), ""));
        assertEquals("body", e.field());
        assertEquals("field 'body' contains the control character U+0001 at position 0; control characters are not accepted", e.getMessage());
    }

    @Test
    void namesTheObjectHoldingABadKey() {
        InvalidEventException top = assertThrows(InvalidEventException.class, () -> TextRules.check(json("{\"a\\u0001\":1}"), ""));
        assertEquals("body", top.field());
        assertEquals("a key of the event ('a\\u0001') contains the control character U+0001 at position 1; control characters are not accepted",
                top.getMessage());
        InvalidEventException nested = assertThrows(InvalidEventException.class,
                () -> TextRules.check(json("{\"payload\":{\"x\":{\"\\u202e\":1}}}"), ""));
        assertEquals("payload.x", nested.field());
        assertEquals("a key in 'payload.x' ('\\u202E') contains the bidirectional control U+202E at position 0; bidirectional controls are not accepted",
                nested.getMessage());
    }

    @Test
    void acceptsCleanNestedValuesOfEveryKind() {
        assertDoesNotThrow(() -> TextRules.check(json("{\"a\":[1,true,null,{\"b\":\"\u00e9\ud83d\ude00\"}],\"c\":0.5,\"d\":-3}"), ""));
    }

    @Test
    void acceptsDecimalsThatAreExactlyADouble() {
        assertDoesNotThrow(() -> TextRules.check(new DecimalNode(new BigDecimal("0.1")), "x"));
        assertDoesNotThrow(() -> TextRules.check(new DecimalNode(new BigDecimal("-2.5E10")), "x"));
        assertDoesNotThrow(() -> TextRules.check(DoubleNode.valueOf(1.25), "x"));
    }

    @Test
    void refusesDecimalsThatWouldBeStoredAsAnotherNumber() {
        InvalidEventException precise = assertThrows(InvalidEventException.class,
                () -> TextRules.check(new DecimalNode(new BigDecimal("0.1000000000000000000001")), "payload.amount"));
        assertEquals("payload.amount", precise.field());
        assertEquals("field 'payload.amount' is a number (0.1000000000000000000001) that is not exactly a 64-bit floating point number"
                + " and would be stored as another; send it as a string", precise.getMessage());
        for (String huge : new String[]{"1e400", "-1e400"}) {
            InvalidEventException e = assertThrows(InvalidEventException.class, () -> TextRules.check(new DecimalNode(new BigDecimal(huge)), "n"));
            assertEquals("n", e.field());
        }
        assertEquals("n", assertThrows(InvalidEventException.class, () -> TextRules.check(DoubleNode.valueOf(Double.NaN), "n")).field());
    }
}

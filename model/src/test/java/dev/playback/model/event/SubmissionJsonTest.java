package dev.playback.model.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SubmissionJsonTest {
    private static JsonNode read(String body) {
        return SubmissionJson.read(body.getBytes(StandardCharsets.UTF_8));
    }

    private static InvalidEventException refused(String body) {
        return assertThrows(InvalidEventException.class, () -> read(body));
    }

    @Test
    void saysWhichKeyAppearsTwiceAndWhere() {
        InvalidEventException nested = refused("{\"aggregateId\":\"a\",\"payload\":{\"amount\":\"1\",\"amount\":\"9\"}}");
        assertEquals("payload.amount", nested.field());
        assertEquals("key 'amount' appears more than once in payload; each key may appear once", nested.getMessage());
        InvalidEventException top = refused("{\"type\":\"a\",\"type\":\"b\"}");
        assertEquals("type", top.field());
        assertEquals("key 'type' appears more than once in the event; each key may appear once", top.getMessage());
        InvalidEventException inBatch = refused("[{\"a\":1},{\"b\":{\"c\":1,\"c\":2}}]");
        assertEquals("[1].b.c", inBatch.field());
        assertEquals("key 'c' appears more than once in [1].b; each key may appear once", inBatch.getMessage());
        InvalidEventException inArray = refused("[{\"a\":1,\"a\":2}]");
        assertEquals("[0].a", inArray.field());
        assertEquals("key 'a' appears more than once in [0]; each key may appear once", inArray.getMessage());
    }

    @Test
    void saysWhereMalformedJsonIsWithoutTheParsersOwnWords() {
        InvalidEventException e = refused("{\"aggregateId\":\"acc-1\",\n\"type\" 1}");
        assertEquals("body", e.field());
        assertEquals("request body is not valid JSON: Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value (line 2, column 8)",
                e.getMessage());
        assertEquals("request body is not valid JSON: Unexpected end-of-input: expected close marker for Array (line 1, column 10)",
                refused("{\"a\":[1,2").getMessage());
    }

    @Test
    void refusesAnythingAfterTheOneValue() {
        assertEquals("body", refused("{\"a\":1} {\"b\":2}").field());
    }

    @Test
    void readsTheDeepestAllowedBodyAndRefusesOneLevelMore() {
        // 64 levels: the event object, its payload and 62 objects in it
        String nested = "{\"a\":".repeat(62) + "1" + "}".repeat(62);
        JsonNode n = read("{\"aggregateId\":\"acc-1\",\"payload\":{\"p\":" + nested + "}}");
        assertEquals(1, n.at("/payload/p" + "/a".repeat(62)).asInt());
        String deeper = "{\"a\":".repeat(64) + "1" + "}".repeat(64);
        InvalidEventException e = refused("{\"payload\":" + deeper + "}");
        assertEquals("body", e.field());
        assertEquals("request body is nested more than 64 levels deep", e.getMessage());
    }

    @Test
    void readsANumberOfOneHundredCharactersAndRefusesOneMoreNamingWhereItIs() {
        String digits = "9".repeat(100);
        assertEquals(new BigInteger(digits), read("{\"n\":" + digits + "}").get("n").bigIntegerValue());
        InvalidEventException e = refused("{\"payload\":{\"items\":[1," + digits + "9]}}");
        assertEquals("payload.items[1]", e.field());
        assertEquals("a number at payload.items[1] has more than 100 characters; send long numbers as strings", e.getMessage());
    }

    @Test
    void refusesAKeyLongerThan1024CharactersNamingTheObjectThatHoldsIt() {
        assertEquals(1, read("{\"" + "k".repeat(1024) + "\":1}").size());
        InvalidEventException top = refused("{\"" + "k".repeat(1025) + "\":1}");
        assertEquals("body", top.field());
        assertEquals("a key in the event has more than 1024 characters", top.getMessage());
        InvalidEventException nested = refused("{\"payload\":{\"x\":{\"" + "k".repeat(1025) + "\":1}}}");
        assertEquals("payload.x", nested.field());
        assertEquals("a key in payload.x has more than 1024 characters", nested.getMessage());
    }

    @Test
    void readsDecimalsExactlySoThatLossCanBeRefused() {
        assertEquals("0.1000000000000000000001", read("{\"x\":0.1000000000000000000001}").get("x").decimalValue().toPlainString());
    }

    @Test
    void keepsTheParsersDescriptionOfASyntaxErrorWithoutItsSettingsOrSource() {
        assertEquals("Unexpected character", SubmissionJson.clean("Unexpected character [Source: (byte[])\"{}\"; line: 1]"));
        assertEquals("Leading zeroes not allowed", SubmissionJson.clean("Leading zeroes not allowed: enable `X.Y` to allow them"));
        assertEquals("cut", SubmissionJson.clean("cut (start marker at [Source: REDACTED; line: 1, column: 1])"));
        assertEquals("a b", SubmissionJson.clean("a `X`  b"));
        assertEquals("syntax error", SubmissionJson.clean("[Source: x]"));
        assertEquals("syntax error", SubmissionJson.clean("`only`"));
    }

    @Test
    void namesAParsersPositionAsTheApiNamesFields() throws Exception {
        try (JsonParser p = new JsonFactory().createParser("[{\"payload\":{\"items\":[5,6]}}]")) {
            assertEquals("body", SubmissionJson.path(p.getParsingContext()));
            p.nextToken(); // [
            p.nextToken(); // {
            assertEquals("[0]", SubmissionJson.path(p.getParsingContext()));
            p.nextToken(); // payload
            p.nextToken(); // {
            p.nextToken(); // items
            assertEquals("[0].payload.items", SubmissionJson.path(p.getParsingContext()));
            p.nextToken(); // [
            assertEquals("[0].payload.items[0]", SubmissionJson.path(p.getParsingContext()));
            p.nextToken(); // 5
            p.nextToken(); // 6
            assertEquals("[0].payload.items[1]", SubmissionJson.path(p.getParsingContext()));
        }
        try (JsonParser p = new JsonFactory().createParser("{\"a\\u0001\":1}")) {
            p.nextToken();
            p.nextToken();
            assertEquals("a\\u0001", SubmissionJson.path(p.getParsingContext()));
        }
    }
}

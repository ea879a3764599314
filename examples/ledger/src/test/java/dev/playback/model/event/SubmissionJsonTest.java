package dev.playback.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SubmissionJsonTest {
    private static JsonNode read(String body) {
        return SubmissionJson.read(body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} is refused naming {2}")
    @MethodSource("dev.playback.examples.ledger.BadSubmissions#unreadable")
    void refusesAnUnreadableBodyNamingWhereItIsWrong(String problem, String body, String field) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> read(body));
        assertEquals(field, e.field(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void saysWhichKeyAppearsTwice() {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> read("{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\",\"amount\":\"900.00\"}}"));
        assertEquals("key 'amount' appears more than once in payload; each key may appear once", e.getMessage());
    }

    @Test
    void saysWhereMalformedJsonIsWithoutTheParsersOwnWords() {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> read("{\"aggregateId\":\"acc-1\",\n\"type\" 1}"));
        assertEquals("request body is not valid JSON: Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value (line 2, column 8)",
                e.getMessage());
    }

    @Test
    void readsTheDeepestAllowedBody() {
        // 64 levels: the event object, its payload, and 62 nested objects.
        String nested = "{\"a\":".repeat(62) + "1" + "}".repeat(62);
        JsonNode n = read("{\"aggregateId\":\"acc-1\",\"payload\":" + nested + "}");
        assertEquals(1, n.at("/payload" + "/a".repeat(62)).asInt());
    }

    @Test
    void readsANumberOfOneHundredCharactersExactly() {
        String digits = "9".repeat(100);
        JsonNode n = read("{\"n\":" + digits + "}");
        assertEquals(new BigInteger(digits), n.get("n").bigIntegerValue());
    }

    @Test
    void readsDecimalsExactlySoThatLossCanBeRefused() {
        JsonNode n = read("{\"x\":0.1000000000000000000001}");
        assertEquals("0.1000000000000000000001", n.get("x").decimalValue().toPlainString());
    }

    @Test
    void readsKeysThatAppearOnceInEachOfTwoObjects() {
        JsonNode n = read("{\"amount\":\"1\",\"payload\":{\"amount\":\"2\"}}");
        assertEquals("2", n.path("payload").path("amount").asText());
    }

    @Test
    void keepsTheParsersDescriptionOfASyntaxErrorWithoutItsSettingsOrSource() {
        assertEquals("Unexpected end-of-input: expected close marker for Object", SubmissionJson.clean(
                "Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED "
                        + "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])"));
        assertEquals("Non-standard token 'NaN'", SubmissionJson.clean(
                "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"));
        assertEquals("Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                SubmissionJson.clean("Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"));
    }

    @Test
    void saysWhatIsWrongWithTruncatedJson() {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> read("{\"a\":[1,2"));
        assertEquals("request body is not valid JSON: Unexpected end-of-input: expected close marker for Array (line 1, column 10)", e.getMessage());
    }
}

package dev.playback.examples.ledger;

import org.junit.jupiter.params.provider.Arguments;

import java.util.stream.Stream;

import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Inputs that must be refused at ingest, each with the field the refusal must name. Shared by the
 * validation tests and the HTTP tests so both layers answer for the same cases.
 */
public final class BadSubmissions {
    /** A valid deposit; each case below breaks it in one place. */
    public static final String VALID = "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"10.00\"}}";

    private BadSubmissions() {
    }

    private static String deposit(String amountJson) {
        return "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":" + amountJson + "}}";
    }

    private static String opening(String payloadJson) {
        return "{\"aggregateId\":\"acc-1\",\"type\":\"AccountOpened\",\"payload\":" + payloadJson + "}";
    }

    private static String with(String field, String valueJson) {
        return VALID.substring(0, VALID.length() - 1) + ",\"" + field + "\":" + valueJson + "}";
    }

    /** (what is wrong, request body, field named in the refusal). */
    public static Stream<Arguments> cases() {
        return Stream.of(
                arguments("a string instead of an event", "\"deposit\"", "body"),
                arguments("a number instead of an event", "42", "body"),
                arguments("JSON null", "null", "body"),
                arguments("an empty array", "[]", "body"),
                arguments("aggregateId missing", "{\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("aggregateId null", "{\"aggregateId\":null,\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("aggregateId a number", "{\"aggregateId\":17,\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("aggregateId empty", "{\"aggregateId\":\"\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("aggregateId of 129 characters", "{\"aggregateId\":\"" + "a".repeat(129) + "\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("aggregateId with a space", "{\"aggregateId\":\"acc 1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("aggregateId with a slash", "{\"aggregateId\":\"acc/1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("aggregateId with a non-ASCII letter", "{\"aggregateId\":\"accé\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("type missing", "{\"aggregateId\":\"acc-1\",\"payload\":{\"amount\":\"1.00\"}}", "type"),
                arguments("type a number", "{\"aggregateId\":\"acc-1\",\"type\":3,\"payload\":{\"amount\":\"1.00\"}}", "type"),
                arguments("type unknown", "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyPrinted\",\"payload\":{\"amount\":\"1.00\"}}", "type"),
                arguments("payload missing", "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\"}", "payload"),
                arguments("payload a string", "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":\"10.00\"}", "payload"),
                arguments("payload an array", "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":[]}", "payload"),
                arguments("unknown top-level field", with("amount", "\"10.00\""), "amount"),
                arguments("unknown payload field", deposit("\"1.00\",\"note\":\"hi\""), "payload.note"),
                arguments("amount missing", "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{}}", "payload.amount"),
                arguments("amount null", deposit("null"), "payload.amount"),
                arguments("amount negative", deposit("\"-5.00\""), "payload.amount"),
                arguments("amount zero", deposit("\"0\""), "payload.amount"),
                arguments("amount zero with decimals", deposit("\"0.00\""), "payload.amount"),
                arguments("amount with 3 decimals", deposit("\"1.005\""), "payload.amount"),
                arguments("amount a JSON number", deposit("10"), "payload.amount"),
                arguments("amount a JSON decimal", deposit("10.5"), "payload.amount"),
                arguments("amount not a number", deposit("\"ten\""), "payload.amount"),
                arguments("amount empty", deposit("\"\""), "payload.amount"),
                arguments("amount in exponent notation", deposit("\"1e3\""), "payload.amount"),
                arguments("amount with a leading dot", deposit("\".50\""), "payload.amount"),
                arguments("withdrawal amount negative", "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyWithdrawn\",\"payload\":{\"amount\":\"-1\"}}", "payload.amount"),
                arguments("currency lower case", opening("{\"owner\":\"Ada\",\"currency\":\"eur\"}"), "payload.currency"),
                arguments("currency not ISO 4217", opening("{\"owner\":\"Ada\",\"currency\":\"ABC\"}"), "payload.currency"),
                arguments("currency too long", opening("{\"owner\":\"Ada\",\"currency\":\"EURO\"}"), "payload.currency"),
                arguments("currency a number", opening("{\"owner\":\"Ada\",\"currency\":978}"), "payload.currency"),
                arguments("currency missing", opening("{\"owner\":\"Ada\"}"), "payload.currency"),
                arguments("owner missing", opening("{\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("owner blank", opening("{\"owner\":\"  \",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("owner over 200 characters", opening("{\"owner\":\"" + "o".repeat(201) + "\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("eventId empty", with("eventId", "\"\""), "eventId"),
                arguments("eventId of 129 characters", with("eventId", "\"" + "e".repeat(129) + "\""), "eventId"),
                arguments("eventId with a space", with("eventId", "\"e 1\""), "eventId"),
                arguments("eventId a number", with("eventId", "7"), "eventId"),
                arguments("eventId null", with("eventId", "null"), "eventId"),
                arguments("expectedVersion negative", with("expectedVersion", "-1"), "expectedVersion"),
                arguments("expectedVersion a decimal", with("expectedVersion", "1.5"), "expectedVersion"),
                arguments("expectedVersion a string", with("expectedVersion", "\"3\""), "expectedVersion"),
                arguments("occurredAt not a time", with("occurredAt", "\"yesterday\""), "occurredAt"),
                arguments("occurredAt a number", with("occurredAt", "1767225600"), "occurredAt"),
                arguments("metadata a string", with("metadata", "\"m\""), "metadata"),
                arguments("metadata unknown field", with("metadata", "{\"user\":\"bob\"}"), "metadata.user"),
                arguments("metadata actor a number", with("metadata", "{\"actor\":5}"), "metadata.actor"),
                arguments("metadata actor over 256 characters", with("metadata", "{\"actor\":\"" + "a".repeat(257) + "\"}"), "metadata.actor"),
                arguments("schemaVersion zero", with("schemaVersion", "0"), "schemaVersion"),
                arguments("schemaVersion newer than known", with("schemaVersion", "3"), "schemaVersion"),
                arguments("schemaVersion a string", with("schemaVersion", "\"1\""), "schemaVersion"),
                arguments("one bad element in a batch", "[" + VALID + "," + VALID + "," + deposit("\"1.005\"") + "]", "[2].payload.amount"),
                arguments("batch of 501 events", batch(501), "body"),
                // Values the pump could not store (issue 9): refused here, before the 202.
                arguments("occurredAt in year 1,000,000,000", with("occurredAt", "\"+1000000000-01-01T00:00:00Z\""), "occurredAt"),
                arguments("occurredAt in year 10000", with("occurredAt", "\"+10000-01-01T00:00:00Z\""), "occurredAt"),
                arguments("occurredAt just before year 1", with("occurredAt", "\"0000-12-31T23:59:59.999999999Z\""), "occurredAt"),
                arguments("occurredAt in year -1,000,000,000", with("occurredAt", "\"-1000000000-01-01T00:00:00Z\""), "occurredAt"),
                // Numbers that do not fit: they must not wrap.
                arguments("expectedVersion 2^64", with("expectedVersion", "18446744073709551616"), "expectedVersion"),
                arguments("expectedVersion 2^63", with("expectedVersion", "9223372036854775808"), "expectedVersion"),
                arguments("expectedVersion 2^53", with("expectedVersion", "9007199254740992"), "expectedVersion"),
                arguments("schemaVersion 2^32+1", with("schemaVersion", "4294967297"), "schemaVersion"),
                arguments("schemaVersion 2^64+1", with("schemaVersion", "18446744073709551617"), "schemaVersion"),
                // Text that would be stored as something else, or read differently than it displays.
                arguments("a lone high surrogate in a payload string", opening("{\"owner\":\"Ada\\ud800\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a lone low surrogate in a payload string", opening("{\"owner\":\"\\udc00Ada\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a lone surrogate in metadata", with("metadata", "{\"actor\":\"bob\\ud83d\"}"), "metadata.actor"),
                arguments("a C0 control (BEL) in a payload string", opening("{\"owner\":\"Ada\\u0007\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a newline in a payload string", opening("{\"owner\":\"Ada\\nLovelace\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a NUL in metadata", with("metadata", "{\"correlationId\":\"c\\u0000\"}"), "metadata.correlationId"),
                arguments("DEL in a payload string", opening("{\"owner\":\"Ada\\u007f\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a C1 control (NEL) in a payload string", opening("{\"owner\":\"Ada\\u0085\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a right-to-left override (U+202E) in a payload string", opening("{\"owner\":\"Ada\\u202Egnp.exe\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a left-to-right mark (U+200E) in a payload string", opening("{\"owner\":\"\\u200EAda\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a right-to-left mark (U+200F) in metadata", with("metadata", "{\"actor\":\"bob\\u200F\"}"), "metadata.actor"),
                arguments("a bidi isolate (U+2066) in a payload string", opening("{\"owner\":\"\\u2066Ada\\u2069\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a bidi embedding (U+202A) in a payload string", opening("{\"owner\":\"\\u202AAda\",\"currency\":\"EUR\"}"), "payload.owner"),
                arguments("a bidi control in a payload key", deposit("\"1.00\",\"\\u202Enote\":\"x\""), "payload"),
                arguments("a control character in a top-level key", with("amount\\u0001", "1"), "body"),
                arguments("a control character in aggregateId", "{\"aggregateId\":\"acc\\t1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("a bidi control in a batch element", "[" + VALID + "," + opening("{\"owner\":\"\\u202EAda\",\"currency\":\"EUR\"}") + "]", "[1].payload.owner"),
                arguments("metadata actor empty", with("metadata", "{\"actor\":\"\"}"), "metadata.actor"));
    }

    /**
     * Bodies the JSON reader itself refuses (request bytes, not trees): (what is wrong, request body, field named).
     * Only the HTTP layer and {@link SubmissionJson} see them.
     */
    public static Stream<Arguments> unreadable() {
        return Stream.of(
                arguments("20,000 levels of nesting", "[".repeat(20_000) + "]".repeat(20_000), "body"),
                arguments("20,000 levels of nesting in a payload", deposit("\"1.00\",\"x\":" + "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000)), "body"),
                arguments("65 levels of nesting", "[".repeat(65) + "]".repeat(65), "body"),
                arguments("a 2,000-digit number", deposit("\"1.00\",\"n\":" + "9".repeat(2_000)), "payload.n"),
                arguments("a 2,000-digit expectedVersion", with("expectedVersion", "1".repeat(2_000)), "expectedVersion"),
                arguments("a key of 2,000 characters", deposit("\"1.00\",\"" + "k".repeat(2_000) + "\":1"), "payload"),
                arguments("a duplicate payload key", "{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\",\"amount\":\"900.00\"}}", "payload.amount"),
                arguments("a duplicate top-level key", "{\"aggregateId\":\"acc-1\",\"aggregateId\":\"acc-2\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\"}}", "aggregateId"),
                arguments("a duplicate metadata key", with("metadata", "{\"actor\":\"alice\",\"actor\":\"mallory\"}"), "metadata.actor"),
                arguments("a duplicate key in a batch element", "[" + VALID + ",{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\",\"amount\":\"2.00\"}}]", "[1].payload.amount"),
                arguments("a duplicate key deep in a payload", deposit("\"1.00\",\"x\":{\"y\":[1,{\"z\":1,\"z\":2}]}"), "payload.x.y[1].z"),
                arguments("truncated JSON", "{\"aggregateId\":\"acc-1\",", "body"),
                arguments("an unquoted key", "{aggregateId:\"acc-1\"}", "body"),
                arguments("a raw control character in a string", "{\"aggregateId\":\"acc-1\u0007\"}", "body"),
                arguments("a misspelt literal", with("expectedVersion", "tru"), "body"),
                arguments("a stray closing bracket", "[" + VALID + "]]", "body"),
                arguments("a second document", VALID + " " + VALID, "body"),
                arguments("a single quote string", "{'aggregateId':'acc-1'}", "body"),
                arguments("NaN", with("expectedVersion", "NaN"), "body"),
                arguments("a leading zero", with("expectedVersion", "01"), "body"));
    }

    /** An array of {@code n} valid deposits. */
    public static String batch(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(VALID);
        return b.append(']').toString();
    }
}

package dev.playback.model.event;

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
                arguments("batch of 501 events", batch(501), "body"));
    }

    /** An array of {@code n} valid deposits. */
    public static String batch(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ",").append(VALID);
        return b.append(']').toString();
    }
}

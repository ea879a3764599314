package dev.playback.examples.ledger;

import dev.playback.model.event.EventType;
import dev.playback.model.event.InvalidEventException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.util.Map;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's payload rules, per event type, and the payout decision at the edge of a zero net. */
class LedgerValidationTest {
    /** A valid payload of each type. */
    static final Map<String, String> VALID = Map.of(
            LedgerEvent.ACCOUNT_OPENED, "{\"owner\":\"Ada\",\"currency\":\"EUR\"}",
            LedgerEvent.MONEY_DEPOSITED, "{\"amount\":\"1.00\"}",
            LedgerEvent.MONEY_WITHDRAWN, "{\"amount\":\"1.00\"}",
            LedgerEvent.PAYOUT_REQUESTED, "{\"amount\":\"1.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}",
            LedgerEvent.EVENT_REVERSED, "{\"reversedEventId\":\"e-1\",\"reason\":\"fraud\"}");

    private static EventType type(String name) {
        return Ledger.catalog().require(name);
    }

    private static String refusal(String typeName, String payload) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> type(typeName).validate(json(payload)));
        return e.field() + ": " + e.getMessage();
    }

    @Test
    void everyTypeOfTheCatalogIsCoveredHereAndAcceptsItsValidPayload() {
        assertEquals(VALID.keySet(), new java.util.HashSet<>(Ledger.catalog().names()));
        VALID.forEach((name, payload) -> type(name).validate(json(payload)));
    }

    @ParameterizedTest
    @CsvSource({"AccountOpened", "MoneyDeposited", "MoneyWithdrawn", "PayoutRequested", "EventReversed"})
    void anUnknownPayloadFieldIsRefusedNamingIt(String typeName) {
        String payload = VALID.get(typeName).replaceFirst("}$", ",\"note\":\"x\"}");
        String refusal = refusal(typeName, payload);
        assertTrue(refusal.startsWith("payload.note: unknown field 'payload.note'"), refusal);
    }

    @Test
    void aPayoutNeedsAnAmountACurrencyAndANamedBeneficiary() {
        assertEquals("payload.beneficiary", field(LedgerEvent.PAYOUT_REQUESTED, "{\"amount\":\"1.00\",\"targetCurrency\":\"USD\"}"));
        assertEquals("payload.beneficiary", field(LedgerEvent.PAYOUT_REQUESTED, "{\"amount\":\"1.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\" \"}"));
        assertEquals("payload.beneficiary", field(LedgerEvent.PAYOUT_REQUESTED, "{\"amount\":\"1.00\",\"targetCurrency\":\"USD\",\"beneficiary\":7}"));
        assertEquals("payload.beneficiary", field(LedgerEvent.PAYOUT_REQUESTED,
                "{\"amount\":\"1.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"" + "b".repeat(201) + "\"}"));
        type(LedgerEvent.PAYOUT_REQUESTED).validate(json("{\"amount\":\"1.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"" + "b".repeat(200) + "\"}"));
        assertEquals("payload.targetCurrency", field(LedgerEvent.PAYOUT_REQUESTED, "{\"amount\":\"1.00\",\"targetCurrency\":\"XYZ\",\"beneficiary\":\"Bob\"}"));
        assertEquals("payload.targetCurrency", field(LedgerEvent.PAYOUT_REQUESTED, "{\"amount\":\"1.00\",\"beneficiary\":\"Bob\"}"));
        assertEquals("payload.amount", field(LedgerEvent.PAYOUT_REQUESTED, "{\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}"));
    }

    @Test
    void aReversalNeedsTheIdOfAnEventAndAReasonOfAtMost500Characters() {
        assertEquals("payload.reversedEventId", field(LedgerEvent.EVENT_REVERSED, "{\"reason\":\"fraud\"}"));
        assertEquals("payload.reversedEventId", field(LedgerEvent.EVENT_REVERSED, "{\"reversedEventId\":\"not an id\",\"reason\":\"fraud\"}"));
        assertEquals("payload.reversedEventId", field(LedgerEvent.EVENT_REVERSED, "{\"reversedEventId\":12,\"reason\":\"fraud\"}"));
        assertEquals("payload.reason", field(LedgerEvent.EVENT_REVERSED, "{\"reversedEventId\":\"e-1\"}"));
        assertEquals("payload.reason", field(LedgerEvent.EVENT_REVERSED, "{\"reversedEventId\":\"e-1\",\"reason\":\"\"}"));
        assertEquals("payload.reason", field(LedgerEvent.EVENT_REVERSED, "{\"reversedEventId\":\"e-1\",\"reason\":\"" + "r".repeat(501) + "\"}"));
        type(LedgerEvent.EVENT_REVERSED).validate(json("{\"reversedEventId\":\"e-1\",\"reason\":\"" + "r".repeat(500) + "\"}"));
    }

    private static String field(String typeName, String payload) {
        return assertThrows(InvalidEventException.class, () -> type(typeName).validate(json(payload))).field();
    }

    /** The decision of v2 for a payout of {@code amount} EUR to EUR (no conversion). */
    private static PayoutsState.Payout decided(String amount) {
        return new PayoutsProcessor(FeeRule.V2).decide("p-1", new LedgerEvent.PayoutRequested(new BigDecimal(amount), "EUR", "Bob"), BigDecimal.ONE);
    }

    @Test
    void aPayoutWhoseFeeTakesItAllIsDecidedButNotSent() {
        // the minimum fee 0.50 leaves 0.00
        PayoutsState.Payout zero = decided("0.50");
        assertEquals(new BigDecimal("0.00"), zero.net());
        assertFalse(zero.sent());
    }

    @Test
    void aPayoutOneCentAboveTheFeeIsSent() {
        PayoutsState.Payout cent = decided("0.51");
        assertEquals(new BigDecimal("0.01"), cent.net());
        assertTrue(cent.sent());
    }
}

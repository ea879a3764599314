package dev.playback.examples.ledger;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FeeRuleTest {
    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    void v2TakesOnePercentOfTheConvertedAmountRoundedHalfEven() {
        assertEquals(d("1.08"), FeeRule.V2.fee(d("100.00"), d("108.50")), "1.085 rounds half-even down to 1.08");
        assertEquals(d("2.15"), FeeRule.V2.fee(d("250.55"), d("215.47")));
    }

    @Test
    void v1TakesItOnTheAmountBeforeConversion() {
        assertEquals(d("1.00"), FeeRule.V1.fee(d("100.00"), d("108.50")));
        assertEquals(d("2.51"), FeeRule.V1.fee(d("250.55"), d("215.47")), "2.5055 rounds to 2.51");
    }

    @Test
    void theFeeIsAtLeastFiftyCents() {
        assertEquals(d("0.50"), FeeRule.V2.fee(d("20.00"), d("20.00")));
        assertEquals(d("0.50"), FeeRule.V1.fee(d("49.99"), d("100.00")));
    }

    @Test
    void conversionRoundsHalfEvenToCents() {
        assertEquals(d("215.47"), FeeRule.convert(d("250.55"), d("0.8600")));
        assertEquals(d("0.12"), FeeRule.convert(d("0.25"), d("0.5")), "0.125 rounds half-even to 0.12");
        assertEquals(d("0.38"), FeeRule.convert(d("0.75"), d("0.5")), "0.375 rounds half-even to 0.38");
    }

    @Test
    void parsesTheTemplateParameter() {
        assertEquals(FeeRule.V1, FeeRule.parse("v1"));
        assertEquals(FeeRule.V2, FeeRule.parse("V2"));
        assertEquals(FeeRule.V4, FeeRule.parse(" v4 "));
        assertThrows(IllegalArgumentException.class, () -> FeeRule.parse("v5"));
    }

    @Test
    void v3TakesTheMinimumOfTheTargetCurrency() {
        assertEquals(d("0.40"), FeeRule.V3.fee(d("20.00"), d("17.20"), "GBP"));
        assertEquals(d("1.08"), FeeRule.V3.fee(d("100.00"), d("108.50"), "USD"));
    }

    @Test
    void v3ThrowsOnACurrencyWithoutAMinimumAndV4TakesTheDefaultThere() {
        assertThrows(NullPointerException.class, () -> FeeRule.V3.fee(d("20.00"), d("20.00"), "EUR"));
        assertEquals(d("0.50"), FeeRule.V4.fee(d("20.00"), d("20.00"), "EUR"));
        assertEquals(d("0.40"), FeeRule.V4.fee(d("20.00"), d("17.20"), "GBP"));
    }

    @Test
    void thePayoutIsConvertedMinusFee() {
        var p = new LedgerEvent.PayoutRequested(d("100.00"), "USD", "Bob");
        assertEquals(d("107.42"), new PayoutsProcessor(FeeRule.V2).decide("p", p, d("1.0850")).net());
        assertEquals(d("107.50"), new PayoutsProcessor(FeeRule.V1).decide("p", p, d("1.0850")).net());
    }

    @Test
    void thePayoutsProcessorsLogicVersionNamesItsFeeRule() {
        assertEquals("fee-v1.2", new PayoutsProcessor(FeeRule.V1).logicVersion());
        assertEquals("fee-v2.2", new PayoutsProcessor(FeeRule.V2).logicVersion());
    }
}

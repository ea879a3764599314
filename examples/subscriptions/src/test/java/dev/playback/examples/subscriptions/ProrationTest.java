package dev.playback.examples.subscriptions;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The net of a month by each proration rule, for months worked out by hand: v2 divides the monthly price by the days
 * of the month, v1 by 30; the exact sum is rounded half-even to cents once.
 */
class ProrationTest {
    private static Subscription.Prices from(String startedOn, String cancelledOn, Subscription.Price... prices) {
        return new Subscription.Prices(LocalDate.parse(startedOn), cancelledOn == null ? null : LocalDate.parse(cancelledOn), List.of(prices));
    }

    private static Subscription.Price price(String from, String monthlyPrice) {
        return new Subscription.Price(LocalDate.parse(from), "basic", new BigDecimal(monthlyPrice));
    }

    private static BigDecimal net(Proration rule, Subscription.Prices prices, String period) {
        return rule.net(prices, YearMonth.parse(period));
    }

    @Test
    void startedOnMarch11th_v2Bills21DaysAtOneEuro_v1At31Over30() {
        Subscription.Prices p = from("2026-03-11", null, price("2026-03-11", "31.00"));

        // 21 days (11th to 31st) × 31.00 / 31 = 21.00; × 31.00 / 30 = 651 / 30 = 21.70
        assertEquals(new BigDecimal("21.00"), net(Proration.V2, p, "2026-03"));
        assertEquals(new BigDecimal("21.70"), net(Proration.V1, p, "2026-03"));
    }

    @Test
    void aFullFebruaryOf2026HasTwentyEightDays() {
        Subscription.Prices p = from("2026-01-15", null, price("2026-01-15", "28.00"));

        // v2: 28 × 28.00 / 28 = 28.00; v1: 28 × 28.00 / 30 = 784 / 30 = 26.1333…
        assertEquals(new BigDecimal("28.00"), net(Proration.V2, p, "2026-02"));
        assertEquals(new BigDecimal("26.13"), net(Proration.V1, p, "2026-02"));
    }

    @Test
    void aFullMonthByV2IsExactlyTheMonthlyPriceBecauseOnlyTheSumIsRounded() {
        Subscription.Prices p = from("2026-02-20", null, price("2026-02-20", "10.00"));

        // rounding each day (10.00 / 31 = 0.32) would give 9.92; the sum 310.00 / 31 is 10.00 exactly; v1: 310 / 30 = 10.333…
        assertEquals(new BigDecimal("10.00"), net(Proration.V2, p, "2026-03"));
        assertEquals(new BigDecimal("10.33"), net(Proration.V1, p, "2026-03"));
    }

    @Test
    void aPlanChangeMidMonthBillsEachPriceForItsDays() {
        Subscription.Prices p = from("2026-05-01", null, price("2026-05-01", "31.00"), price("2026-05-17", "62.00"));

        // May 1–16: 16 × 31.00 = 496.00; May 17–31: 15 × 62.00 = 930.00; sum 1426.00
        // v2: 1426 / 31 = 46.00; v1: 1426 / 30 = 47.5333…
        assertEquals(new BigDecimal("46.00"), net(Proration.V2, p, "2026-05"));
        assertEquals(new BigDecimal("47.53"), net(Proration.V1, p, "2026-05"));
    }

    @Test
    void aCancellationEndsBillingTheDayBefore() {
        Subscription.Prices p = from("2026-01-01", "2026-02-10", price("2026-01-01", "30.00"));

        // February 1–9: 9 × 30.00 = 270.00; v2: 270 / 28 = 9.642857…; v1: 270 / 30 = 9.00
        assertEquals(new BigDecimal("9.64"), net(Proration.V2, p, "2026-02"));
        assertEquals(new BigDecimal("9.00"), net(Proration.V1, p, "2026-02"));
        assertEquals(new BigDecimal("0.00"), net(Proration.V2, p, "2026-03"));
    }

    @Test
    void anExactHalfCentIsRoundedToTheEvenCent() {
        Subscription.Prices p = from("2026-06-30", null, price("2026-06-30", "3.75"));

        // one day of June (30 days): 3.75 / 30 = 0.125 → 0.12 (half-up would give 0.13)
        assertEquals(new BigDecimal("0.12"), net(Proration.V2, p, "2026-06"));
        assertEquals(new BigDecimal("0.12"), net(Proration.V1, p, "2026-06"));
    }

    @Test
    void aRuleIsReadFromItsSettingAndAnUnknownOneIsRefusedNamingIt() {
        assertEquals(Proration.V1, Proration.parse("v1"));
        assertEquals(Proration.V2, Proration.parse(" V2 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Proration.parse("v3"));
        assertEquals("unknown proration rule 'v3'; expected v1 or v2", e.getMessage());
    }

    @Test
    void theInvoicingProcessorsLogicVersionNamesItsProrationRule() {
        assertEquals("proration-v1.2", new InvoicingProcessor(Proration.V1).logicVersion());
        assertEquals("proration-v2.2", new InvoicingProcessor(Proration.V2).logicVersion());
    }
}

package dev.playback.examples.ledger;

import dev.playback.testkit.History;
import dev.playback.testkit.MissingAnswer;
import dev.playback.testkit.ProcessorFixture;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The payouts processor, tested with the test kit: given an account's events, when a payout or a reversal, then the bank. */
class PayoutsTestKitTest {
    private final ProcessorFixture<PayoutsState> payouts = ProcessorFixture.of(new PayoutsProcessor(FeeRule.V2))
            .upcasting(new Ledger().eventTypes())
            .answering(Payouts.FX_RATE, new Payouts.RateRequest("EUR", "USD"), json("{\"rate\":\"1.0850\"}"));

    @Test
    void aPayoutWithARecordedRateSendsTheBankTheConvertedAmountLessTheFeeOnIt() throws URISyntaxException {
        // an account opened in EUR, a deposit in the old shape (schema 1, {value}), a payout of 100.00 to USD; FX answered 1.0850
        History recorded = History.fromJson(Path.of(getClass().getResource("payout-recorded-rate.json").toURI()));

        ProcessorFixture.of(new PayoutsProcessor(FeeRule.V2)).upcasting(new Ledger().eventTypes())
                .when(recorded)
                // 100.00 × 1.0850 = 108.50; fee 1 % of 108.50 = 1.085 → 1.08 (half-even, above the 0.50 minimum); net 107.42
                .expectCommandsOf("p-1", Payouts.BANK_PAYOUT_SITE,
                        json("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"107.42\"}"))
                .expectStateField("p-1", "ledger.payouts", "1")
                // the deposit was upcast from {value}: 500.00 − 100.00
                .expectStateField("p-1", "ledger.balance", "400.00");
    }

    @Test
    void aReversedPayoutSendsTheBankOneCompensationOfItsNetAndPutsTheMoneyBack() {
        payouts.given(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"))
                .when(reversal("r-1", "p-1"))
                .expectCommands(Payouts.BANK_PAYOUT_SITE,
                        json("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"-107.42\"}"))
                .expectStateField("r-1", "ledger.balance", "500.00")
                .expectStateField("r-1", "ledger.reversals", "1");
    }

    @Test
    void theCommittedRedactedArchiveReplaysToWhatItsLivePayoutsSent() {
        // 72 events of 12 accounts exported with `playback export --redact` from a local stack running fee rule v2 (the CI sample's)
        History archive = History.fromArchive(Path.of("..", "ci", "ledger-history.playback.gz"));

        ProcessorFixture.of(new PayoutsProcessor(FeeRule.V2)).upcasting(new Ledger().eventTypes())
                .when(archive)
                .expectCommandsAsRecorded();
        assertEquals(72, archive.events().size());
        assertEquals(24, archive.commands().stream().filter(c -> c.disposition() == dev.playback.model.gateway.Disposition.SENT).count());
    }

    @Test
    void aPayoutToACurrencyWithoutAnAnswerFailsNamingTheQuery() {
        MissingAnswer missing = assertThrows(MissingAnswer.class, () -> payouts
                .given(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"))
                .when(event("p-1", "acc-1", LedgerEvent.PAYOUT_REQUESTED,
                        json("{\"amount\":\"10.00\",\"targetCurrency\":\"GBP\",\"beneficiary\":\"Bob\"}"))));

        assertEquals("fx.rate", missing.site().id());
        assertEquals(json("{\"from\":\"EUR\",\"to\":\"GBP\"}"), missing.request());
    }

    private static dev.playback.model.event.EventEnvelope payout(String id, String amount) {
        return event(id, "acc-1", LedgerEvent.PAYOUT_REQUESTED,
                json("{\"amount\":\"" + amount + "\",\"targetCurrency\":\"USD\",\"beneficiary\":\"Bob\"}"));
    }

    private static dev.playback.model.event.EventEnvelope reversal(String id, String target) {
        return event(id, "acc-1", LedgerEvent.EVENT_REVERSED, json("{\"reversedEventId\":\"" + target + "\",\"reason\":\"sent in error\"}"));
    }
}

package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.EventNotes;
import dev.playback.model.processor.Reversing;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.ReversalTest.payout;
import static dev.playback.examples.ledger.ReversalTest.reversal;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which commands a reversal sends to the bank: decided when it applies, from what the command log says reached the bank
 * for the reversed event, not from a copy in the state.
 */
class PayoutsCompensationsTest {
    private final FakeExternalSystems bank = new FakeExternalSystems().rate("EUR", "USD", "1.0850");

    /** The commands the bank received while the events (versions 1..n of acc-1) were applied live. */
    private List<JsonNode> sent(EventEnvelope... events) {
        GatewayBinding<PayoutsState> p = new GatewayBinding<>(new PayoutsProcessor(FeeRule.V2),
                new GatewayPorts(bank, new InMemoryQueryRecords(), new InMemoryCommandLog()), GatewayRun.live(), new GatewayReport());
        Map<String, EventEnvelope> seen = new HashMap<>();
        Reversing<PayoutsState> payouts = new Reversing<>(p, id -> Optional.ofNullable(seen.get(id)), EventNotes.inMemory(), 0);
        PayoutsState s = p.initial("acc-1");
        long v = 1;
        for (EventEnvelope e : events) {
            EventEnvelope versioned = e.withVersion(v++);
            seen.put(versioned.eventId(), versioned);
            s = payouts.apply(s, versioned);
        }
        return bank.received().stream().map(FakeExternalSystems.Received::command).toList();
    }

    /** 100.00 EUR paid out to Bob as 107.42 USD after the fee, or its opposite. */
    private static JsonNode toBob(String amount) {
        return json("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"" + amount + "\"}");
    }

    @Test
    void reversingASentPayoutTakesBackItsNet() {
        assertEquals(List.of(toBob("107.42"), toBob("-107.42")),
                sent(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"), reversal("r-1", "p-1")));
    }

    @Test
    void reversingTheReversalOfAPayoutPaysItAgain_andTheNextOneTakesItBackAgain() {
        assertEquals(List.of(toBob("107.42"), toBob("-107.42"), toBob("107.42"), toBob("-107.42")),
                sent(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"), reversal("r-1", "p-1"),
                        reversal("r-2", "r-1"), reversal("r-3", "r-2")));
    }

    @Test
    void aPayoutThatWasNeverSentCausesNothing() {
        EventEnvelope swallowed = event("p-1", "acc-1", LedgerEvent.PAYOUT_REQUESTED,
                json("{\"amount\":\"0.50\",\"targetCurrency\":\"EUR\",\"beneficiary\":\"Bob\"}"));
        assertEquals(List.of(), sent(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), swallowed, reversal("r-1", "p-1")),
                "the minimum fee swallowed the payout: nothing went out, nothing to take back");
    }

    @Test
    void aDeclinedPayoutCausesNothing() {
        assertEquals(List.of(), sent(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "50.00"), payout("p-1", "100.00"),
                reversal("r-1", "p-1")));
    }

    @Test
    void reversingADepositCausesNothingOutside() {
        assertEquals(List.of(toBob("107.42")),
                sent(opened("e-1", "acc-1"), deposited("e-2", "acc-1", "500.00"), payout("p-1", "100.00"), reversal("r-1", "e-2")));
    }
}

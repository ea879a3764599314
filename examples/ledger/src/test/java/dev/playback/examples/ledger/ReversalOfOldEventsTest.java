package dev.playback.examples.ledger;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.LedgerEnvelopes.withdrawn;
import static dev.playback.examples.ledger.ReversalTest.payout;
import static dev.playback.examples.ledger.ReversalTest.reversal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reversal of an event far older than anything the state holds, on accounts of 1,200 and 10,000 events through the
 * projector: undone from the reversed event itself (read by its id), not by reading the account's stream; a second
 * reversal is refused, reversing the reversal puts the event back, a reversal of another account's event is rejected
 * and never blocks the account; a reversed payout is compensated once.
 */
class ReversalOfOldEventsTest {
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final AtomicLong eventsRead = new AtomicLong();
    /** The events table as the projector reads it, counting the events it returns. */
    private final EventStore counted = new EventStore() {
        @Override
        public List<EventEnvelope> read(String aggregateId, long fromVersion, int limit) {
            List<EventEnvelope> page = log.read(aggregateId, fromVersion, limit);
            eventsRead.addAndGet(page.size());
            return page;
        }

        @Override
        public Map<String, EventStatus> statuses(Collection<String> eventIds) {
            return log.statuses(eventIds);
        }
    };
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final BalancesProjection balances = new BalancesProjection();
    private final Projector<AccountBalance> projector = new Projector<>(balances, counted, states, Ledger.catalog());
    private final List<EventEnvelope> history = new ArrayList<>();

    /** Appends as the pump does: the event id claimed for its version, then the event. */
    private void append(EventEnvelope... events) {
        List<EventEnvelope> batch = new ArrayList<>();
        for (EventEnvelope e : events) {
            EventEnvelope v = e.withVersion(history.size() + 1);
            history.add(v);
            batch.add(v);
            log.record(new EventStatus.Claimed(v.eventId(), v.aggregateId(), v.versionOrZero(), Instant.parse("2026-01-01T00:00:00Z")));
        }
        log.write(batch);
    }

    /**
     * acc-1: opened, a deposit of 500.00 ({@code first}), then {@code n - 2} events: deposits of 10.00, withdrawals of
     * 3.00 (from the 6th event on, so that the deposits after {@code first} cover each: no decision depends on it) and,
     * every 97th, a withdrawal of 1,000,000.00 (declined).
     */
    private void account(int n, String first) {
        append(opened("e-open", "acc-1"), deposited(first, "acc-1", "500.00"));
        for (int i = 3; i <= n; i++) {
            if (i % 97 == 0) append(withdrawn("w-" + i, "acc-1", "1000000.00"));
            else if (i % 3 == 0 && i > 5) append(withdrawn("w-" + i, "acc-1", "3.00"));
            else append(deposited("d-" + i, "acc-1", "10.00"));
        }
    }

    /** The balance of acc-1's history without {@code left out}, folded here by the ledger's arithmetic, not by its code. */
    private BigDecimal balanceWithout(String leftOut) {
        BigDecimal balance = new BigDecimal("0.00");
        for (EventEnvelope e : history) {
            if (e.eventId().equals(leftOut) || e.type().equals(LedgerEvent.EVENT_REVERSED)) continue;
            BigDecimal amount = e.payload().has("amount") ? new BigDecimal(e.payload().path("amount").asText()) : BigDecimal.ZERO;
            if (e.type().equals(LedgerEvent.MONEY_DEPOSITED)) balance = balance.add(amount);
            else if (e.type().equals(LedgerEvent.MONEY_WITHDRAWN) && balance.compareTo(amount) >= 0) balance = balance.subtract(amount);
        }
        return balance;
    }

    private AccountBalance state() {
        return balances.decode(states.load("balances", "g0", "acc-1").orElseThrow().state());
    }

    @Test
    void reversingTheFirstDepositOfAnAccountWith10000EventsReadsTheReversalAndTheDepositOnly() {
        account(10_000, "e-first");
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        append(reversal("r-1", "e-first"));
        eventsRead.set(0);

        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);

        System.out.println("events read to reverse the first deposit of an account of 10,000 events: " + eventsRead.get());
        assertEquals(balanceWithout("e-first"), state().balance());
        assertEquals(1, state().reversals());
        assertEquals(0, state().rejectedCount());
        assertTrue(eventsRead.get() <= 2, "read " + eventsRead.get() + " events: the reversal and its target, by id");
    }

    @Test
    void theSnapshotAfterAReversalOfAnOldEventFoldsOnlyTheEventsSinceThePreviousSnapshot() {
        Snapshots snapshots = new Snapshots(new InMemorySnapshotStore(), counted, Ledger.catalog(), new SnapshotPolicy(100, Map.of(), 3),
                Metrics.NONE, line -> {
            throw new AssertionError(line);
        });
        Projector<AccountBalance> withSnapshots = new Projector<>(balances, counted, states, Ledger.catalog(), snapshots);
        account(10_000, "e-first");
        withSnapshots.catchUp("g0", "acc-1", Long.MAX_VALUE);
        append(reversal("r-1", "e-first"));
        for (int i = 0; i < 99; i++) append(deposited("late-" + i, "acc-1", "1.00"));
        eventsRead.set(0);

        withSnapshots.catchUp("g0", "acc-1", Long.MAX_VALUE);

        System.out.println("events read to apply the reversal and 99 deposits and take the snapshot at 10,100: " + eventsRead.get());
        assertTrue(eventsRead.get() <= 2 * 100 + 2, "read " + eventsRead.get() + " events, bounded by the snapshot interval");
        assertEquals(balanceWithout("e-first"), state().balance());
    }

    @Test
    void aSecondReversalIsRefusedAndReversingTheReversalPutsTheDepositBack() {
        account(1_200, "e-old");
        append(reversal("r-1", "e-old"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(balanceWithout("e-old"), state().balance());

        append(reversal("r-2", "e-old"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(balanceWithout("e-old"), state().balance());
        assertEquals("event e-old is already reversed by r-1", state().rejected().get(state().rejected().size() - 1).reason());

        append(reversal("r-3", "r-1"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(balanceWithout("e-old").add(new BigDecimal("500.00")), state().balance(), "reversing the reversal puts the deposit back");

        append(deposited("d-late", "acc-1", "2.00"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        projector.rebuild("g1", "acc-1");
        assertEquals(states.load("balances", "g1", "acc-1").orElseThrow().state(), states.load("balances", "g0", "acc-1").orElseThrow().state(),
                "incremental and rebuilt states agree");
    }

    @Test
    void aReversalOfAnEventThatIsNotThisAccountsIsRejectedAndTheAccountKeepsFlowing() {
        account(1_200, "e-old");
        append(reversal("r-x", "no-such-event"), deposited("d-after", "acc-1", "3.00"));
        projector.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(balanceWithout("none"), state().balance());
        assertTrue(state().rejected().stream().anyMatch(x -> x.eventId().equals("r-x") && x.reason().contains("no-such-event")),
                state().rejected().toString());
    }

    @Test
    void theFirstPayoutOfAnAccountWith10000EventsReversedIsCompensatedOnceAtWhatTheBankReceived() {
        FakeExternalSystems bank = new FakeExternalSystems().rate("EUR", "USD", "1.0850");
        GatewayPorts ports = new GatewayPorts(bank, new InMemoryQueryRecords(), new InMemoryCommandLog());
        Projector<PayoutsState> payouts = new Projector<>(new GatewayBinding<>(Ledger.payouts(FeeRule.V2), ports, GatewayRun.live(),
                new GatewayReport()), counted, states, Ledger.catalog());
        append(opened("e-open", "acc-1"), deposited("e-dep", "acc-1", "500.00"), payout("p-old", "100.00"));
        for (int i = 4; i <= 10_000; i++) append(deposited("d-" + i, "acc-1", "1.00"));
        payouts.catchUp("g0", "acc-1", Long.MAX_VALUE);
        append(reversal("r-1", "p-old"));
        eventsRead.set(0);

        payouts.catchUp("g0", "acc-1", Long.MAX_VALUE);

        System.out.println("events read to reverse the first payout of an account of 10,000 events: " + eventsRead.get());
        assertEquals(List.of("107.42", "-107.42"), bank.received().stream().map(r -> r.command().path("amount").asText()).toList());
        assertEquals(Map.of("p-old", new BigDecimal("0.00")), bank.netPerPayout());
        PayoutsState s = Ledger.payouts(FeeRule.V2).decode(states.load("payouts", "g0", "acc-1").orElseThrow().state());
        assertEquals(new BigDecimal("10497.00"), s.ledger().balance(), "500.00 + 9,997 × 1.00, the payout of 100.00 put back");
        assertTrue(eventsRead.get() <= 2, "read " + eventsRead.get() + " events");

        payouts.catchUp("g0", "acc-1", Long.MAX_VALUE);
        append(reversal("r-2", "p-old"));
        payouts.catchUp("g0", "acc-1", Long.MAX_VALUE);
        assertEquals(2, bank.received().size(), "caught up again and reversed again: nothing sent twice");
    }
}

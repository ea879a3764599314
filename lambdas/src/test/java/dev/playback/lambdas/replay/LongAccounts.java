package dev.playback.lambdas.replay;

import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.playback.model.event.Envelopes.json;

/**
 * Ledger accounts with long streams, applied live in a {@link ReplayWorld} (snapshots every 100 events): version v of
 * an account is recorded v minutes after {@link #R0}; version 1 opens it, every later one deposits v.00.
 */
final class LongAccounts {
    static final Instant R0 = Instant.parse("2026-01-10T00:00:00Z");

    private LongAccounts() {
    }

    static EventEnvelope event(String account, int v, int offsetMinutes) {
        Instant at = R0.plusSeconds(60L * (v + offsetMinutes));
        String type = v == 1 ? LedgerEvent.ACCOUNT_OPENED : LedgerEvent.MONEY_DEPOSITED;
        String payload = v == 1 ? "{\"owner\":\"Ada\",\"currency\":\"EUR\"}" : "{\"amount\":\"" + v + ".00\"}";
        return new EventEnvelope("e-" + account + "-" + v, account, type, 1, null, null, at, at, json(payload), null, EventMetadata.NONE);
    }

    /**
     * acc-long: 250 events, applied live 10 at a time (snapshots at 100 and 200); acc-short: 3 events; acc-late: 2
     * events, recorded 1,000 minutes later than the others' versions.
     */
    static void history(ReplayWorld world) {
        for (int from = 1; from <= 250; from += 10) {
            List<EventEnvelope> batch = new ArrayList<>();
            for (int v = from; v < from + 10; v++) batch.add(event("acc-long", v, 0));
            world.live(batch.toArray(EventEnvelope[]::new));
        }
        world.live(event("acc-short", 1, 0), event("acc-short", 2, 0), event("acc-short", 3, 0));
        world.live(event("acc-late", 1, 1000), event("acc-late", 2, 1000));
    }

    /** The balance of the deposits 2..v (v.00 each), computed here. */
    static BigDecimal deposits(int upTo) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int v = 2; v <= upTo; v++) sum = sum.add(new BigDecimal(v + ".00"));
        return sum;
    }
}

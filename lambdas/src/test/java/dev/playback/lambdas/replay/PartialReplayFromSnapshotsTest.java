package dev.playback.lambdas.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.model.event.EventCodec;
import dev.playback.model.snapshot.Snapshot;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partial replay folds each aggregate from the newest snapshot of the processor's logic version (for {@code knownAt},
 * the newest whose events were all recorded by then) and says how many events it folded from which snapshot; the
 * states equal a fold of the whole stream (of the events known then).
 */
class PartialReplayFromSnapshotsTest {
    private final ReplayWorld world = new ReplayWorld();

    private JsonNode replay(String replayId, Object... more) {
        Object[] request = new Object[4 + more.length];
        request[0] = "replayId";
        request[1] = replayId;
        request[2] = "aggregates";
        request[3] = List.of("acc-long", "acc-short");
        System.arraycopy(more, 0, request, 4, more.length);
        world.call(input("action", "findAggregates", "request", input(request)));
        JsonNode batch = world.call(input("action", "rebuildAggregates", "replayId", replayId, "chunk", List.of("acc-long", "acc-short")));
        assertEquals(1, batch.path("fromSnapshots").asInt(), batch::toString);
        return world.call(input("action", "partialReport", "replayId", replayId));
    }

    @Test
    void aPartialReplayOfALongStreamFoldsOnlyTheEventsAfterTheNewestSnapshotAndEqualsTheWholeFold() {
        LongAccounts.history(world);
        world.corrupt("g0", "acc-long", "0.00");
        // a snapshot of other logic, newer and wrong, is never a start
        Snapshot ours = world.snapshotStore.latest(BalancesProjection.NAME, "2", "acc-long", 200, 1).get(0);
        ObjectNode wrong = ((ObjectNode) ours.state().deepCopy()).put("balance", "1.00");
        world.snapshotStore.put(new Snapshot(BalancesProjection.NAME, "other-logic", "acc-long", 240, wrong, ours.latestOccurredAt(),
                ours.latestRecordedAt()));

        JsonNode report = replay("s-1");

        assertEquals(0, LongAccounts.deposits(250).compareTo(new BigDecimal(world.balance("g0", "acc-long"))));
        assertEquals(250, world.state("g0", "acc-long").version());
        assertEquals(0, LongAccounts.deposits(3).compareTo(new BigDecimal(world.balance("g0", "acc-short"))));
        // acc-long: 50 events after the snapshot at 200; acc-short: its 3 from the first
        assertEquals(53, report.path("events").asLong(), report::toString);
        assertEquals(1, report.path("fromSnapshots").asLong());
        assertEquals(1, report.path("fromFirstEvent").asLong());
        assertEquals(1, report.path("snapshotVersions").path("200").asLong(), report::toString);
        assertTrue(report.path("summary").asText().contains("1 folds from snapshots (at versions 200), 1 from the first event"), report::toString);
    }

    @Test
    void aPartialReplayKnownAtAnInstantStartsFromTheNewestSnapshotWhoseEventsWereAllRecordedByThen() throws Exception {
        LongAccounts.history(world);

        JsonNode report = replay("s-2", "knownAt", LongAccounts.R0.plusSeconds(60L * 150).toString());

        List<String> refs = world.reports.refs("reports/known/s-2/balances/");
        JsonNode states = EventCodec.JSON.readTree(world.reports.get(refs.get(0))).get("states");
        JsonNode long_ = states.get("acc-long");
        assertEquals(150, long_.path("version").asLong());
        assertEquals(100, long_.path("snapshot").asLong(), long_::toString);
        assertEquals(50, long_.path("eventsFolded").asLong());
        assertEquals(0, LongAccounts.deposits(150).compareTo(new BigDecimal(long_.path("state").path("balance").asText())));
        JsonNode short_ = states.get("acc-short");
        assertTrue(short_.path("snapshot").isNull(), short_::toString);
        assertEquals(3, short_.path("eventsFolded").asLong());
        assertEquals(53, report.path("events").asLong(), report::toString);
        assertEquals(1, report.path("snapshotVersions").path("100").asLong(), report::toString);
        // the live state keeps every event
        assertEquals(0, LongAccounts.deposits(250).compareTo(new BigDecimal(world.balance("g0", "acc-long"))));
    }
}

package dev.playback.lambdas.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partial replay with {@code knownAt} folds only the events recorded by then, as a time-travel query does: it
 * reproduces the states as they were known at that instant, and leaves the live states as they are.
 */
class PartialReplayKnownAtTest {
    private final ReplayWorld world = new ReplayWorld();

    private static EventEnvelope at(String id, String account, String type, String payload, String occurred, String recorded) {
        return new EventEnvelope(id, account, type, 1, null, null, Instant.parse(occurred), Instant.parse(recorded), json(payload),
                null, EventMetadata.NONE);
    }

    /**
     * acc-1: opened Jan 1, 100.00 in Jan 2, 30.00 out Jan 3, then a deposit of 5.00 that occurred on Jan 1 but was recorded
     * on Jan 5; acc-2: opened Jan 1, 7.00 in recorded Jan 6.
     */
    private void ledger() {
        world.live(at("o1", "acc-1", LedgerEvent.ACCOUNT_OPENED, "{\"owner\":\"Ada\",\"currency\":\"EUR\"}", "2026-01-01T08:00:00Z", "2026-01-01T08:00:01Z"),
                at("d1", "acc-1", LedgerEvent.MONEY_DEPOSITED, "{\"amount\":\"100.00\"}", "2026-01-02T10:00:00Z", "2026-01-02T10:00:00Z"),
                at("w1", "acc-1", LedgerEvent.MONEY_WITHDRAWN, "{\"amount\":\"30.00\"}", "2026-01-03T09:00:00Z", "2026-01-03T09:00:00Z"),
                at("d2", "acc-1", LedgerEvent.MONEY_DEPOSITED, "{\"amount\":\"5.00\"}", "2026-01-01T23:00:00Z", "2026-01-05T00:00:00Z"));
        world.live(at("o2", "acc-2", LedgerEvent.ACCOUNT_OPENED, "{\"owner\":\"Bo\",\"currency\":\"EUR\"}", "2026-01-01T08:00:00Z", "2026-01-01T08:00:00Z"),
                at("e2", "acc-2", LedgerEvent.MONEY_DEPOSITED, "{\"amount\":\"7.00\"}", "2026-01-06T08:00:00Z", "2026-01-06T08:00:00Z"));
    }

    private JsonNode replayKnownAt(String replayId, String knownAt, List<String> aggregates) {
        world.call(input("action", "findAggregates", "request", input("replayId", replayId, "aggregates", aggregates, "knownAt", knownAt)));
        world.call(input("action", "rebuildAggregates", "replayId", replayId, "chunk", aggregates));
        return world.call(input("action", "partialReport", "replayId", replayId));
    }

    private JsonNode states(String replayId) throws Exception {
        List<String> refs = world.reports.refs("reports/known/" + replayId + "/balances/");
        assertEquals(1, refs.size(), refs.toString());
        return EventCodec.JSON.readTree(world.reports.get(refs.get(0))).get("states");
    }

    @Test
    void aPartialReplayKnownAtAnInstantFoldsOnlyTheEventsRecordedByThenAndLeavesTheLiveStatesAlone() throws Exception {
        ledger();

        JsonNode report = replayKnownAt("k-1", "2026-01-04T00:00:00Z", List.of("acc-1", "acc-2"));

        // recorded by Jan 4: acc-1's first three events (100.00 - 30.00; the 5.00 that occurred Jan 1 was recorded Jan 5),
        // acc-2's opening only
        JsonNode states = states("k-1");
        assertEquals(3, states.path("acc-1").path("version").asLong());
        assertEquals("70.00", states.path("acc-1").path("state").path("balance").asText());
        assertEquals(1, states.path("acc-2").path("version").asLong());
        assertEquals(0, new java.math.BigDecimal("0").compareTo(new java.math.BigDecimal(states.path("acc-2").path("state").path("balance").asText())));
        assertEquals("2026-01-04T00:00:00Z", report.path("knownAt").asText());
        assertEquals(4, report.path("events").asLong(), "3 + 1 events folded");
        assertTrue(report.path("summary").asText().contains("as known at 2026-01-04T00:00:00Z"), report.toString());
        // the live generation still holds every event: 100.00 - 30.00 + 5.00, and 7.00
        assertEquals("75.00", world.balance("g0", "acc-1"));
        assertEquals(4, world.state("g0", "acc-1").version());
        assertEquals("7.00", world.balance("g0", "acc-2"));
    }

    @Test
    void knownAtTheInstantOfARecordingTakesThatEventIn() throws Exception {
        ledger();

        replayKnownAt("k-2", "2026-01-05T00:00:00Z", List.of("acc-1"));

        assertEquals(4, states("k-2").path("acc-1").path("version").asLong());
        assertEquals("75.00", states("k-2").path("acc-1").path("state").path("balance").asText());
    }

    @Test
    void knownAtBeforeAnAggregatesFirstEventGivesNoState() throws Exception {
        ledger();

        replayKnownAt("k-3", "2025-12-31T00:00:00Z", List.of("acc-1"));

        assertEquals(0, states("k-3").path("acc-1").path("version").asLong());
        assertFalse(states("k-3").path("acc-1").has("state"));
    }

    @Test
    void aRebuildWithKnownAtIsRefusedNamingTheFieldAndNothingIsRecorded() {
        ledger();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> world.prepare("rebuild", input("replayId", "k-rebuild", "knownAt", "2026-01-04T00:00:00Z")));
        assertTrue(e.getMessage().startsWith("field 'knownAt' applies to partial replays and verifications only"), e.getMessage());
        assertTrue(world.replays.find("k-rebuild").isEmpty());
    }

    @Test
    void aKnownAtInTheFutureOrMalformedIsRefusedNamingTheFieldInAPartialReplayOrAVerification() {
        ledger();
        IllegalArgumentException future = assertThrows(IllegalArgumentException.class, () -> world.call(input("action", "findAggregates",
                "request", input("replayId", "k-4", "aggregates", List.of("acc-1"), "knownAt", "2026-03-01T12:00:01Z"))));
        assertTrue(future.getMessage().startsWith("field 'knownAt' (2026-03-01T12:00:01Z) is in the future"), future.getMessage());
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class, () -> world.call(input("action", "findAggregates",
                "request", input("replayId", "k-5", "aggregates", List.of("acc-1"), "knownAt", "last tuesday"))));
        assertTrue(malformed.getMessage().startsWith("field 'knownAt' must be an ISO-8601 instant"), malformed.getMessage());
        IllegalArgumentException verify = assertThrows(IllegalArgumentException.class,
                () -> world.prepare("verify", input("replayId", "k-6", "knownAt", "2026-03-01T12:00:01Z")));
        assertTrue(verify.getMessage().startsWith("field 'knownAt' (2026-03-01T12:00:01Z) is in the future"), verify.getMessage());
        assertTrue(world.replays.find("k-4").isEmpty() && world.replays.find("k-5").isEmpty() && world.replays.find("k-6").isEmpty(),
                "nothing recorded for a refused request");
    }
}

package dev.playback.lambdas.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.model.event.EventCodec;
import dev.playback.model.snapshot.Snapshot;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A verification with {@code knownAt} folds each aggregate from the events recorded by then and compares it with the
 * state from the snapshots recorded by then (the time-travel answer): a snapshot that does not hold what its events
 * give is drift, reported in the verification's format; nothing is rebuilt and the live states stay.
 */
class VerifyKnownAtTest {
    private static final Instant R0 = LongAccounts.R0;
    private final ReplayWorld world = new ReplayWorld();

    private void history() {
        LongAccounts.history(world);
    }

    private static BigDecimal deposits(int upTo) {
        return LongAccounts.deposits(upTo);
    }

    private JsonNode verify(String replayId, Instant knownAt) throws Exception {
        JsonNode out = world.run("verify", input("replayId", replayId, "knownAt", knownAt.toString(), "reportOnly", true));
        return EventCodec.JSON.readTree(world.reports.get(out.get("reportUri").asText()));
    }

    /** The stored snapshot at {@code version} of acc-long replaced by one whose balance is off by 1000.00. */
    private Snapshot damage(long version) {
        Snapshot s = world.snapshotStore.latest(BalancesProjection.NAME, "2", "acc-long", version, 1).get(0);
        assertEquals(version, s.version(), "a snapshot at " + version);
        ObjectNode state = s.state().deepCopy();
        state.put("balance", new BigDecimal(state.get("balance").asText()).add(new BigDecimal("1000.00")).toPlainString());
        world.snapshotStore.put(new Snapshot(s.processor(), s.logicVersion(), s.aggregateId(), s.version(), state, s.latestOccurredAt(),
                s.latestRecordedAt()));
        return s;
    }

    @Test
    void withSnapshotsThatHoldWhatTheirEventsGiveNoAggregateDriftsAndOnlyWhatWasKnownThenIsCompared() throws Exception {
        history();

        JsonNode report = verify("vk-1", R0.plusSeconds(60L * 150));

        // acc-long (known to version 150: from the snapshot at 100) and acc-short; acc-late was not known yet
        assertEquals(2, report.path("compared").asInt(), report::toString);
        assertEquals(1, report.path("snapshotsChecked").asInt(), report::toString);
        assertEquals(0, report.path("drifted").asInt(), report::toString);
        assertEquals(R0.plusSeconds(60L * 150).toString(), report.path("knownAt").asText());
        // nothing was rebuilt: the live state keeps all 250 events
        assertEquals(250, world.state("g0", "acc-long").version());
        assertEquals(0, deposits(250).compareTo(new BigDecimal(world.balance("g0", "acc-long"))));
    }

    @Test
    void aSnapshotRecordedByThenThatDiffersFromTheFoldOfItsEventsIsDriftAtTheVersionKnownThen() throws Exception {
        history();
        damage(100);

        JsonNode report = verify("vk-2", R0.plusSeconds(60L * 150));

        assertEquals(1, report.path("drifted").asInt(), report::toString);
        JsonNode d = report.path("aggregates").get(0);
        assertEquals("acc-long", d.path("aggregateId").asText());
        assertEquals(BalancesProjection.NAME, d.path("processor").asText());
        assertEquals(150, d.path("events").path("to").asLong());
        assertEquals(100, d.path("reference").path("snapshot").asLong(), d::toString);
        assertEquals(50, d.path("reference").path("eventsFolded").asInt(), d::toString);
        // the fold of the events known then, and the damaged snapshot plus the 50 events after it
        assertEquals(0, deposits(150).compareTo(new BigDecimal(d.path("rebuilt").path("balance").asText())), d::toString);
        assertEquals(0, deposits(150).add(new BigDecimal("1000.00")).compareTo(new BigDecimal(d.path("live").path("balance").asText())), d::toString);
    }

    @Test
    void aSnapshotWhoseEventsWereRecordedLaterIsNotTheReference() throws Exception {
        history();
        damage(200);

        // known at minute 150, the snapshot at 200 holds events recorded later: the one at 100 is the reference
        assertEquals(0, verify("vk-3", R0.plusSeconds(60L * 150)).path("drifted").asInt());
        // known at minute 230, it is
        JsonNode later = verify("vk-4", R0.plusSeconds(60L * 230));
        assertEquals(1, later.path("drifted").asInt(), later::toString);
        assertEquals(200, later.path("aggregates").get(0).path("reference").path("snapshot").asLong());
        assertEquals(0, deposits(230).compareTo(new BigDecimal(later.path("aggregates").get(0).path("rebuilt").path("balance").asText())));
    }

    @Test
    void driftFailsTheVerificationUnlessReportOnly() {
        history();
        damage(100);

        JsonNode out = world.run("verify", input("replayId", "vk-5", "knownAt", R0.plusSeconds(60L * 150).toString()));

        assertTrue(out.get("failed").asBoolean(), out::toString);
        assertTrue(out.get("summary").asText().contains("1 of 2 aggregates drifted (acc-long)"), out::toString);
        assertEquals(R0.plusSeconds(60L * 150).toString(), out.get("knownAt").asText());
    }

    @Test
    void aVerificationWithKnownAtBuildsNoGenerationAndPublishesNothing() {
        history();

        JsonNode prepared = world.prepare("verify", input("replayId", "vk-6", "knownAt", R0.plusSeconds(60L * 150).toString()));
        world.publishExecution(prepared);

        assertTrue(world.states.generations(BalancesProjection.NAME).building().isEmpty());
        assertTrue(world.stream.drain().isEmpty(), "nothing on the playback stream");
        assertNull(world.replays.find("vk-6").orElseThrow().detail());
    }

    /** A balances state of the sample ledger, as the pieces store it. */
    private static String balances(String balance, int deposits) {
        return "{\"opened\":true,\"owner\":\"Ada\",\"currency\":\"EUR\",\"balance\":\"" + balance + "\",\"deposits\":" + deposits
                + ",\"withdrawals\":0,\"payouts\":0,\"declined\":0,\"reversals\":0,\"rejectedCount\":0,\"rejected\":[]}";
    }

    /**
     * The outcome of one page is stored, and added up by the verification's last step, in this form: a verification
     * resumed across a deploy adds up pieces the earlier code wrote, so a change of it must be deliberate.
     */
    @Test
    void aPageOutcomeIsStoredInAFixedFormatAndOneInThatFormatIsAddedUp() throws Exception {
        history();
        damage(100);
        verify("vk-7", R0.plusSeconds(60L * 150));
        // sum of 2.00 .. 150.00 = 11,324.00 over 149 deposits; the damaged snapshot plus its 50 events says 1,000.00 more
        assertEquals("{\"compared\":2,\"snapshotsChecked\":1,\"drifts\":[{\"aggregateId\":\"acc-long\",\"processor\":\"balances\","
                        + "\"version\":150,\"reference\":{\"snapshot\":100,\"eventsFolded\":50,\"version\":150},"
                        + "\"live\":" + balances("12324.00", 149) + ",\"rebuilt\":" + balances("11324.00", 149) + "}]}",
                new String(world.reports.get("memory://reports/verify-known/vk-7/segment-0-batch-0.json"), StandardCharsets.UTF_8));
        assertEquals("{\"compared\":0,\"snapshotsChecked\":0,\"drifts\":[]}",
                new String(world.reports.get("memory://reports/verify-known/vk-7/segment-1-batch-0.json"), StandardCharsets.UTF_8));

        // A piece in that form, beside the pages this run writes, is read into the report with every field.
        world.reports.put("reports/verify-known/vk-8/segment-9-batch-0.json", ("{\"compared\":1,\"snapshotsChecked\":0,\"drifts\":["
                + "{\"aggregateId\":\"acc-elsewhere\",\"processor\":\"balances\",\"version\":7,\"reference\":{\"snapshot\":null,"
                + "\"eventsFolded\":7,\"version\":7},\"live\":" + balances("1.00", 6) + ",\"rebuilt\":" + balances("2.00", 6) + "}]}")
                .getBytes(StandardCharsets.UTF_8));
        JsonNode report = verify("vk-8", R0.plusSeconds(60L * 150));
        assertEquals(3, report.path("compared").asInt(), report::toString);
        assertEquals(1, report.path("snapshotsChecked").asInt(), report::toString);
        assertEquals(2, report.path("drifted").asInt(), "acc-long's damaged snapshot, and the stored piece's: " + report);
        JsonNode d = report.path("aggregates").get(1);
        assertEquals("acc-elsewhere", d.path("aggregateId").asText(), d::toString);
        assertEquals("balances", d.path("processor").asText());
        assertEquals(7, d.path("events").path("to").asLong(), d::toString);
        assertTrue(d.path("reference").path("snapshot").isNull(), d::toString);
        assertEquals(7, d.path("reference").path("eventsFolded").asInt(), d::toString);
        assertEquals("1.00", d.path("live").path("balance").asText(), d::toString);
        assertEquals("2.00", d.path("rebuilt").path("balance").asText(), d::toString);
    }
}

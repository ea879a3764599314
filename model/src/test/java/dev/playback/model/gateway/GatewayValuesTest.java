package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's small stored and parsed forms: modes, missing-record policies, call sites, keys, log entry ids. */
class GatewayValuesTest {
    private static final CallSite BANK = new CallSite("bank", "payout");

    @Test
    void shouldParseEveryReplayMode_whenWrittenAsTheCommandLineWritesIt() {
        assertSame(GatewayMode.SUPPRESS, GatewayMode.parse(null));
        assertSame(GatewayMode.SUPPRESS, GatewayMode.parse("  "));
        assertSame(GatewayMode.SUPPRESS, GatewayMode.parse(" suppress "));
        assertSame(GatewayMode.DIFF, GatewayMode.parse("diff"));
        assertSame(GatewayMode.PREDICT, GatewayMode.parse("predict"));
        assertEquals(new GatewayMode.Allow(java.util.Set.of("mail", "crm")), GatewayMode.parse("allow: mail , crm"));
    }

    @Test
    void shouldSkipEmptyNames_whenAnAllowListHasStrayCommas() {
        assertEquals("allow:crm,mail", GatewayMode.format(GatewayMode.parse("allow:mail,,crm,")));
        assertThrows(IllegalArgumentException.class, () -> GatewayMode.parse("allow: , ,"));
        assertThrows(IllegalArgumentException.class, () -> GatewayMode.parse("live"));
    }

    @Test
    void shouldFormatEachModeAsParseReadsIt_whenWritten() {
        assertEquals("live", GatewayMode.format(GatewayMode.LIVE));
        assertEquals("suppress", GatewayMode.format(GatewayMode.SUPPRESS));
        assertEquals("diff", GatewayMode.format(GatewayMode.DIFF));
        assertEquals("predict", GatewayMode.format(GatewayMode.PREDICT));
        assertEquals("allow:crm,mail", GatewayMode.format(new GatewayMode.Allow(java.util.Set.of("mail", "crm"))));
    }

    @Test
    void shouldReadFailAndLive_whenParsingAMissingRecordPolicy() {
        assertSame(MissingRecord.FAIL, MissingRecord.parse(null));
        assertSame(MissingRecord.FAIL, MissingRecord.parse(" "));
        assertSame(MissingRecord.FAIL, MissingRecord.parse(" fail "));
        assertSame(MissingRecord.LIVE, MissingRecord.parse(" live "));
        assertThrows(IllegalArgumentException.class, () -> MissingRecord.parse("ask"));
        assertEquals("live", MissingRecord.format(MissingRecord.LIVE));
        assertEquals("fail", MissingRecord.format(MissingRecord.FAIL));
    }

    @Test
    void shouldSplitAtTheFirstDot_whenParsingACallSite() {
        assertEquals(new CallSite("bank", "payout"), CallSite.parse("bank.payout"));
        assertEquals("bank.payout", BANK.toString());
        assertThrows(IllegalArgumentException.class, () -> CallSite.parse(".payout"));
        assertThrows(IllegalArgumentException.class, () -> CallSite.parse("bankpayout"));
        assertEquals(new CallSite("b", "payout"), CallSite.parse("b.payout"));
    }

    @Test
    void shouldPlaceARecordedAnswerUnderProcessorEventSiteAndHash_whenKeyed() {
        assertEquals("queries/payouts/e-1/bank.payout/abc.json", new QueryKey("payouts", "e-1", BANK, "abc").path());
    }

    @Test
    void shouldKeepOneEntryPerKeyAndDisposition_whenLogEntriesAreIdentified() {
        JsonNode c = json("{}");
        assertEquals("suppressed:r-1:k", new LoggedCommand("p", "e", BANK, 0, Disposition.SUPPRESSED, c, "k", "r-1").entryId());
        assertEquals("pending:k", new LoggedCommand("p", "e", BANK, 0, Disposition.PENDING, c, "k", "r-1").entryId());
        assertEquals("k", new LoggedCommand("p", "e", BANK, 0, Disposition.CORRECTION, c, "k", "r-1").entryId());
        assertEquals("k", new LoggedCommand("p", "e", BANK, 0, Disposition.SENT, c, "k", null).entryId());
    }

    @Test
    void shouldSuppressEventsOutsideTheWindow_whenAReplayLimitsItsEffects() {
        EventEnvelope inside = event("e-in", "a", "T", json("{}"));
        EventEnvelope outside = event("e-out", "a", "T", json("{}"));
        GatewayRun run = GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL).onlyEffectsOf(e -> e.eventId().equals("e-in"));

        assertSame(GatewayMode.DIFF, run.modeFor(inside));
        assertSame(GatewayMode.SUPPRESS, run.modeFor(outside));
        assertFalse(run.isLive());
        assertEquals("fix-1", run.replayId());
        assertTrue(GatewayRun.live().isLive());
        assertSame(GatewayMode.LIVE, GatewayRun.live().onlyEffectsOf(e -> false).modeFor(outside), "live processing has no window");
        assertSame(GatewayMode.DIFF, GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL).modeFor(outside));
    }

    @Test
    void shouldSendOnlyADifferentWantedCommand_whenCommandsAreExact() {
        JsonNode a = json("{\"to\":\"a\"}");
        JsonNode b = json("{\"to\":\"b\"}");
        assertEquals("{\"to\":\"a\"}", CommandRules.EXACT.key(a));
        assertEquals(Optional.empty(), CommandRules.EXACT.correction(List.of(a), null));
        assertEquals(Optional.empty(), CommandRules.EXACT.correction(List.of(b, a), json("{\"to\":\"a\"}")));
        assertEquals(Optional.of(b), CommandRules.EXACT.correction(List.of(a), b));
    }

    @Test
    void shouldNameTheEventAndCallSite_whenARecordIsMissing() {
        MissingRecordException e = new MissingRecordException("payouts", "e-1", BANK, "h");
        assertEquals("e-1", e.eventId());
        assertEquals(BANK, e.site());
        ExternalCallFailed f = new ExternalCallFailed(BANK, "e-1", new IllegalStateException("down"));
        assertTrue(f.getMessage().contains("bank.payout"), f.getMessage());
    }
}

package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a gateway report counts into the metrics (live processing, the playback stream and partial replays alike). */
class GatewayReportMetricsTest {
    private static final CallSite BANK = new CallSite("bank", "payout");
    private static final CallSite FX = new CallSite("fx", "rate");

    private static LoggedCommand command(CallSite site, Disposition d, String key) {
        return new LoggedCommand("payouts", "p-1", site, 0, d, JsonNodeFactory.instance.objectNode(), key, "fix-1");
    }

    private static Correction correction(String key, boolean alreadySent) {
        return new Correction("payouts", "p-1", BANK, "payout", 0, JsonNodeFactory.instance.objectNode(), key, alreadySent,
                java.util.List.of(), null);
    }

    @Test
    void sendsAndCorrectionsMadeNowSuppressedCommandsAndLiveQueriesAreCountedPerGateway() {
        GatewayReport report = new GatewayReport();
        report.sent(command(BANK, Disposition.SENT, "k-1"));
        report.sent(command(BANK, Disposition.ALLOWED, "k-2"));
        report.sentBefore(command(BANK, Disposition.ALLOWED, "k-6"));   // this replay's send of an earlier run, reported again
        report.suppressed(command(BANK, Disposition.SUPPRESSED, "k-3"));
        report.correction(correction("k-4", false));
        report.correction(correction("k-5", true));   // found sent by an earlier run of the same replay: not counted again
        report.correction(correction("k-7", false));
        report.liveQuery(new GatewayReport.LiveQuery("payouts", "p-1", FX, "h-1"));
        Map<String, Long> counted = new TreeMap<>();

        report.countInto((metric, gateway, n) -> counted.merge(metric + " " + gateway, n, Long::sum));

        assertEquals(3, report.sent().size(), "the report lists every send, also those of an earlier run");
        assertEquals(Map.of("GatewayCorrections bank", 2L, "GatewayLiveQueries fx", 1L, "GatewaySends bank", 2L,
                "GatewaySuppressed bank", 1L), counted);
    }
}

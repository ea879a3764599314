package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A replay's report pieces merged into the one report the console and operators read. */
class GatewayReportMergeTest {
    private static final CallSite BANK = new CallSite("bank", "payout");

    private static LoggedCommand suppressed(String eventId) {
        ObjectNode command = JsonNodeFactory.instance.objectNode().put("payoutId", eventId).put("amount", "10.00");
        return new LoggedCommand("payouts", eventId, BANK, 0, Disposition.SUPPRESSED, command, "key-" + eventId, "rebuild-1");
    }

    @Test
    void suppressedCommandsAreListedOnceEachWithTheirEventAndCommandThoughABatchWasReportedTwice() {
        GatewayReport first = new GatewayReport();
        first.suppressed(suppressed("p-1"));
        first.suppressed(suppressed("p-2"));
        GatewayReport redelivered = new GatewayReport();
        redelivered.suppressed(suppressed("p-2"));
        redelivered.suppressed(suppressed("p-3"));

        ObjectNode merged = GatewayReport.merge(List.of(first.toJson(), redelivered.toJson()));

        assertEquals(3, merged.path("suppressed").asInt());
        List<String> listed = new ArrayList<>();
        for (JsonNode c : merged.path("suppressedList")) {
            listed.add(c.path("eventId").asText() + " " + c.path("callSite").asText() + " " + c.path("idempotencyKey").asText()
                    + " " + c.path("command").path("amount").asText());
        }
        assertEquals(List.of("p-1 bank.payout key-p-1 10.00", "p-2 bank.payout key-p-2 10.00", "p-3 bank.payout key-p-3 10.00"), listed);
    }

    @Test
    void aRebuildThatSuppressedMoreThanAThousandCommandsCountsAllAndListsTheFirstThousand() {
        List<JsonNode> pieces = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            GatewayReport r = new GatewayReport();
            for (int i = 0; i < 500; i++) r.suppressed(suppressed("p-" + (batch * 500 + i)));
            pieces.add(r.toJson());
        }

        ObjectNode merged = GatewayReport.merge(pieces);

        assertEquals(1500, merged.path("suppressed").asInt());
        assertEquals(1000, merged.path("suppressedList").size());
        assertEquals("p-0", merged.path("suppressedList").get(0).path("eventId").asText());
        assertEquals("p-999", merged.path("suppressedList").get(999).path("eventId").asText());
    }
}

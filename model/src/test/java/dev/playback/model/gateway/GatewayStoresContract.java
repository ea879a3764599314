package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of the gateway's stores ({@link QueryRecords}, {@link CommandLog}); run against every implementation. */
public abstract class GatewayStoresContract {
    protected abstract QueryRecords records();

    protected abstract CommandLog log();

    private static final CallSite FX = new CallSite("fx", "rate");
    private static final CallSite BANK = new CallSite("bank", "payout");
    private final String eventId = "ev-" + UUID.randomUUID();

    private LoggedCommand entry(int ordinal, Disposition d, String replayId) {
        return new LoggedCommand("payouts", eventId, BANK, ordinal, d,
                JsonNodeFactory.instance.objectNode().put("payoutId", eventId).put("amount", "1.00"),
                Hashes.idempotencyKey("payouts", eventId, BANK, d == Disposition.CORRECTION ? "correction" : "send", ordinal), replayId);
    }

    @Test
    void aRecordedAnswerIsFoundByItsKeyOnly() {
        var request = JsonNodeFactory.instance.objectNode().put("from", "EUR").put("to", "USD");
        QueryKey key = new QueryKey("payouts", eventId, FX, Hashes.request(request));
        assertTrue(records().find(key).isEmpty());
        records().put(new RecordedQuery(key, request, JsonNodeFactory.instance.objectNode().put("rate", "1.0850"), "live"));
        RecordedQuery found = records().find(key).orElseThrow();
        assertEquals("1.0850", found.response().path("rate").asText());
        assertEquals(request, found.request());
        assertEquals("live", found.recordedBy());
        assertTrue(records().find(new QueryKey("payouts", eventId, FX, "other")).isEmpty());
    }

    @Test
    void theFirstRecordedAnswerIsKeptAndReturnedToEveryLaterPut() {
        var request = JsonNodeFactory.instance.objectNode().put("from", "EUR").put("to", "GBP");
        QueryKey key = new QueryKey("payouts", eventId, FX, Hashes.request(request));
        RecordedQuery first = new RecordedQuery(key, request, JsonNodeFactory.instance.objectNode().put("rate", "0.8600"), "live");
        RecordedQuery second = new RecordedQuery(key, request, JsonNodeFactory.instance.objectNode().put("rate", "0.9100"), "replay:r-2");

        assertEquals("0.8600", records().put(first).response().path("rate").asText());
        RecordedQuery kept = records().put(second);

        assertEquals("0.8600", kept.response().path("rate").asText());
        assertEquals("live", kept.recordedBy());
        assertEquals("0.8600", records().find(key).orElseThrow().response().path("rate").asText());
        assertEquals("live", records().find(key).orElseThrow().recordedBy());
    }

    @Test
    void concurrentPutsOfOneKeyAllGetTheOneAnswerThatIsKept() throws Exception {
        var request = JsonNodeFactory.instance.objectNode().put("from", "EUR").put("to", "CHF");
        QueryKey key = new QueryKey("payouts", eventId, FX, Hashes.request(request));
        int sessions = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(sessions);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<RecordedQuery>> puts = new java.util.ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String rate = "0.9" + i + "00";
                puts.add(pool.submit(() -> {
                    start.await();
                    return records().put(new RecordedQuery(key, request, JsonNodeFactory.instance.objectNode().put("rate", rate), "live"));
                }));
            }
            start.countDown();
            java.util.Set<String> answers = new java.util.TreeSet<>();
            for (var f : puts) answers.add(f.get().response().path("rate").asText());
            String stored = records().find(key).orElseThrow().response().path("rate").asText();
            assertEquals(java.util.Set.of(stored), answers, "every session got the stored answer");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theLogKeepsEntriesInOrderAndAppendsEachEntryOnce() {
        assertTrue(log().forEvent("payouts", eventId).isEmpty());
        log().append(entry(0, Disposition.SENT, null));
        log().append(entry(0, Disposition.SENT, null));
        log().append(entry(0, Disposition.CORRECTION, "fix-1"));
        log().append(entry(0, Disposition.SUPPRESSED, "r-1"));
        log().append(entry(0, Disposition.SUPPRESSED, "r-2"));
        log().append(entry(0, Disposition.SUPPRESSED, "r-2"));
        List<LoggedCommand> all = log().forEvent("payouts", eventId);
        assertEquals(List.of(Disposition.SENT, Disposition.CORRECTION, Disposition.SUPPRESSED, Disposition.SUPPRESSED),
                all.stream().map(LoggedCommand::disposition).toList());
        assertEquals(entry(0, Disposition.CORRECTION, "fix-1"), all.get(1));
        assertTrue(log().forEvent("other-processor", eventId).isEmpty());
    }
}

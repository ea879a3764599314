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

    private static final CallSite RATES = new CallSite("rates", "quote");
    private static final CallSite PARTNER = new CallSite("partner", "transfer");
    private final String eventId = "ev-" + UUID.randomUUID();

    private LoggedCommand entry(int ordinal, Disposition d, String replayId) {
        return new LoggedCommand("notifier", eventId, PARTNER, ordinal, d,
                JsonNodeFactory.instance.objectNode().put("transferId", eventId).put("amount", "1.00"),
                Hashes.idempotencyKey("notifier", eventId, PARTNER, d == Disposition.CORRECTION ? "correction" : "send", ordinal), replayId);
    }

    @Test
    void aRecordedAnswerIsFoundByItsKeyOnly() {
        var request = JsonNodeFactory.instance.objectNode().put("from", "EUR").put("to", "USD");
        QueryKey key = new QueryKey("notifier", eventId, RATES, Hashes.request(request));
        assertTrue(records().find(key).isEmpty());
        records().put(new RecordedQuery(key, request, JsonNodeFactory.instance.objectNode().put("rate", "1.0850"), "live"));
        RecordedQuery found = records().find(key).orElseThrow();
        assertEquals("1.0850", found.response().path("rate").asText());
        assertEquals(request, found.request());
        assertEquals("live", found.recordedBy());
        assertTrue(records().find(new QueryKey("notifier", eventId, RATES, "other")).isEmpty());
    }

    @Test
    void theFirstRecordedAnswerIsKeptAndReturnedToEveryLaterPut() {
        var request = JsonNodeFactory.instance.objectNode().put("from", "EUR").put("to", "GBP");
        QueryKey key = new QueryKey("notifier", eventId, RATES, Hashes.request(request));
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
        QueryKey key = new QueryKey("notifier", eventId, RATES, Hashes.request(request));
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
        assertTrue(log().forEvent("notifier", eventId).isEmpty());
        log().append(entry(0, Disposition.SENT, null));
        log().append(entry(0, Disposition.SENT, null));
        log().append(entry(0, Disposition.CORRECTION, "fix-1"));
        log().append(entry(0, Disposition.SUPPRESSED, "r-1"));
        log().append(entry(0, Disposition.SUPPRESSED, "r-2"));
        log().append(entry(0, Disposition.SUPPRESSED, "r-2"));
        List<LoggedCommand> all = log().forEvent("notifier", eventId);
        assertEquals(List.of(Disposition.SENT, Disposition.CORRECTION, Disposition.SUPPRESSED, Disposition.SUPPRESSED),
                all.stream().map(LoggedCommand::disposition).toList());
        assertEquals(entry(0, Disposition.CORRECTION, "fix-1"), all.get(1));
        assertTrue(log().forEvent("other-processor", eventId).isEmpty());
    }

    @Test
    void aPendingSendIsKeptBesideItsConfirmationAndTheFirstPendingCommandForAKeyIsTheOneKept() {
        LoggedCommand first = entry(0, Disposition.PENDING, null);
        LoggedCommand other = new LoggedCommand("notifier", eventId, PARTNER, 0, Disposition.PENDING,
                JsonNodeFactory.instance.objectNode().put("transferId", eventId).put("amount", "2.00"), first.idempotencyKey(), null);
        assertEquals(first, log().append(first));
        assertEquals(first, log().append(other), "a later writer of the same pending key gets the command logged first");
        assertEquals(entry(0, Disposition.SENT, null), log().append(entry(0, Disposition.SENT, null)));
        List<LoggedCommand> all = log().forEvent("notifier", eventId);
        assertEquals(List.of("PENDING 1.00", "SENT 1.00"), all.stream().map(c -> c.disposition() + " " + c.command().path("amount").asText()).toList());
    }

    @Test
    void anEventLoggedByManyReplaysKeepsEveryEntryWellPastWhatOneItemCouldHold() {
        // 120 replays each log one suppressed entry of 5 KB: about 600 KB for one event, past DynamoDB's 400 KB per item
        String padding = "x".repeat(5_000);
        int replays = 120;
        log().append(entry(0, Disposition.SENT, null));
        for (int r = 0; r < replays; r++) {
            log().append(new LoggedCommand("notifier", eventId, PARTNER, 0, Disposition.SUPPRESSED,
                    JsonNodeFactory.instance.objectNode().put("transferId", eventId).put("note", padding).put("replay", r),
                    Hashes.idempotencyKey("notifier", eventId, PARTNER, "send", 0), "r-" + r));
        }
        log().append(entry(0, Disposition.CORRECTION, "fix-1"));

        List<LoggedCommand> all = log().forEvent("notifier", eventId);

        assertEquals(replays + 2, all.size());
        assertEquals(Disposition.SENT, all.get(0).disposition());
        for (int r = 0; r < replays; r++) {
            assertEquals("r-" + r, all.get(r + 1).replayId());
            assertEquals(r, all.get(r + 1).command().path("replay").asInt());
            assertEquals(padding, all.get(r + 1).command().path("note").asText());
        }
        assertEquals(entry(0, Disposition.CORRECTION, "fix-1"), all.get(replays + 1));
    }

    @Test
    void concurrentAppendsToOneEventKeepEveryEntryOnce() throws Exception {
        int writers = 6;
        int perWriter = 5;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        log().append(entry(0, Disposition.SUPPRESSED, "r-" + writer + "-" + i));
                        log().append(entry(0, Disposition.SENT, null)); // every writer also appends the same entry
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : work) f.get();
        } finally {
            pool.shutdownNow();
        }
        List<LoggedCommand> all = log().forEvent("notifier", eventId);
        assertEquals(writers * perWriter + 1, all.size());
        assertEquals(1, all.stream().filter(c -> c.disposition() == Disposition.SENT).count());
        assertEquals(writers * perWriter, all.stream().map(LoggedCommand::replayId).filter(java.util.Objects::nonNull).distinct().count());
    }
}

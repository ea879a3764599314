package dev.playback.lambdas.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.model.replay.ReplayStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartialReplayTest {
    private final ReplayWorld world = new ReplayWorld();

    private static EventEnvelope at(String id, String aggregateId, String type, String payload, String occurred, String recorded) {
        return new EventEnvelope(id, aggregateId, type, 1, null, null, Instant.parse(occurred), Instant.parse(recorded),
                json(payload), null, EventMetadata.NONE);
    }

    private static EventEnvelope open(String id, String acc, String day) {
        return at(id, acc, LedgerEvent.ACCOUNT_OPENED, "{\"owner\":\"Ada\",\"currency\":\"EUR\"}", day + "T08:00:00Z", day + "T08:00:01Z");
    }

    private static EventEnvelope deposit(String id, String acc, String amount, String occurred, String recorded) {
        return at(id, acc, LedgerEvent.MONEY_DEPOSITED, "{\"amount\":\"" + amount + "\"}", occurred, recorded);
    }

    private static EventEnvelope withdraw(String id, String acc, String amount, String day) {
        return at(id, acc, LedgerEvent.MONEY_WITHDRAWN, "{\"amount\":\"" + amount + "\"}", day + "T09:00:00Z", day + "T09:00:00Z");
    }

    /** acc-1: Jan 1 open, Jan 2 deposit; acc-2: Jan 1 open, Jan 3 withdrawal; acc-3: Jan 1 open, deposit that occurred Jan 1 but was recorded Jan 5. */
    private void ledger() {
        world.live(open("a1", "acc-1", "2026-01-01"), deposit("a2", "acc-1", "10.00", "2026-01-02T10:00:00Z", "2026-01-02T10:00:00Z"));
        world.live(open("b1", "acc-2", "2026-01-01"), withdraw("b2", "acc-2", "1.00", "2026-01-03"));
        world.live(open("c1", "acc-3", "2026-01-01"), deposit("c2", "acc-3", "3.00", "2026-01-01T23:00:00Z", "2026-01-05T00:00:00Z"));
    }

    private List<String> found(JsonNode out) {
        String text = new String(world.reports.get(out.get("scope").asText()), java.nio.charset.StandardCharsets.UTF_8);
        List<String> ids = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) ids.add(line.substring(1, line.length() - 1));
        }
        return ids;
    }

    private JsonNode find(Object... request) {
        return world.call(input("action", "findAggregates", "request", input(request)));
    }

    @Test
    void findsAggregatesByTypeThroughTheIndexWithoutScanning() {
        ledger();
        JsonNode out = find("replayId", "p-1", "types", List.of(LedgerEvent.MONEY_WITHDRAWN));
        assertEquals(List.of("acc-2"), found(out));
        assertEquals(1, out.get("aggregatesRead").asInt());
        assertEquals(0, world.index.pagesRead.get(), "never scans the events table");
        assertTrue(world.index.indexQueries.get() > 0);
    }

    @Test
    void findsAggregatesByATimeWindowOnRecordedOrOccurredTime() {
        ledger();
        assertEquals(List.of("acc-1", "acc-3"), found(find("since", "2026-01-02T00:00:00Z", "until", "2026-01-06T00:00:00Z",
                "types", List.of(LedgerEvent.MONEY_DEPOSITED))));
        assertEquals(List.of("acc-1"), found(find("since", "2026-01-02T00:00:00Z", "until", "2026-01-06T00:00:00Z",
                "types", List.of(LedgerEvent.MONEY_DEPOSITED), "timeField", "occurredAt")));
        assertEquals(List.of("acc-2"), found(find("since", "2026-01-03T00:00:00Z", "until", "2026-01-04T00:00:00Z")));
        assertEquals(0, world.index.pagesRead.get());
    }

    @Test
    void intersectsCombinedCriteria() {
        ledger();
        assertEquals(List.of("acc-3"), found(find("aggregates", List.of("acc-2", "acc-3"), "types", List.of(LedgerEvent.MONEY_DEPOSITED))));
        assertEquals(List.of("acc-1", "acc-9"), found(find("aggregates", List.of("acc-9", "acc-1"))));
    }

    @Test
    void refusesAnEmptyScopeOrABadWindow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> find("replayId", "p-2"));
        assertTrue(e.getMessage().contains("scope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> find("until", "2026-01-01T00:00:00Z"));
        assertTrue(e.getMessage().contains("since"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> find("since", "yesterday"));
        assertTrue(e.getMessage().contains("since"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> find("types", List.of("X"), "timeField", "processedAt"));
        assertTrue(e.getMessage().contains("timeField"), e.getMessage());
    }

    @Test
    void writesTheAggregatesFoundAsJsonLinesUnderTheReplayIdAndReturnsOnlyWhereTheyAre() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) ids.add(String.format("acc-%03d", i));
        JsonNode out = find("replayId", "p-big", "aggregates", ids);
        assertEquals("scopes/p-big/aggregates.jsonl", out.get("key").asText());
        String text = new String(world.reports.get(out.get("scope").asText()), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\"acc-000\"\n\"acc-001\"\n"), text.substring(0, 40));
        assertTrue(text.endsWith("\"acc-249\"\n"), text.substring(text.length() - 40));
        assertEquals(250, text.split("\n").length);
        assertEquals(250, out.get("aggregatesRead").asInt());
        java.util.Set<String> fields = new java.util.TreeSet<>();
        out.fieldNames().forEachRemaining(fields::add);
        assertEquals(java.util.Set.of("aggregatesRead", "bucket", "key", "replayId", "scope"), fields, "no list of ids in the output");
    }

    @Test
    void rebuildsTheAggregatesInScopeFromTheirFullStreamsAndLeavesTheRestAlone() {
        ledger();
        world.corrupt("g0", "acc-1", "500.00");
        world.corrupt("g0", "acc-2", "500.00");
        JsonNode found = find("replayId", "p-3", "aggregates", List.of("acc-1"));
        JsonNode rebuilt = world.call(input("action", "rebuildAggregates", "replayId", "p-3", "chunk", List.of("acc-1")));
        assertEquals(1, rebuilt.get("rebuilt").asInt());
        assertEquals(2, rebuilt.get("events").asInt());
        assertEquals("10.00", world.balance("g0", "acc-1"));
        assertEquals("500.00", world.balance("g0", "acc-2"), "outside the scope");
        world.call(input("action", "rebuildAggregates", "replayId", "p-3", "chunk", List.of("acc-1")));
        assertEquals("10.00", world.balance("g0", "acc-1"), "running it again changes nothing");
        JsonNode report = world.call(input("action", "partialReport", "replayId", "p-3"));
        assertEquals(1, report.get("aggregatesRead").asInt());
        assertEquals("p-3", report.get("replayId").asText());
        assertTrue(report.get("summary").asText().startsWith("partial replay p-3: "), report.toString());
        assertEquals(ReplayStatus.SUCCEEDED, world.replays.find("p-3").orElseThrow().status());
        assertEquals(1, found.get("aggregatesRead").asInt());
    }

    @Test
    void aBatchThatFailedRecordsItsCauseWhichTheMapRunsFailureKeeps() {
        ledger();
        find("replayId", "p-fail", "types", List.of(LedgerEvent.MONEY_WITHDRAWN));

        world.call(input("action", "fail", "state", input("replayId", "p-fail", "error",
                input("Error", "Playback.MissingRecord", "Cause", "no record of fx.rate for event po-3-1"))));
        JsonNode parent = world.call(input("action", "fail", "state", input("replayId", "p-fail", "error",
                input("Error", "States.ExceedToleratedFailureThreshold", "Cause", "The specified tolerated failure threshold was exceeded"))));

        assertTrue(parent.get("cause").asText().contains("no record of fx.rate for event po-3-1"), parent.toString());
        assertEquals(ReplayStatus.FAILED, world.replays.find("p-fail").orElseThrow().status());
    }

    @Test
    void rebuildsIntoTheActiveGeneration() {
        ledger();
        world.run("rebuild", input("replayId", "r-1"));
        world.corrupt("g1", "acc-2", "77.00");
        find("replayId", "p-4", "types", List.of(LedgerEvent.MONEY_WITHDRAWN));
        world.call(input("action", "rebuildAggregates", "replayId", "p-4", "chunk", List.of("acc-2")));
        assertEquals("0.00", world.balance("g1", "acc-2"));
    }
}

package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.gateway.GatewayRun;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.created;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.replay.CounterReplays.COUNT;
import static dev.playback.model.replay.CounterReplays.TALLY;
import static dev.playback.model.replay.CounterReplays.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A partial replay: its scope from the indexes, the aggregates rebuilt in place with the current logic, its report. */
class PartialReplayTest {
    private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    private final CounterReplays world = new CounterReplays();

    private static EventEnvelope at(String eventId, String aggregateId, String type, Instant time) {
        return new EventEnvelope(eventId, aggregateId, type, 1, null, null, time, time, json("{\"amount\":\"1.00\"}"), null, EventMetadata.NONE);
    }

    private void threeCounters() {
        world.live(created("a1", "acc-1"), added("a2", "acc-1", "10.00"));
        world.live(created("b1", "acc-2"), added("b2", "acc-2", "1.00"), added("b3", "acc-2", "1.00"));
        world.live(created("c1", "acc-3"));
    }

    private String scopeFile(String replayId) {
        return new String(world.reports.get("memory://scopes/" + replayId + "/aggregates.jsonl"), StandardCharsets.UTF_8);
    }

    @Test
    void shouldScopeTheNamedAggregates_andWriteThemOnePerLine() {
        threeCounters();

        ObjectNode out = world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-3\",\"acc-1\"]}"));

        assertEquals("p-1", out.get("replayId").asText());
        assertEquals(2, out.get("aggregatesRead").asInt());
        assertEquals("memory://scopes/p-1/aggregates.jsonl", out.get("scope").asText());
        assertTrue(out.get("bucket").isNull());
        assertEquals("scopes/p-1/aggregates.jsonl", out.get("key").asText());
        assertEquals("\"acc-1\"\n\"acc-3\"\n", scopeFile("p-1"));
        Replay r = world.replays.find("p-1").orElseThrow();
        assertEquals(ReplayKind.PARTIAL, r.kind());
        assertNull(r.generation());
        assertEquals(List.of(COUNT, TALLY), r.processors());
        assertEquals(2, r.aggregatesRead());
        assertEquals("{\"aggregates\":[\"acc-3\",\"acc-1\"],\"processors\":[\"count\",\"tally\"],\"found\":[\"acc-1\",\"acc-3\"],"
                + "\"gatewayMode\":\"suppress\",\"missingRecords\":\"fail\"}", r.scope().toString());
    }

    @Test
    void shouldScopeByTypes_andKeepOnlyTheNamedAggregatesAmongThem() {
        threeCounters();

        assertEquals(2, world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"types\":[\"CounterAdded\"]}")).get("aggregatesRead").asInt());
        assertEquals("\"acc-1\"\n\"acc-2\"\n", scopeFile("p-1"));
        world.actions.findAggregates(request("{\"replayId\":\"p-2\",\"types\":[\"CounterAdded\"],\"aggregates\":[\"acc-2\",\"acc-3\"]}"));
        assertEquals("\"acc-2\"\n", scopeFile("p-2"));
        world.actions.findAggregates(request("{\"replayId\":\"p-3\",\"types\":[]}" .replace("}", ",\"aggregates\":[\"acc-3\"]}")));
        assertEquals("\"acc-3\"\n", scopeFile("p-3"));
    }

    @Test
    void shouldScopeByATimeWindow_onTheChosenTime() {
        world.live(at("x1", "acc-1", "CounterAdded", Instant.parse("2026-02-01T00:00:00Z")));
        world.live(at("y1", "acc-2", "CounterAdded", Instant.parse("2026-02-03T00:00:00Z")));

        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"since\":\"2026-02-01T00:00:00Z\",\"until\":\"2026-02-02T00:00:00Z\","
                + "\"timeField\":\"occurredAt\"}"));
        assertEquals("\"acc-1\"\n", scopeFile("p-1"));
        assertEquals("occurredAt", world.replays.find("p-1").orElseThrow().scope().get("timeField").asText());
        world.actions.findAggregates(request("{\"replayId\":\"p-2\",\"since\":\"2026-02-02T00:00:00Z\",\"types\":[\"CounterAdded\"]}"));
        assertEquals("\"acc-2\"\n", scopeFile("p-2"));
        JsonNode scope = world.replays.find("p-2").orElseThrow().scope();
        assertEquals(CounterReplays.NOW.toString(), scope.get("until").asText(), "an open window ends now");
        assertEquals("recordedAt", scope.get("timeField").asText());
        assertEquals("2026-02-02T00:00:00Z", scope.get("since").asText());
    }

    @Test
    void shouldRefuseARequestWithoutAScopeOrWithABadWindow() {
        assertEquals("a partial replay needs a scope: at least one of 'aggregates', 'types', 'since'/'until'",
                assertThrows(IllegalArgumentException.class, () -> world.actions.findAggregates(request("{\"aggregates\":[],\"types\":[]}"))).getMessage());
        assertEquals("field 'since' is required with 'until'",
                assertThrows(IllegalArgumentException.class, () -> world.actions.findAggregates(request("{\"until\":\"2026-02-01T00:00:00Z\"}"))).getMessage());
        assertEquals("field 'since' (2026-02-01T00:00:00Z) must be before 'until' (2026-02-01T00:00:00Z)",
                assertThrows(IllegalArgumentException.class, () -> world.actions.findAggregates(
                        request("{\"since\":\"2026-02-01T00:00:00Z\",\"until\":\"2026-02-01T00:00:00Z\"}"))).getMessage());
        assertEquals("field 'knownAt' (2026-03-01T12:00:01Z) is in the future (now 2026-03-01T12:00:00Z): a replay can only reproduce what was known by a past instant",
                assertThrows(IllegalArgumentException.class, () -> world.actions.findAggregates(
                        request("{\"aggregates\":[\"a\"],\"knownAt\":\"2026-03-01T12:00:01Z\"}"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> world.actions.findAggregates(
                request("{\"aggregates\":[\"a\"],\"gatewayMode\":\"predict\"}"))).getMessage().contains("predict is for verifications"));
        assertEquals(CounterReplays.NOW, PartialReplay.knownAt(request("{\"knownAt\":\"2026-03-01T12:00:00Z\"}"), CounterReplays.NOW));
    }

    @Test
    void shouldResumeTheRecordedPartialReplay_keepingItsStartAndPolicy() {
        threeCounters();
        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\"],\"gatewayMode\":\"diff\",\"requestedBy\":\"cli:ada\"}"));

        ObjectNode again = world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\",\"acc-2\"]}"));

        assertEquals(2, again.get("aggregatesRead").asInt());
        Replay r = world.replays.find("p-1").orElseThrow();
        assertEquals("diff", r.gatewayMode());
        assertEquals("cli:ada", r.requestedBy().get("claimed").asText());
        assertEquals(ReplayStatus.RUNNING, r.status());
        assertEquals("\"acc-1\"\n\"acc-2\"\n", scopeFile("p-1"));
        assertThrows(IllegalArgumentException.class, () -> world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"a\"],\"gatewayMode\":\"suppress\"}")));
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\"}"));
        assertEquals("replay 'r-1' is a rebuild, not a partial replay", assertThrows(IllegalArgumentException.class,
                () -> world.actions.findAggregates(request("{\"replayId\":\"r-1\",\"aggregates\":[\"a\"]}"))).getMessage());
    }

    @Test
    void shouldRefuseAnEffectfulModeThroughEventBridge_unlessTheDeploymentAllowsIt() {
        ObjectNode viaEvent = request("{\"request\":{\"replayId\":\"p-1\",\"aggregates\":[\"a\"],\"gatewayMode\":\"diff\"},"
                + "\"event\":{\"id\":\"ev-1\",\"source\":\"ops\",\"account\":\"123\"}}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.actions.findAggregates(viaEvent, "arn:x"));

        assertTrue(e.getMessage().startsWith("gatewayMode 'diff' was requested through EventBridge (event ev-1 from source ops, account 123)"), e.getMessage());
        assertTrue(world.replays.find("p-1").isEmpty());
        CounterReplays allowing = new CounterReplays(java.time.Duration.ZERO, true);
        assertEquals("p-1", allowing.actions.findAggregates(viaEvent, "arn:x").get("replayId").asText());
        assertEquals("eventbridge", allowing.replays.find("p-1").orElseThrow().requestedBy().get("via").asText());
    }

    @Test
    void shouldRebuildEachAggregateWithTheCurrentLogic_andReport() {
        threeCounters();
        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\",\"acc-2\"]}"));
        world.factor = 3;

        ObjectNode out = world.actions.rebuildAggregates("p-1", List.of("acc-1", "acc-2"));

        assertEquals(2, out.get("rebuilt").asInt());
        assertEquals(10, out.get("events").asLong(), "5 events, in each of the two processors");
        assertEquals("{\"events\":2,\"cents\":3000}", world.state(COUNT, "g0", "acc-1").state().toString());
        assertEquals("{\"events\":3,\"cents\":600}", world.state(TALLY, "g0", "acc-2").state().toString());
        assertEquals("{\"events\":1,\"cents\":0}", world.state(COUNT, "g0", "acc-3").state().toString());
        assertTrue(world.reports.refs("replays/p-1/gateway/tally/").contains("memory://replays/p-1/gateway/tally/chunk-acc-1-2.json"));
        assertTrue(world.reports.refs("replays/p-1/gateway/count/").isEmpty(), "a projection has no gateway report");
        Replay r = world.replays.find("p-1").orElseThrow();
        assertEquals(List.of(2L, 10L), List.of(r.rebuilt(), r.events()));

        ObjectNode report = world.actions.partialReport("p-1");

        assertEquals("partial replay p-1: 2 of 2 aggregates rebuilt from 10 events in count, tally (0 folds from snapshots, 4 from the first event); gateway suppress: 0 corrections, 0 sent, "
                + "0 suppressed (report memory://reports/gateway/p-1.json)", report.get("summary").asText());
        assertEquals(List.of(2L, 2L, 10L), List.of(report.get("aggregatesRead").asLong(), report.get("rebuilt").asLong(), report.get("events").asLong()));
        assertFalse(report.has("knownAt"));
        assertEquals(ReplayStatus.SUCCEEDED, world.replays.find("p-1").orElseThrow().status());
        assertEquals(report.get("summary").asText(), world.replays.find("p-1").orElseThrow().detail());
    }

    @Test
    void shouldLimitTheExternalEffectsToTheWindow_onTheChosenTime() {
        world.live(at("x1", "acc-1", "CounterAdded", Instant.parse("2026-02-01T00:00:00Z")));
        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"since\":\"2026-02-01T00:00:00Z\",\"until\":\"2026-02-02T00:00:00Z\"}"));
        world.actions.rebuildAggregates("p-1", List.of("acc-1"));
        world.actions.findAggregates(request("{\"replayId\":\"p-2\",\"aggregates\":[\"acc-1\"]}"));
        world.actions.rebuildAggregates("p-2", List.of("acc-1"));

        GatewayRun windowed = world.tallyRuns.get(0);
        GatewayRun whole = world.tallyRuns.get(1);

        assertEquals("p-1", windowed.replayId());
        assertTrue(windowed.effects().test(at("e", "a", "T", Instant.parse("2026-02-01T00:00:00Z"))), "since is inside");
        assertTrue(windowed.effects().test(at("e", "a", "T", Instant.parse("2026-02-01T23:59:59Z"))));
        assertFalse(windowed.effects().test(at("e", "a", "T", Instant.parse("2026-02-02T00:00:00Z"))), "until is outside");
        assertFalse(windowed.effects().test(at("e", "a", "T", Instant.parse("2026-01-31T23:59:59Z"))));
        EventEnvelope lateRecord = new EventEnvelope("e", "a", "T", 1, null, null, Instant.parse("2026-02-01T10:00:00Z"),
                Instant.parse("2026-02-05T00:00:00Z"), json("{}"), null, EventMetadata.NONE);
        assertFalse(windowed.effects().test(lateRecord), "the window is on recordedAt by default");
        assertTrue(whole.effects().test(lateRecord));

        world.actions.findAggregates(request("{\"replayId\":\"p-3\",\"since\":\"2026-02-01T00:00:00Z\",\"until\":\"2026-02-02T00:00:00Z\","
                + "\"timeField\":\"occurredAt\"}"));
        world.actions.rebuildAggregates("p-3", List.of("acc-1"));
        assertTrue(world.tallyRuns.get(2).effects().test(lateRecord));
        EventEnvelope unrecorded = new EventEnvelope("e", "a", "T", 1, null, null, Instant.parse("2026-02-01T10:00:00Z"), null, json("{}"),
                null, EventMetadata.NONE);
        assertFalse(windowed.effects().test(unrecorded), "an event not recorded yet is in no window of recordedAt");
    }

    @Test
    void shouldFoldTheStatesAsKnownAtAnInstant_withoutTouchingTheLiveOnes() throws Exception {
        world.live(at("x1", "acc-1", "CounterAdded", Instant.parse("2026-02-01T00:00:00Z")));
        world.live(at("x2", "acc-1", "CounterAdded", Instant.parse("2026-02-03T00:00:00Z")));
        world.live(at("y1", "acc-2", "CounterAdded", Instant.parse("2026-02-04T00:00:00Z")));
        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\",\"acc-2\"],\"processors\":[\"count\"],"
                + "\"knownAt\":\"2026-02-02T00:00:00Z\"}"));
        world.factor = 5;

        ObjectNode out = world.actions.rebuildAggregates("p-1", List.of("acc-1", "acc-2"));

        assertEquals(1, out.get("events").asLong());
        JsonNode piece = EventCodec.JSON.readTree(world.reports.get("memory://reports/known/p-1/count/chunk-acc-1-2.json"));
        assertEquals("{\"knownAt\":\"2026-02-02T00:00:00Z\",\"processor\":\"count\",\"states\":{\"acc-1\":{\"version\":1,"
                + "\"state\":{\"events\":1,\"cents\":500},\"snapshot\":null,\"eventsFolded\":1},\"acc-2\":{\"version\":0}}}", piece.toString());
        assertEquals("{\"events\":2,\"cents\":200}", world.state(COUNT, "g0", "acc-1").state().toString(), "live states unchanged");
        ObjectNode report = world.actions.partialReport("p-1");
        assertEquals("2026-02-02T00:00:00Z", report.get("knownAt").asText());
        assertEquals("reports/known/p-1/", report.get("states").asText());
        assertEquals("partial replay p-1: 2 of 2 aggregates rebuilt from 1 events in count (0 folds from snapshots, 1 from the first event) as known at 2026-02-02T00:00:00Z "
                + "(live states unchanged; the states under reports/known/p-1/)", report.get("summary").asText());
    }

    @Test
    void shouldFoldPastAFullPage_whenEverythingWasKnown() throws Exception {
        EventEnvelope[] many = new EventEnvelope[501];
        for (int i = 0; i < many.length; i++) many[i] = at("m" + i, "acc-1", "CounterAdded", Instant.parse("2026-02-01T00:00:00Z"));
        world.live(many);
        world.actions.findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"acc-1\"],\"processors\":[\"count\"],"
                + "\"knownAt\":\"2026-02-02T00:00:00Z\"}"));

        assertEquals(501, world.actions.rebuildAggregates("p-1", List.of("acc-1")).get("events").asLong());
        JsonNode piece = EventCodec.JSON.readTree(world.reports.get("memory://reports/known/p-1/count/chunk-acc-1-1.json"));
        assertEquals(501, piece.path("states").path("acc-1").path("version").asLong());
    }

    @Test
    void shouldWriteIdsAsJsonStrings_andKeySpeciallyPerReplay() {
        assertArrayEquals("\"a\\\"b\"\n\"c\"\n".getBytes(StandardCharsets.UTF_8), PartialReplay.jsonLines(List.of("a\"b", "c")));
        assertArrayEquals(new byte[0], PartialReplay.jsonLines(List.of()));
        assertEquals("scopes/p-9/aggregates.jsonl", PartialReplay.scopeKey("p-9"));
        assertEquals("reports/known/p-9/", PartialReplay.knownStatesPrefix("p-9"));
    }

    @Test
    void shouldNameTheBucket_whenTheScopeIsInS3() {
        ReplayPorts s3 = new ReplayPorts(world.ports.processors(), world.log, world.index, world.index, world.states, world.replays, world.stream,
                new dev.playback.model.store.PayloadStore() {
                    @Override
                    public String put(String key, byte[] bytes) {
                        return "s3://reports-bucket/" + key;
                    }

                    @Override
                    public byte[] get(String ref) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public List<String> refs(String prefix) {
                        return List.of();
                    }
                }, world.ports.clock(), world.ports.publishBudget());

        ObjectNode out = new ReplayActions(s3).findAggregates(request("{\"replayId\":\"p-1\",\"aggregates\":[\"a\"]}"));

        assertEquals("reports-bucket", out.get("bucket").asText());
        assertEquals("scopes/p-1/aggregates.jsonl", out.get("key").asText());
    }
}

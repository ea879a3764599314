package dev.playback.model.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.replay.ReplayStore.AppliedShard;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.created;
import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small parts replays are read and written with: request fields, ids, kinds, sequence numbers, keys, gateway summaries. */
class ReplayInputsTest {
    private static final String SEQ_56 = "49650000000000000000000000000000000000000000000000000001";
    private static final String SEQ_57 = "100000000000000000000000000000000000000000000000000000000";

    @Test
    void shouldCompareSequenceNumbersAsNumbers_notAsText() {
        assertTrue(SequenceNumbers.compare(SEQ_57, SEQ_56) > 0);
        assertEquals(SEQ_57, SequenceNumbers.max(SEQ_56, SEQ_57));
        assertEquals(SEQ_57, SequenceNumbers.max(SEQ_57, SEQ_56));
        assertEquals(SEQ_56, SequenceNumbers.min(SEQ_56, SEQ_57));
        assertEquals(SEQ_56, SequenceNumbers.min(SEQ_57, SEQ_56));
        assertEquals("7", SequenceNumbers.max(null, "7"));
        assertEquals("7", SequenceNumbers.max("7", null));
        assertEquals("7", SequenceNumbers.min(null, "7"));
        assertEquals("7", SequenceNumbers.min("7", null));
        assertEquals("07", SequenceNumbers.max("07", "7"), "equal numbers: the first");
        assertEquals("07", SequenceNumbers.min("07", "7"));
    }

    @Test
    void shouldPadSequenceNumbersToEightyDigits_andRefuseLongerOnes() {
        assertEquals("0".repeat(79) + "5", SequenceNumbers.padded("005"));
        assertEquals("9".repeat(80), SequenceNumbers.padded("9".repeat(80)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SequenceNumbers.padded("1" + "0".repeat(80)));
        assertEquals("sequence number 1" + "0".repeat(80) + " is longer than 80 digits", e.getMessage());
    }

    @Test
    void shouldTellWhenAFailedRecordWasGivenUp_orSkippedByTheMark() {
        AppliedShard shard = new AppliedShard("20", 0, Map.of(), Map.of("30", 10, "40", 11));
        assertFalse(shard.givenUp("30"), "ten failures are still within the retries");
        assertTrue(shard.givenUp("40"));
        assertFalse(shard.givenUp("50"));
        assertTrue(shard.skipped("20"), "the mark passed it");
        assertTrue(shard.skipped("19"));
        assertFalse(shard.skipped("21"));
        assertTrue(shard.skipped("40"));
        assertFalse(AppliedShard.NONE.skipped("1"));
    }

    @Test
    void shouldReadRequestFields_namingTheFieldAtFault() {
        ObjectNode r = json("{\"s\":\"x\",\"n\":5,\"f\":1.5,\"big\":3000000000,\"b\":true,\"l\":[\"a\",\"b\",\"a\"],\"nul\":null,\"blank\":\" \","
                + "\"t\":\"2026-01-31T00:00:00Z\"}");
        assertEquals("x", Requests.text(r, "s"));
        assertNull(Requests.text(r, "absent"));
        assertNull(Requests.text(r, "nul"));
        assertEquals("field 'n' must be a string, got 5", assertThrows(IllegalArgumentException.class, () -> Requests.text(r, "n")).getMessage());
        assertEquals("x", Requests.requireText(r, "s"));
        assertEquals("field 'blank' is required", assertThrows(IllegalArgumentException.class, () -> Requests.requireText(r, "blank")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Requests.requireText(r, "absent"));
        assertEquals(5, Requests.integer(r, "n", 1, 5, 5));
        assertEquals(9, Requests.integer(r, "absent", 9, 1, 2));
        assertEquals(9, Requests.integer(r, "nul", 9, 1, 2));
        assertEquals("field 'n' must be an integer from 6 to 7, got 5", assertThrows(IllegalArgumentException.class, () -> Requests.integer(r, "n", 1, 6, 7)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Requests.integer(r, "n", 1, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> Requests.integer(r, "f", 1, 0, 9));
        assertThrows(IllegalArgumentException.class, () -> Requests.integer(r, "big", 1, Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Requests.integer(r, "s", 1, 0, 9));
        assertEquals(5, Requests.requireInteger(r, "n"));
        assertEquals("field 'f' must be an integer, got 1.5", assertThrows(IllegalArgumentException.class, () -> Requests.requireInteger(r, "f")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Requests.requireInteger(r, "absent"));
        assertTrue(Requests.bool(r, "b"));
        assertFalse(Requests.bool(r, "absent"));
        assertFalse(Requests.bool(r, "nul"));
        assertEquals("field 's' must be true or false, got \"x\"", assertThrows(IllegalArgumentException.class, () -> Requests.bool(r, "s")).getMessage());
        assertEquals(List.of("a", "b"), Requests.strings(r, "l"));
        assertNull(Requests.strings(r, "absent"));
        assertNull(Requests.strings(r, "nul"));
        assertEquals("field 's' must be an array of strings, got \"x\"", assertThrows(IllegalArgumentException.class, () -> Requests.strings(r, "s")).getMessage());
        assertEquals("field 'l[1]' must be a non-empty string, got \" \"", assertThrows(IllegalArgumentException.class,
                () -> Requests.strings(json("{\"l\":[\"a\",\" \"]}"), "l")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Requests.strings(json("{\"l\":[1]}"), "l"));
        assertEquals(Instant.parse("2026-01-31T00:00:00Z"), Requests.instant(r, "t"));
        assertNull(Requests.instant(r, "absent"));
        assertEquals("field 's' must be an ISO-8601 instant such as 2026-01-31T00:00:00Z, got 'x'",
                assertThrows(IllegalArgumentException.class, () -> Requests.instant(r, "s")).getMessage());
        assertTrue(Requests.object(null).isMissingNode());
        assertTrue(Requests.object(json("{\"x\":null}").get("x")).isMissingNode());
        assertEquals(r, Requests.object(r));
    }

    @Test
    void shouldTellWhoAskedForAReplay_fromEitherShapeOfInput() {
        ReplayRequest direct = ReplayRequest.of(json("{\"replayId\":\"r-1\",\"requestedBy\":\"cli:ada@desk\"}"), "arn:aws:states:eu:1:execution:sm:run-7");
        assertFalse(direct.throughEventBridge());
        assertEquals("{\"via\":\"execution\",\"execution\":\"arn:aws:states:eu:1:execution:sm:run-7\",\"executionName\":\"run-7\","
                + "\"claimed\":\"cli:ada@desk\"}", direct.requestedBy().toString());
        assertEquals("r-1", direct.request().get("replayId").asText());

        ReplayRequest viaEvent = ReplayRequest.of(json("{\"request\":{\"replayId\":\"r-2\"},\"event\":{\"id\":\"ev-1\",\"source\":\"ops\","
                + "\"account\":\"123\",\"time\":\"2026-01-01T00:00:00Z\"}}"), null);
        assertTrue(viaEvent.throughEventBridge());
        assertEquals("{\"via\":\"eventbridge\",\"eventId\":\"ev-1\",\"source\":\"ops\",\"account\":\"123\",\"time\":\"2026-01-01T00:00:00Z\"}",
                viaEvent.requestedBy().toString());
        assertEquals("{\"replayId\":\"r-2\"}", viaEvent.request().toString());
        assertFalse(ReplayRequest.of(json("{\"event\":\"x\",\"request\":{}}"), null).throughEventBridge());
        assertFalse(ReplayRequest.of(json("{\"event\":{}}"), null).throughEventBridge());

        assertEquals("field 'requestedBy' must be 1 to 256 characters, got 257", assertThrows(IllegalArgumentException.class,
                () -> ReplayRequest.of(json("{\"requestedBy\":\"" + "x".repeat(257) + "\"}"), null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReplayRequest.of(json("{\"requestedBy\":\" \"}"), null));
        assertEquals("x".repeat(256), ReplayRequest.of(json("{\"requestedBy\":\"" + "x".repeat(256) + "\"}"), null).requestedBy().get("claimed").asText());
    }

    @Test
    void shouldFindTheReplayIdOfAnInput_inEitherShape() {
        assertEquals(Optional.of("r-1"), ReplayRequest.replayIdOf(json("{\"replayId\":\"r-1\"}")));
        assertEquals(Optional.of("r-2"), ReplayRequest.replayIdOf(json("{\"request\":{\"replayId\":\"r-2\"}}")));
        assertEquals(Optional.empty(), ReplayRequest.replayIdOf(json("{\"replayId\":5}")));
        assertEquals(Optional.empty(), ReplayRequest.replayIdOf(null));
    }

    @Test
    void shouldAllowOnlySuppressAndPredictThroughEventBridge_unlessTheDeploymentAllowsMore() {
        ReplayRequest viaEvent = ReplayRequest.of(json("{\"request\":{},\"event\":{}}"), null);
        viaEvent.requireAllowed("suppress", false);
        viaEvent.requireAllowed("predict", false);
        viaEvent.requireAllowed("diff", true);
        ReplayRequest.of(json("{}"), null).requireAllowed("diff", false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> viaEvent.requireAllowed("allow:bank", false));
        assertEquals("gatewayMode 'allow:bank' was requested through EventBridge (event ? from source ?, account ?); this deployment does not let "
                + "EventBridge requests cause external effects: deploy with the template parameter AllowEffectfulEventReplays=true "
                + "(EVENT_REPLAYS_MAY_SEND=true), or start the replay with StartExecution, or request gatewayMode suppress", e.getMessage());
        assertTrue(ReplayRequest.maySend(Optional.of(" true ")));
        assertFalse(ReplayRequest.maySend(Optional.empty()));
        assertFalse(ReplayRequest.maySend(Optional.of("false")));
        assertEquals("ReplayFunction: EVENT_REPLAYS_MAY_SEND must be true or false, got 'yes'",
                assertThrows(IllegalStateException.class, () -> ReplayRequest.maySend(Optional.of("yes"))).getMessage());
    }

    @Test
    void shouldParseKindsStatusesAndTimeFields_byTheirWireNames() {
        assertEquals(ReplayKind.VERIFY, ReplayKind.parse("verify"));
        assertEquals("partial", ReplayKind.PARTIAL.wireName());
        assertEquals("kind must be one of rebuild, verify, partial; got 'REBUILD'",
                assertThrows(IllegalArgumentException.class, () -> ReplayKind.parse("REBUILD")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReplayKind.parse(null));
        assertTrue(ReplayStatus.FAILED.ended());
        assertTrue(ReplayStatus.ABORTED.ended());
        assertFalse(ReplayStatus.RUNNING.ended());
        assertFalse(ReplayStatus.SUCCEEDED.ended());
        assertEquals(TimeField.RECORDED_AT, TimeField.parse(null));
        assertEquals(TimeField.OCCURRED_AT, TimeField.parse("occurredAt"));
        assertEquals("recordedAt", TimeField.RECORDED_AT.wireName());
        assertEquals("timeField must be recordedAt or occurredAt; got 'at'", assertThrows(IllegalArgumentException.class, () -> TimeField.parse("at")).getMessage());
    }

    @Test
    void shouldWriteTimeKeysOfFixedWidth_inUtc() {
        Instant t = Instant.parse("2026-01-31T23:59:59.5Z");
        assertEquals("2026-01-31", TimeKeys.day(t));
        assertEquals("2026-01-31T23:59:59.500000000Z", TimeKeys.time(t));
        assertEquals("2026-01-31T23:59:59.500000000Z#acc-1#12", TimeKeys.key(t, "acc-1", 12));
    }

    @Test
    void shouldAcceptOnlyValidReplayIds() {
        assertEquals("r-1.a_b:c", Replay.requireValidId("r-1.a_b:c"));
        assertEquals("x".repeat(80), Replay.requireValidId("x".repeat(80)));
        assertEquals("replayId 'a b' is not valid: 1 to 80 of A-Z a-z 0-9 . _ : -",
                assertThrows(IllegalArgumentException.class, () -> Replay.requireValidId("a b")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Replay.requireValidId(null));
        assertThrows(IllegalArgumentException.class, () -> Replay.requireValidId("x".repeat(81)));
    }

    @Test
    void shouldKnowWhichProcessorsARecordIsFor_andTakeTheDefaultPolicy() {
        PlaybackRecord r = new PlaybackRecord("r-1", "g1", List.of("count"), List.of(created("a1", "acc-1").withVersion(1)));
        assertTrue(r.isFor("count"));
        assertFalse(r.isFor("tally"));
        assertEquals("acc-1", r.aggregateId());
        assertEquals(List.of("suppress", "fail"), List.of(r.gatewayMode(), r.missingRecords()));
        assertThrows(IllegalArgumentException.class, () -> new PlaybackRecord("r-1", "g1", List.of("count"), List.of()));
    }

    @Test
    void shouldSummariseAMergedGatewayReport_withPredictionsAndLiveQueriesWhenThereAreAny() {
        ObjectNode merged = json("{\"gatewayMode\":\"predict\",\"sent\":1,\"suppressed\":2,\"corrections\":3,\"liveQueries\":4,\"predictedCorrections\":5,"
                + "\"newSends\":6,\"reportUri\":\"s3://b/k.json\"}");

        ObjectNode summary = GatewayReports.summary(merged);

        assertEquals("{\"gatewayMode\":\"predict\",\"sent\":1,\"suppressed\":2,\"corrections\":3,\"liveQueries\":4,\"predictedCorrections\":5,"
                + "\"newSends\":6,\"reportUri\":\"s3://b/k.json\"}", summary.toString());
        assertEquals("; gateway predict: 3 corrections, 1 sent, 2 suppressed, 4 live queries, 5 corrections predicted, 6 new sends predicted "
                + "(report s3://b/k.json)", GatewayReports.describe(summary));
        assertEquals("; gateway diff: 0 corrections, 0 sent, 0 suppressed (report )", GatewayReports.describe(GatewayReports.summary(json("{\"gatewayMode\":\"diff\"}"))));
    }

    @Test
    void shouldMergeEveryPieceAndJournalEntryOfAReplay_intoOneReport() throws Exception {
        InMemoryPayloadStore store = new InMemoryPayloadStore();
        GatewayReports reports = new GatewayReports(store);
        reports.put("r-1", "tally", "chunk acc/1", json("{\"sent\":0,\"suppressed\":2}"));
        reports.journal("r-1", "tally").record("key#1", json("{\"sentCommands\":[{\"idempotencyKey\":\"k1\"}]}"));
        reports.put("r-2", "tally", "other", json("{\"suppressed\":7}"));

        assertEquals(List.of("memory://replays/r-1/gateway/tally/chunk_acc_1.json", "memory://replays/r-1/gateway/tally/entries/key_1.json"),
                store.refs("replays/r-1/"));
        ObjectNode merged = reports.publish("r-1", "diff");

        assertEquals(1, merged.get("sent").asLong());
        assertEquals(2, merged.get("suppressed").asLong());
        assertEquals(2, merged.get("pieces").asInt());
        assertEquals("r-1", merged.get("replayId").asText());
        assertEquals("diff", merged.get("gatewayMode").asText());
        assertEquals("memory://reports/gateway/r-1.json", merged.get("reportUri").asText());
        assertTrue(new String(store.get("memory://reports/gateway/r-1.json"), StandardCharsets.UTF_8).contains("\"pieces\" : 2"));
        assertEquals("reports/gateway/r-9.json", GatewayReports.mergedKey("r-9"));
        ObjectNode result = json("{}");
        assertEquals("; gateway diff: 0 corrections, 1 sent, 2 suppressed (report memory://reports/gateway/r-1.json)",
                reports.publishInto(result, "r-1", "diff"));
        assertEquals(1, result.get("gateway").get("sent").asLong());
        store.put("replays/r-3/gateway/tally/bad.json", "{not json".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(java.io.UncheckedIOException.class, () -> reports.publish("r-3", "diff")).getMessage()
                .startsWith("gateway report memory://replays/r-3/gateway/tally/bad.json is not JSON: "));
    }

    @Test
    void shouldRefusePortsWithoutProcessors() {
        CounterReplays world = new CounterReplays();
        assertEquals("no processors to replay", assertThrows(IllegalArgumentException.class, () -> new ReplayPorts(List.of(), world.log, world.index,
                world.index, world.states, world.replays, world.stream, world.reports, world.ports.clock(), world.ports.publishBudget())).getMessage());
    }
}

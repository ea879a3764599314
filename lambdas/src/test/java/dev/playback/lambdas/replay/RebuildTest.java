package dev.playback.lambdas.replay;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.replay.ReplayActions;
import dev.playback.model.replay.Rebuild;

import dev.playback.model.replay.Executions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.lambdas.Fixtures;
import dev.playback.model.playback.Projection;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.store.memory.InMemoryPlaybackStream;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.store.Generations;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static dev.playback.examples.ledger.LedgerEnvelopes.withdrawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RebuildTest {
    private final ReplayWorld world = new ReplayWorld();
    @org.junit.jupiter.api.extension.RegisterExtension
    final dev.playback.lambdas.LogCapture logs = new dev.playback.lambdas.LogCapture();

    /** The last log line whose message starts with {@code prefix}. */
    private ch.qos.logback.classic.spi.ILoggingEvent lastLine(String prefix) {
        return logs.events().stream().filter(e -> e.getFormattedMessage().startsWith(prefix)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in " + logs.messages()));
    }

    private void ledger() {
        world.live(opened("a1", "acc-1"), deposited("a2", "acc-1", "10.00"), withdrawn("a3", "acc-1", "2.50"));
        world.live(opened("b1", "acc-2"), deposited("b2", "acc-2", "1.00"));
        world.live(opened("c1", "acc-3"), withdrawn("c2", "acc-3", "9.00"));
    }

    /**
     * The EventBridge event AWS sends when a Step Functions execution ends (events/eventbridge-execution-status-change.json),
     * for this execution, status and execution input.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> executionEnded(String executionArn, String status, String executionInput) {
        Map<String, Object> event = Fixtures.input("eventbridge-execution-status-change.json");
        Map<String, Object> detail = (Map<String, Object>) event.get("detail");
        detail.put("executionArn", executionArn);
        detail.put("status", status);
        detail.put("input", executionInput);
        event.put("resources", List.of(executionArn));
        return event;
    }

    @Test
    void rebuildsEveryAggregateIntoANewGenerationAndSwitchesToIt() {
        ledger();
        JsonNode finished = world.run("rebuild", input("replayId", "r-1", "segments", 2, "batchSize", 2));
        assertEquals("g1", finished.get("generation").asText());
        assertEquals("g0", finished.get("previous").asText());
        assertFalse(finished.get("failed").asBoolean());
        assertTrue(finished.get("summary").asText().contains("7 events"), finished.toString());
        assertEquals(new Generations("g1", "g0", Set.of()), world.states.generations(BalancesProjection.NAME));
        for (String acc : List.of("acc-1", "acc-2", "acc-3")) {
            assertEquals(world.state("g0", acc).state(), world.state("g1", acc).state(), acc);
            assertEquals(world.state("g0", acc).version(), world.state("g1", acc).version(), acc);
        }
        assertEquals(ReplayStatus.SUCCEEDED, world.replays.find("r-1").orElseThrow().status());
    }

    @Test
    void keepsTheGatewayPolicyOfTheRequestAndPutsItOnEveryPlaybackRecord() {
        ledger();
        JsonNode prepared = world.prepare("rebuild", input("replayId", "fix-1", "gatewayMode", "allow:bank", "missingRecords", "live"));
        assertEquals("allow:bank", prepared.get("gatewayMode").asText());
        assertEquals("live", prepared.get("missingRecords").asText());
        assertEquals("allow:bank", world.replays.find("fix-1").orElseThrow().gatewayMode());
        world.publishExecution(prepared);
        var records = world.stream.drain();
        assertFalse(records.isEmpty());
        for (var e : records) {
            assertEquals("allow:bank", e.record().gatewayMode());
            assertEquals("live", e.record().missingRecords());
        }
    }

    @Test
    void defaultsToSuppressAndFail() {
        JsonNode prepared = world.prepare("rebuild", input("replayId", "plain"));
        assertEquals("suppress", prepared.get("gatewayMode").asText());
        assertEquals("fail", prepared.get("missingRecords").asText());
    }

    @Test
    void refusesAnUnknownOrLiveGatewayModeNamingTheField() {
        RuntimeException bad = assertThrows(RuntimeException.class, () -> world.prepare("rebuild", input("replayId", "bad-mode", "gatewayMode", "send-all")));
        assertTrue(bad.getMessage().contains("gatewayMode") && bad.getMessage().contains("send-all"), bad.getMessage());
        RuntimeException live = assertThrows(RuntimeException.class, () -> world.prepare("rebuild", input("replayId", "bad-live", "gatewayMode", "live")));
        assertTrue(live.getMessage().contains("gatewayMode") && live.getMessage().contains("not a replay mode"), live.getMessage());
        RuntimeException missing = assertThrows(RuntimeException.class, () -> world.prepare("rebuild", input("replayId", "bad-missing", "missingRecords", "sometimes")));
        assertTrue(missing.getMessage().contains("missingRecords"), missing.getMessage());
        for (String refused : List.of("bad-mode", "bad-live", "bad-missing")) {
            assertTrue(world.replays.find(refused).isEmpty(), "a refused request records no replay: " + refused);
        }
    }

    @Test
    void predictIsAVerificationsModeOnlyAndARebuildRefusesItNamingTheField() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> world.prepare("rebuild", input("replayId", "predict-1", "gatewayMode", "predict")));
        assertTrue(e.getMessage().contains("gatewayMode") && e.getMessage().contains("predict is for verifications"), e.getMessage());
        assertEquals("predict", world.prepare("verify", input("replayId", "what-if-1", "gatewayMode", "predict")).get("gatewayMode").asText());
    }

    @Test
    void aResumeKeepsTheModeItStartedWithAndRefusesAnother() {
        world.prepare("rebuild", input("replayId", "fix-2", "gatewayMode", "diff"));
        assertEquals("diff", world.prepare("rebuild", input("replayId", "fix-2")).get("gatewayMode").asText());
        assertEquals("diff", world.prepare("rebuild", input("replayId", "fix-2", "gatewayMode", "diff")).get("gatewayMode").asText());
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> world.prepare("rebuild", input("replayId", "fix-2", "gatewayMode", "suppress")));
        assertTrue(e.getMessage().contains("started with gatewayMode diff"), e.getMessage());
    }

    @Test
    void preparesWithDefaultsAndAGeneratedId() {
        JsonNode prepared = world.prepare("rebuild", input());
        assertTrue(prepared.get("replayId").asText().matches("r-20260301-120000-[0-9a-f]{6}"), prepared.toString());
        assertEquals("rebuild", prepared.get("kind").asText());
        assertEquals("g1", prepared.get("generation").asText());
        assertEquals(List.of(0, 1, 2, 3), ints(prepared.get("segments")));
        assertEquals(500, prepared.get("batchSize").asInt());
        assertEquals(18000 / 7, prepared.get("maxRounds").asInt());
        assertEquals(4, prepared.get("concurrency").asInt(), "two per shard of the two-shard stream, all four segments");
        assertEquals("[\"balances\"]", prepared.get("processors").toString());
        assertFalse(prepared.get("resumed").asBoolean());
        assertEquals(Set.of("g1"), world.states.generations(BalancesProjection.NAME).building());
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Test
    void boundsTheRoundsOfEachSegmentByTheHistoryOfItsOwnChildExecution() {
        assertEquals(2571, Rebuild.maxRounds());
        assertTrue(Rebuild.maxRounds() * 7 < 25_000);
    }

    @Test
    void publishesTwoSegmentsAtOncePerShardOfThePlaybackStreamAtMostEverySegment() {
        assertEquals(32, Rebuild.concurrency(1_000, 16));
        assertEquals(3, Rebuild.concurrency(3, 16));
        assertEquals(2, Rebuild.concurrency(10_000, 0), "a stream reporting no open shard still gets one shard's worth");
        assertEquals(10_000, Rebuild.concurrency(10_000, 6_000));
    }

    @Test
    void acceptsUpToTenThousandSegments() {
        JsonNode prepared = world.prepare("rebuild", input("segments", 10_000));
        assertEquals(10_000, prepared.get("segments").size());
        assertEquals(0, prepared.get("segments").get(0).asInt());
        assertEquals(9_999, prepared.get("segments").get(9_999).asInt());
    }

    @Test
    void refusesBadSettingsNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.prepare("rebuild", input("segments", 10_001)));
        assertTrue(e.getMessage().contains("segments"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> world.prepare("rebuild", input("batchSize", 0)));
        assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> world.prepare("rebuild", input("replayId", "no spaces")));
        assertTrue(e.getMessage().contains("replayId"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> world.prepare("rebuild", input("processors", List.of("payouts"))));
        assertTrue(e.getMessage().contains("payouts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> world.prepare("rebuild", input("reportOnly", true)));
        assertTrue(e.getMessage().contains("reportOnly"), e.getMessage());
    }

    @Test
    void waitsForTheProjectionBeforeItCountsAsDrained() {
        ledger();
        JsonNode prepared = world.prepare("rebuild", input("replayId", "r-2", "segments", 3));
        assertFalse(world.call(input("action", "drained", "replayId", "r-2")).get("drained").asBoolean(), "nothing published yet");
        assertTrue(world.publishExecution(prepared));
        JsonNode before = world.call(input("action", "drained", "replayId", "r-2"));
        assertFalse(before.get("drained").asBoolean());
        assertEquals(7, before.get("published").asLong());
        assertEquals(0, before.get("applied").asLong());
        world.deliverPlayback();
        JsonNode after = world.call(input("action", "drained", "replayId", "r-2"));
        assertTrue(after.get("drained").asBoolean(), after.toString());
        assertEquals(7, after.get("applied").asLong());
    }

    @Test
    void aFailedRebuildEndsDropsItsGenerationAndRefusesToBeStartedAgain() {
        ledger();
        world.prepare("rebuild", input("replayId", "r-3", "segments", 1, "batchSize", 3));
        world.call(input("action", "publish", "replayId", "r-3", "segment", 0, "round", 0, "maxRounds", 642));
        world.deliverPlayback();
        assertTrue(world.states.load(BalancesProjection.NAME, "g1", "acc-1").isPresent(), "the rebuild wrote into g1");

        JsonNode failed = world.call(input("action", "fail", "state", input("replayId", "r-3",
                "error", input("Error", "Lambda.Unknown", "Cause", "boom"))));

        assertEquals("FAILED", failed.get("status").asText());
        assertTrue(failed.get("cause").asText().contains("g1 was dropped"), failed.toString());
        assertEquals(ReplayStatus.FAILED, world.replays.find("r-3").orElseThrow().status());
        assertTrue(world.replays.find("r-3").orElseThrow().detail().contains("boom"));
        assertEquals(Set.of(), world.states.generations(BalancesProjection.NAME).building());
        assertTrue(world.states.load(BalancesProjection.NAME, "g1", "acc-1").isEmpty(), "the dropped generation's items are deleted");
        world.live(deposited("late", "acc-1", "1.00"));
        assertTrue(world.states.load(BalancesProjection.NAME, "g1", "acc-1").isEmpty(), "no live event reaches it afterwards");
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> world.prepare("rebuild", input("replayId", "r-3")));
        assertTrue(again.getMessage().contains("'r-3' has ended FAILED") && again.getMessage().contains("another replayId"), again.getMessage());
        assertEquals("g2", world.run("rebuild", input("replayId", "r-4")).get("generation").asText(), "a new replay takes a new generation");
        assertEquals("8.50", world.balance("g2", "acc-1"), "10.00 - 2.50 + the late 1.00");
    }

    /** A one-segment rebuild run by {@code execution}: prepared, one round published and delivered; its replay id. */
    private String rebuildPublishedOnce(String execution) {
        world.call(input("action", "prepare", "kind", "rebuild", "execution", execution,
                "request", input("segments", 1, "batchSize", 3)));
        String replayId = world.replays.replayOfExecution(execution).orElseThrow();
        world.call(input("action", "publish", "replayId", replayId, "segment", 0, "round", 0, "maxRounds", 642, "owner", execution));
        world.deliverPlayback();
        return replayId;
    }

    @Test
    void aStoppedExecutionEndsItsReplayAbortedWhenEventBridgeTellsIt() {
        ledger();
        String replayId = rebuildPublishedOnce("arn:exec:one");

        JsonNode ended = world.call(executionEnded("arn:exec:one", "ABORTED", "{}"));

        assertTrue(ended.get("ended").asBoolean(), ended.toString());
        assertEquals(ReplayStatus.ABORTED, world.replays.find(replayId).orElseThrow().status());
        assertEquals(Set.of(), world.states.generations(BalancesProjection.NAME).building());
        assertTrue(world.states.load(BalancesProjection.NAME, "g1", "acc-1").isEmpty());
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> world.call(input("action", "publish", "replayId", replayId,
                "segment", 0, "round", 1, "maxRounds", 642, "owner", "arn:exec:one")));
        assertTrue(late.getMessage().contains("has ended ABORTED"), late.getMessage());
    }

    @Test
    void shouldLogTheEndedReplayWithItsIdAndExecution_whenEventBridgeReportsItsExecutionStopped() {
        ledger();
        String replayId = rebuildPublishedOnce("arn:exec:one");

        world.call(executionEnded("arn:exec:one", "ABORTED", "{}"));

        ch.qos.logback.classic.spi.ILoggingEvent line = lastLine("replay: replay " + replayId + " ended ABORTED");
        assertEquals(replayId, line.getMDCPropertyMap().get("replayId"));
        assertEquals("arn:exec:one", line.getMDCPropertyMap().get("executionArn"));
    }

    @Test
    void shouldNotRecordAFailureOnTheReplay_whenAnExecutionOtherThanItsRunnerFails() {
        ledger();
        String replayId = rebuildPublishedOnce("arn:exec:one");
        Map<String, Object> failed = input("replayId", replayId, "error", input("Error", "States.Timeout", "Cause", "late"));

        JsonNode out = world.call(input("action", "fail", "state", failed, "execution", "arn:exec:two"));

        assertFalse(out.get("recorded").asBoolean(), out.toString());
        assertEquals("execution arn:exec:two of replay " + replayId + " failed: States.Timeout: late; the replay is run by execution "
                + "arn:exec:one and goes on there", out.get("cause").asText());
        assertEquals(ReplayStatus.RUNNING, world.replays.find(replayId).orElseThrow().status());
    }

    @Test
    void shouldRecordTheFailureOfTheExecutionTheStateNames_whenItNamesOneItself() {
        ledger();
        String replayId = rebuildPublishedOnce("arn:exec:one");
        Map<String, Object> failed = input("replayId", replayId, "execution", "arn:exec:one",
                "error", input("Error", "States.Timeout", "Cause", "late"));

        world.call(input("action", "fail", "state", failed, "execution", "arn:exec:two"));

        assertEquals(ReplayStatus.FAILED, world.replays.find(replayId).orElseThrow().status());
    }

    @Test
    void aReplayWhoseStopNeverReachedTheFunctionIsEndedByTheScheduledReconcile() {
        ledger();
        String replayId = rebuildPublishedOnce("arn:exec:lost");
        Map<String, Executions.Status> stepFunctions = new java.util.HashMap<>();
        stepFunctions.put("arn:exec:lost", new Executions.Status("RUNNING", null, null));
        ReplayHandler scheduled = new ReplayHandler(new ReplayActions(world.ports), arn -> java.util.Optional.ofNullable(stepFunctions.get(arn)));

        JsonNode whileRunning = EventCodec.JSON.valueToTree(scheduled.handleRequest(input("action", "reconcile"), null));
        stepFunctions.put("arn:exec:lost", new Executions.Status("ABORTED", null, null)); // stopped; its status-change event was lost
        JsonNode afterTheStop = EventCodec.JSON.valueToTree(scheduled.handleRequest(input("action", "reconcile"), null));
        JsonNode again = EventCodec.JSON.valueToTree(scheduled.handleRequest(input("action", "reconcile"), null));

        assertEquals(1, whileRunning.get("checked").asInt());
        assertEquals(0, whileRunning.get("ended").size(), whileRunning.toString());
        assertEquals(1, afterTheStop.get("ended").size(), afterTheStop.toString());
        assertTrue(afterTheStop.get("ended").get(0).asText().contains("replay " + replayId + " ended ABORTED"), afterTheStop.toString());
        assertEquals(ReplayStatus.ABORTED, world.replays.find(replayId).orElseThrow().status());
        assertEquals(Set.of(), world.states.generations(BalancesProjection.NAME).building());
        assertTrue(world.states.load(BalancesProjection.NAME, "g1", "acc-1").isEmpty(), "its generation was dropped");
        assertEquals(0, again.get("checked").asInt(), "nothing is running any more");
    }

    @Test
    void reconcileWithoutStepFunctionsIsRefusedNamingWhatIsMissing() {
        ledger();
        world.call(input("action", "prepare", "kind", "rebuild", "execution", "arn:exec:two",
                "request", input("segments", 1, "batchSize", 3)));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> world.call(input("action", "reconcile")));

        assertTrue(e.getMessage().contains("reconcile needs Step Functions to read execution arn:exec:two"), e.getMessage());
    }

    @Test
    void theNewestExecutionOfAReplayIdRunsItAndAnOlderOneStopsAtItsNextCall() {
        ledger();
        world.call(input("action", "prepare", "kind", "rebuild", "execution", "arn:exec:one", "request", input("replayId", "r-9", "segments", 1)));
        world.call(input("action", "prepare", "kind", "rebuild", "execution", "arn:exec:two", "request", input("replayId", "r-9")));

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> world.call(input("action", "publish",
                "replayId", "r-9", "segment", 0, "round", 0, "maxRounds", 642, "owner", "arn:exec:one")));
        assertTrue(refused.getMessage().contains("run by execution arn:exec:two"), refused.getMessage());
        JsonNode failedOne = world.call(input("action", "fail", "state", input("replayId", "r-9", "execution", "arn:exec:one",
                "error", input("Error", "Lambda.Unknown", "Cause", refused.getMessage()))));
        JsonNode endedOne = world.call(executionEnded("arn:exec:one", "FAILED", "{\"replayId\":\"r-9\"}"));

        assertFalse(failedOne.get("recorded").asBoolean(), failedOne.toString());
        assertFalse(endedOne.get("ended").asBoolean(), endedOne.toString());
        assertEquals(ReplayStatus.RUNNING, world.replays.find("r-9").orElseThrow().status());
        JsonNode published = world.call(input("action", "publish", "replayId", "r-9", "segment", 0, "round", 0, "maxRounds", 642, "owner", "arn:exec:two"));
        assertTrue(published.get("done").asBoolean());
        assertEquals(7, published.get("published").asLong());
    }

    @Test
    void aSucceededReplayStartedAgainByAnotherExecutionAnswersWhatItDid() {
        ledger();
        JsonNode first = world.run("rebuild", input("replayId", "r-done"));
        world.call(input("action", "prepare", "kind", "rebuild", "execution", "arn:exec:again", "request", input("replayId", "r-done")));

        JsonNode drained = world.call(input("action", "drained", "replayId", "r-done", "execution", "arn:exec:again"));
        JsonNode finished = world.call(input("action", "finish", "replayId", "r-done", "execution", "arn:exec:again"));

        assertTrue(drained.get("drained").asBoolean(), drained.toString());
        assertEquals(first, finished);
    }

    @Test
    void aSwitchDeletesTheGenerationItDropsAndKeepsThePreviousOne() {
        ledger();
        world.run("rebuild", input("replayId", "r-a"));
        assertTrue(world.states.load(BalancesProjection.NAME, "g0", "acc-1").isPresent(), "g0 is previous after the first switch");
        world.run("rebuild", input("replayId", "r-b"));
        assertTrue(world.states.load(BalancesProjection.NAME, "g0", "acc-1").isEmpty(), "g0 was deleted when g2 was switched to");

        world.run("rebuild", input("replayId", "r-c"));

        assertEquals(new Generations("g3", "g2", Set.of()), world.states.generations(BalancesProjection.NAME));
        assertTrue(world.states.load(BalancesProjection.NAME, "g1", "acc-1").isEmpty(), "g1, older than previous, is deleted");
        assertEquals("7.50", world.balance("g2", "acc-1"));
        assertEquals("7.50", world.balance("g3", "acc-1"));
    }

    /** Publishes the ledger for replay {@code id} and returns its records on the stream (not yet applied). */
    private List<InMemoryPlaybackStream.Entry> published(String id) {
        ledger();
        JsonNode prepared = world.prepare("rebuild", input("replayId", id, "segments", 1));
        assertTrue(world.publishExecution(prepared));
        return world.stream.drain();
    }

    /** A later record of the same replay and aggregate on the same shard: what moves the mark past a skipped one. */
    private InMemoryPlaybackStream.Entry later(InMemoryPlaybackStream.Entry of) {
        PlaybackRecord r = of.record();
        world.stream.publish(List.of(new PlaybackRecord(r.replayId(), r.generation(), r.processors(), r.events().subList(0, 1))));
        return world.stream.drain().get(0);
    }

    private Projection.Result apply(List<InMemoryPlaybackStream.Entry> entries) {
        return world.projection.apply(entries.stream().map(e -> Projection.Item.playback(e.shardId(), e.sequenceNumber(), e.record())).toList());
    }

    @Test
    void aPlaybackRecordAProcessorCouldNotApplyAndTheStreamSkippedFailsTheReplayNamingIt() {
        List<InMemoryPlaybackStream.Entry> entries = published("r-skip");
        InMemoryPlaybackStream.Entry bad = entries.stream().filter(e -> e.record().aggregateId().equals("acc-2")).findFirst().orElseThrow();
        PlaybackRecord r = bad.record();
        // version 2 carried as 5: the gap 2..4 is not in the events table, so the record cannot apply
        PlaybackRecord broken = new PlaybackRecord(r.replayId(), r.generation(), r.processors(), List.of(r.events().get(0), r.events().get(1).withVersion(5)));
        List<InMemoryPlaybackStream.Entry> first = entries.stream().map(e -> e == bad ? new InMemoryPlaybackStream.Entry(e.shardId(), e.sequenceNumber(), broken) : e).toList();
        assertEquals(List.of(bad.sequenceNumber()), apply(first).failures());
        // its retries ran out: the stream goes on after it
        assertEquals(List.of(), apply(List.of(later(bad))).failures());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> world.call(input("action", "drained", "replayId", "r-skip")));

        System.out.println("skipped record: " + e.getMessage());
        assertTrue(e.getMessage().contains("processor balances could not apply playback record " + bad.sequenceNumber()), e.getMessage());
        assertTrue(e.getMessage().contains("aggregate acc-2 versions 1..5") && e.getMessage().contains("not in the events table"), e.getMessage());
        assertTrue(e.getMessage().contains("replay r-skip") && e.getMessage().contains("the active generation is unchanged"), e.getMessage());
        assertEquals("g0", world.states.generations(BalancesProjection.NAME).active());
    }

    @Test
    void aFailingRecordThatOutlastedTheStreamsRetriesFailsTheReplayEvenWithNothingAfterIt() {
        List<InMemoryPlaybackStream.Entry> entries = published("r-last");
        InMemoryPlaybackStream.Entry bad = entries.stream().filter(e -> e.record().aggregateId().equals("acc-3")).findFirst().orElseThrow();
        PlaybackRecord r = bad.record();
        PlaybackRecord broken = new PlaybackRecord(r.replayId(), r.generation(), r.processors(), List.of(r.events().get(0), r.events().get(1).withVersion(9)));
        List<InMemoryPlaybackStream.Entry> batch = entries.stream().map(e -> e == bad ? new InMemoryPlaybackStream.Entry(e.shardId(), e.sequenceNumber(), broken) : e).toList();
        assertEquals(List.of(bad.sequenceNumber()), apply(batch).failures());
        List<InMemoryPlaybackStream.Entry> retry = batch.stream().filter(e -> e.record() == broken).toList();
        // the first attempt and 9 retries: still retrying, not drained, not failed
        for (int n = 1; n <= 9; n++) apply(retry);
        assertFalse(world.call(input("action", "drained", "replayId", "r-last")).get("drained").asBoolean());

        apply(retry); // the 10th retry, the last one

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> world.call(input("action", "drained", "replayId", "r-last")));
        assertTrue(e.getMessage().contains("could not apply playback record " + bad.sequenceNumber()) && e.getMessage().contains("11 attempts"), e.getMessage());
    }

    @Test
    void eventsMissingAlthoughEveryMarkWasReachedFailTheReplayWithTheCounts() {
        List<InMemoryPlaybackStream.Entry> entries = published("r-lost");
        InMemoryPlaybackStream.Entry lost = entries.stream().filter(e -> e.record().aggregateId().equals("acc-1")).findFirst().orElseThrow();
        // the record never reached the processor (its batch failed outright until the retries ran out)
        assertEquals(List.of(), apply(entries.stream().filter(e -> e != lost).toList()).failures());
        assertEquals(List.of(), apply(List.of(later(lost))).failures());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> world.call(input("action", "drained", "replayId", "r-lost")));

        System.out.println("lost record: " + e.getMessage());
        // published: acc-1 3 + acc-2 2 + acc-3 2 = 7 events; applied: 2 + 2 + the later record's 1 = 5
        assertTrue(e.getMessage().contains("processor balances applied 5 of the 7 events published"), e.getMessage());
        assertEquals("g0", world.states.generations(BalancesProjection.NAME).active());
    }

    @Test
    void aRedeliveredBatchIsCountedOnceAndDrains() {
        List<InMemoryPlaybackStream.Entry> entries = published("r-again");
        assertEquals(List.of(), apply(entries).failures());
        assertEquals(List.of(), apply(entries).failures());

        JsonNode drained = world.call(input("action", "drained", "replayId", "r-again"));

        assertTrue(drained.get("drained").asBoolean(), drained.toString());
        assertEquals(7, drained.get("applied").asLong());
    }

    @Test
    void theDrainWaitContinuesAsNewAfterItsBudgetOfChecks() {
        ledger();
        JsonNode prepared = world.prepare("rebuild", input("replayId", "r-w"));
        assertEquals(0, prepared.get("drain").get("waits").asInt());
        world.publishExecution(prepared);

        JsonNode early = world.call(input("action", "drained", "replayId", "r-w", "waits", 3));
        JsonNode last = world.call(input("action", "drained", "replayId", "r-w", "waits", 499));

        assertFalse(early.get("drained").asBoolean());
        assertEquals(4, early.get("waits").asInt());
        assertFalse(early.get("continueAsNew").asBoolean());
        assertEquals(500, last.get("waits").asInt());
        assertTrue(last.get("continueAsNew").asBoolean(), last.toString());
    }

    @Test
    void aSegmentsChildRecordsItsFailureAsTheParentsAndTheMapRunsFailureKeepsThatCause() {
        ledger();
        world.prepare("rebuild", input("replayId", "r-child", "segments", 2));
        world.call(input("action", "prepare", "kind", "rebuild", "request", input("replayId", "r-child"), "execution", "arn:exec:parent"));

        JsonNode child = world.call(input("action", "fail", "execution", "arn:exec:parent", "state", input("replayId", "r-child",
                "segment", 1, "owner", "arn:exec:parent", "error", input("Error", "Lambda.Unknown", "Cause", "segment 1 broke"))));
        JsonNode parent = world.call(input("action", "fail", "execution", "arn:exec:parent", "state", input("replayId", "r-child",
                "error", input("Error", "States.ExceedToleratedFailureThreshold", "Cause", "The specified tolerated failure threshold was exceeded"))));

        assertTrue(child.get("cause").asText().contains("segment 1 broke"), child.toString());
        assertTrue(parent.get("cause").asText().contains("segment 1 broke"), parent.toString());
        assertEquals("Lambda.Unknown: segment 1 broke", world.replays.find("r-child").orElseThrow().detail());
        assertEquals(Set.of(), world.states.generations(BalancesProjection.NAME).building());
    }

    @Test
    void aSegmentWhoseRoundsRunOutGoesOnFromItsCheckpointInTheNextMapRun() {
        world.live(opened("a0", "acc-1"));
        for (int i = 1; i <= 49; i++) world.live(deposited("a" + i, "acc-1", "1.00"));
        ObjectNode prepared = (ObjectNode) world.prepare("rebuild", input("replayId", "r-4", "segments", 64, "batchSize", 1));
        prepared.put("maxRounds", 10);
        int runs = 1;
        while (!world.publishExecution(prepared)) runs++;
        JsonNode finished = world.run("rebuild", input("replayId", "r-4"));
        assertEquals(5, runs, "50 events, one batch of one event per round, ten rounds per map run");
        assertEquals("49.00", world.balance("g1", "acc-1"));
        assertEquals(50, world.state("g1", "acc-1").version());
        assertEquals("g1", finished.get("generation").asText());
    }

    @Test
    void appliesLiveEventsThatArriveDuringTheRebuildToTheNewGeneration() {
        ledger();
        JsonNode prepared = world.prepare("rebuild", input("replayId", "r-5", "segments", 1, "batchSize", 2));
        world.call(input("action", "publish", "replayId", "r-5", "segment", 0, "round", 0, "maxRounds", 642));
        world.deliverPlayback();
        world.live(deposited("a4", "acc-1", "100.00"), deposited("c3", "acc-3", "5.00"));
        world.live(opened("d1", "acc-4"));
        assertTrue(world.publishExecution(prepared));
        world.deliverPlayback();
        assertTrue(world.call(input("action", "drained", "replayId", "r-5")).get("drained").asBoolean());
        world.call(input("action", "finish", "replayId", "r-5"));
        for (String acc : List.of("acc-1", "acc-2", "acc-3", "acc-4")) {
            assertEquals(world.state("g0", acc).state(), world.state("g1", acc).state(), acc);
        }
        assertEquals("107.50", world.balance("g1", "acc-1"));
    }

    @Test
    void answersARepeatedFinishTheSameWithoutSwitchingAgain() {
        ledger();
        JsonNode first = world.run("rebuild", input("replayId", "r-6"));
        JsonNode again = world.call(input("action", "finish", "replayId", "r-6"));
        assertEquals(first, again);
        assertEquals(new Generations("g1", "g0", Set.of()), world.states.generations(BalancesProjection.NAME));
    }

    @Test
    void numbersTheNextRebuildAfterTheGenerationsInUse() {
        ledger();
        world.run("rebuild", input("replayId", "r-7"));
        JsonNode second = world.run("rebuild", input("replayId", "r-8"));
        assertEquals("g2", second.get("generation").asText());
        assertEquals("g1", second.get("previous").asText());
        assertEquals("7.50", world.balance("g2", "acc-1"));
    }

    @Test
    void rollsBackToThePreviousGenerationAndForwardAgain() {
        ledger();
        world.run("rebuild", input("replayId", "r-9"));
        world.live(deposited("a4", "acc-1", "1.00"));
        assertEquals("8.50", world.balance("g0", "acc-1"), "the previous generation is kept warm");
        JsonNode rolled = world.call(input("action", "rollback", "request", input()));
        assertEquals("[{\"processor\":\"balances\",\"active\":\"g0\",\"previous\":\"g1\"}]", rolled.get("processors").toString());
        assertEquals("g0", world.states.activeGeneration(BalancesProjection.NAME, "g0"));
        world.call(input("action", "rollback", "request", input("processors", List.of("balances"))));
        assertEquals(new Generations("g1", "g0", Set.of()), world.states.generations(BalancesProjection.NAME));
    }

    @Test
    void refusesToRollBackWithoutAPreviousGeneration() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> world.call(input("action", "rollback", "request", input())));
        assertTrue(e.getMessage().contains("balances") && e.getMessage().contains("previous"), e.getMessage());
    }

    @Test
    void recordsNothingWhenTheReplayFailedBeforeItHadAnId() {
        JsonNode out = world.call(input("action", "fail", "state", input("error", input("Error", "X", "Cause", "y"))));
        assertFalse(out.get("recorded").asBoolean());
    }

    @Test
    void namesAnUnknownAction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.call(input("action", "explode")));
        assertTrue(e.getMessage().contains("explode"), e.getMessage());
    }

    @Test
    void refusesToResumeAReplayOfAnotherKind() {
        world.prepare("rebuild", input("replayId", "r-10"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.prepare("verify", input("replayId", "r-10")));
        assertTrue(e.getMessage().contains("r-10"), e.getMessage());
        assertNull(world.replays.find("r-10").orElseThrow().detail());
    }

    @Test
    void returnsPlainMapsToTheStateMachine() {
        Map<String, Object> out = world.handler.handleRequest(input("action", "prepare", "kind", "rebuild", "request", input("replayId", "r-11")), null);
        assertEquals("r-11", out.get("replayId"));
        assertEquals(List.of(0, 1, 2, 3), out.get("segments"));
        assertEquals(Boolean.FALSE, out.get("resumed"));
    }

    @Test
    void republishesAtMostTheOneBatchWhoseCheckpointWasLostAndStillBuildsTheSameState() {
        ledger();
        world.prepare("rebuild", input("replayId", "r-12", "segments", 1, "batchSize", 3));
        world.call(input("action", "publish", "replayId", "r-12", "segment", 0, "round", 0, "maxRounds", 642));
        world.crashBeforeNextCheckpoint = true;
        assertThrows(IllegalStateException.class,
                () -> world.call(input("action", "publish", "replayId", "r-12", "segment", 0, "round", 1, "maxRounds", 642)));
        JsonNode resumed = world.prepare("rebuild", input("replayId", "r-12"));
        assertTrue(world.publishExecution(resumed));
        int published = world.stream.entries().stream().mapToInt(e -> e.record().events().size()).sum();
        assertEquals(7 + 3, published, "the batch without a checkpoint went out twice, nothing else");
        JsonNode finished = world.run("rebuild", input("replayId", "r-12"));
        assertEquals("g1", finished.get("generation").asText());
        for (String acc : List.of("acc-1", "acc-2", "acc-3")) assertEquals(world.state("g0", acc).state(), world.state("g1", acc).state(), acc);
    }

    @Test
    void aThrottledCheckpointWriteIsHandedToTheStateMachineAsATransientFailureToRetry_andTheRetryCompletesTheRebuild() {
        ledger();
        world.prepare("rebuild", input("replayId", "r-13", "segments", 1, "batchSize", 3));
        world.failNextCheckpointWith = new java.util.concurrent.CompletionException(
                software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.builder()
                        .message("Rate of requests exceeds the allowed throughput").statusCode(400)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("ProvisionedThroughputExceededException").build()).build());

        TransientFailure e = assertThrows(TransientFailure.class,
                () -> world.call(input("action", "publish", "replayId", "r-13", "segment", 0, "round", 0, "maxRounds", 642)));

        assertEquals("dev.playback.lambdas.replay.TransientFailure", TransientFailure.ERROR);
        assertTrue(e.getMessage().contains("'publish'") && e.getMessage().contains("Rate of requests"), e.getMessage());
        ch.qos.logback.classic.spi.ILoggingEvent warned = lastLine("replay: publish failed, to be retried by the state machine: ");
        assertEquals("r-13", warned.getMDCPropertyMap().get("replayId"));
        JsonNode finished = world.run("rebuild", input("replayId", "r-13"));
        assertEquals("g1", finished.get("generation").asText());
        for (String acc : List.of("acc-1", "acc-2", "acc-3")) assertEquals(world.state("g0", acc).state(), world.state("g1", acc).state(), acc);
    }

    @Test
    void aRefusedConditionIsNoTransientFailure_andReachesTheStateMachineAsItIs() {
        ledger();
        world.prepare("rebuild", input("replayId", "r-14", "segments", 1, "batchSize", 3));
        world.failNextCheckpointWith = software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException.builder()
                .message("The conditional request failed").statusCode(400).build();

        assertThrows(software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException.class,
                () -> world.call(input("action", "publish", "replayId", "r-14", "segment", 0, "round", 0, "maxRounds", 642)));
    }

    @Test
    void aServerErrorOrALostConnectionIsTransient_aBadRequestOrAProgrammingErrorIsNot() {
        assertTrue(TransientFailure.transientCause(software.amazon.awssdk.services.kinesis.model.KinesisException.builder()
                .message("Internal failure").statusCode(500).build()).isPresent());
        assertTrue(TransientFailure.transientCause(new java.io.UncheckedIOException(new java.io.IOException("wrapped",
                software.amazon.awssdk.core.exception.SdkClientException.create("Unable to execute HTTP request: Connection reset")))).isPresent());
        assertTrue(TransientFailure.transientCause(software.amazon.awssdk.services.s3.model.S3Exception.builder()
                .message("Access Denied").statusCode(403).build()).isEmpty());
        assertTrue(TransientFailure.transientCause(new IllegalStateException("a bug")).isEmpty());
    }
}

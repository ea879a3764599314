package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.store.Generations;
import dev.playback.model.store.ProcessorState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.playback.model.event.Envelopes.added;
import static dev.playback.model.event.Envelopes.created;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.model.event.Envelopes.removed;
import static dev.playback.model.replay.CounterReplays.COUNT;
import static dev.playback.model.replay.CounterReplays.TALLY;
import static dev.playback.model.replay.CounterReplays.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full rebuild driven action by action: prepare, publish per segment, drained, finish (the generation switch). */
class RebuildTest {
    private final CounterReplays world = new CounterReplays();

    private void threeCounters() {
        world.live(created("a1", "acc-1"), added("a2", "acc-1", "10.00"), removed("a3", "acc-1", "2.50"));
        world.live(created("b1", "acc-2"), added("b2", "acc-2", "1.00"));
        world.live(created("c1", "acc-3"), added("c2", "acc-3", "9.00"));
    }

    @Test
    void shouldPrepareWithDefaults_whenTheRequestNamesNothing() {
        ObjectNode prepared = world.actions.prepare("rebuild", request("{}"));

        assertTrue(prepared.get("replayId").asText().matches("r-20260301-120000-[0-9a-f]{6}"), prepared.toString());
        assertEquals("rebuild", prepared.get("kind").asText());
        assertEquals("g1", prepared.get("generation").asText());
        assertEquals("[\"count\",\"tally\"]", prepared.get("processors").toString());
        assertEquals("[0,1,2,3]", prepared.get("segments").toString());
        assertEquals(500, prepared.get("batchSize").asInt());
        assertEquals("suppress", prepared.get("gatewayMode").asText());
        assertEquals("fail", prepared.get("missingRecords").asText());
        assertEquals(18_000 / 7, prepared.get("maxRounds").asInt());
        assertEquals(4, prepared.get("concurrency").asInt());
        assertEquals(json("{\"started\":0}").toString(), prepared.get("mapRuns").toString());
        assertFalse(prepared.get("resumed").asBoolean());
        assertEquals(json("{\"drained\":false,\"waits\":0}").toString(), prepared.get("drain").toString());
        assertEquals(Set.of("g1"), world.states.generations(COUNT).building());
        assertEquals(Set.of("g1"), world.states.generations(TALLY).building());
        Replay recorded = world.replays.find(prepared.get("replayId").asText()).orElseThrow();
        assertEquals(ReplayStatus.RUNNING, recorded.status());
        assertEquals(CounterReplays.NOW, recorded.startedAt());
    }

    @Test
    void shouldKeepTheRequestedSettings_whenGivenAndWithinBounds() {
        ObjectNode prepared = world.actions.prepare("rebuild",
                request("{\"replayId\":\"r-1\",\"segments\":10000,\"batchSize\":1,\"processors\":[\"tally\"],\"gatewayMode\":\"diff\",\"missingRecords\":\"live\"}"));

        assertEquals("r-1", prepared.get("replayId").asText());
        assertEquals(10_000, prepared.get("segments").size());
        assertEquals(1, prepared.get("batchSize").asInt());
        assertEquals("[\"tally\"]", prepared.get("processors").toString());
        assertEquals("diff", prepared.get("gatewayMode").asText());
        assertEquals("live", prepared.get("missingRecords").asText());
        assertEquals(Set.of(), world.states.generations(COUNT).building());
        assertEquals(500, world.actions.prepare("rebuild", request("{\"replayId\":\"r-2\",\"batchSize\":500,\"segments\":1}")).get("batchSize").asInt());
    }

    @Test
    void shouldRefuseSettingsOutOfBounds_namingTheField() {
        for (String bad : List.of("{\"segments\":0}", "{\"segments\":10001}", "{\"batchSize\":0}", "{\"batchSize\":501}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.actions.prepare("rebuild", request(bad)));
            String field = bad.substring(2, bad.indexOf('"', 2));
            assertTrue(e.getMessage().startsWith("field '" + field + "' must be an integer from 1 to "), e.getMessage());
        }
        assertTrue(world.replays.find("anything").isEmpty());
    }

    @Test
    void shouldRefuseWhatAppliesToOtherKinds_whenARebuildIsPrepared() {
        IllegalArgumentException knownAt = assertThrows(IllegalArgumentException.class,
                () -> world.actions.prepare("rebuild", request("{\"knownAt\":\"2026-01-01T00:00:00Z\"}")));
        assertEquals("field 'knownAt' applies to partial replays and verifications only: a rebuild ends in the live states, which hold every event; "
                + "to reproduce the states as known at an instant, request a partial replay with 'knownAt'", knownAt.getMessage());
        IllegalArgumentException reportOnly = assertThrows(IllegalArgumentException.class,
                () -> world.actions.prepare("rebuild", request("{\"reportOnly\":true}")));
        assertEquals("field 'reportOnly' applies to verify only", reportOnly.getMessage());
        IllegalArgumentException predict = assertThrows(IllegalArgumentException.class,
                () -> world.actions.prepare("rebuild", request("{\"gatewayMode\":\"predict\"}")));
        assertTrue(predict.getMessage().startsWith("field 'gatewayMode': predict is for verifications"), predict.getMessage());
        IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                () -> new Rebuild(world.ports, new Checkpoints(world.ports), false).prepare(ReplayKind.PARTIAL, request("{}"), null));
        assertEquals("kind must be rebuild or verify for prepare", partial.getMessage());
    }

    @Test
    void shouldResumeTheRecordedReplay_whenPreparedAgainWithItsId() {
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":2,\"batchSize\":3}"), "arn:exec:first");

        ObjectNode again = world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":7}"), "arn:exec:second");

        assertTrue(again.get("resumed").asBoolean());
        assertEquals(2, again.get("segments").size(), "the recorded settings hold");
        assertEquals(3, again.get("batchSize").asInt());
        assertEquals("g1", again.get("generation").asText());
        assertEquals("arn:exec:second", world.replays.execution("r-1").orElseThrow());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> world.actions.prepare("verify", request("{\"replayId\":\"r-1\"}")));
        assertEquals("replay 'r-1' is a rebuild, not a verify", kind.getMessage());
    }

    @Test
    void shouldRefuseToResume_whenTheReplayHasEnded() {
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\"}"));
        Replay r = world.replays.find("r-1").orElseThrow();
        world.replays.update(r.withStatus(ReplayStatus.ABORTED, "stopped"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\"}")));

        assertEquals("replay 'r-1' has ended ABORTED (stopped); its generation g1 was dropped: start a new replay with another replayId", e.getMessage());
    }

    @Test
    void shouldRunAgainAndRegisterTheGeneration_whenAFailedStatusWasRecordedButNotEnded() {
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\"}"));
        world.states.stopBuilding(COUNT, "g1");
        Replay r = world.replays.find("r-1").orElseThrow();
        // a status that is neither running nor ended: succeeded answers without building again
        world.replays.update(r.withStatus(ReplayStatus.SUCCEEDED, "done"));

        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\"}"), "arn:exec:again");

        assertEquals(Set.of(), world.states.generations(COUNT).building(), "a succeeded replay builds nothing again");
        assertTrue(world.replays.execution("r-1").isEmpty(), "only a running replay is taken over by an execution");
        assertEquals(ReplayStatus.SUCCEEDED, world.replays.find("r-1").orElseThrow().status());
    }

    @Test
    void shouldPickTheGenerationAfterTheHighestKnown_whenProcessorsAreAtDifferentOnes() {
        world.states.activate(COUNT, "g0", "g3");
        world.states.startBuilding(TALLY, "g5");
        world.states.startBuilding(TALLY, "shadow-x");
        world.replays.create(new Replay("old", ReplayKind.REBUILD, "g6", List.of(COUNT), 1, 1, false, ReplayStatus.FAILED,
                CounterReplays.NOW, "failed", null, 0, 0, 0, null, null, null));

        assertEquals("g7", world.actions.prepare("rebuild", request("{}")).get("generation").asText());
        assertEquals("shadow-v-1", world.actions.prepare("verify", request("{\"replayId\":\"v-1\"}")).get("generation").asText());
    }

    @Test
    void shouldTakeThePreviousGenerationIntoAccount_whenNamingTheNextOne() {
        world.states.activate(COUNT, "g0", "g4");
        world.states.activate(COUNT, "g4", "g2");

        assertEquals(new Generations("g2", "g4", Set.of()), world.states.generations(COUNT));
        assertEquals("g5", world.actions.prepare("rebuild", request("{}")).get("generation").asText());
    }

    @Test
    void shouldBoundTheConcurrency_byTwoPerShardAndTheSegments() {
        assertEquals(4, Rebuild.concurrency(10, 2));
        assertEquals(3, Rebuild.concurrency(3, 2));
        assertEquals(2, Rebuild.concurrency(10, 0));
        assertEquals(1, Rebuild.concurrency(0, 4));
        assertEquals(2571, Rebuild.maxRounds());
    }

    @Test
    void shouldPublishOneBatchPerCall_whenTheBudgetIsZero() {
        threeCounters();
        world.stream.drain();
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":1,\"batchSize\":3}"));

        ObjectNode first = world.actions.publish("r-1", 0, 4, 9);

        assertEquals("r-1", first.get("replayId").asText());
        assertEquals(0, first.get("segment").asInt());
        assertEquals(5, first.get("round").asInt());
        assertEquals(9, first.get("maxRounds").asInt());
        assertFalse(first.has("owner"));
        assertFalse(first.get("done").asBoolean());
        assertEquals(3, first.get("published").asLong());
        assertEquals(3, first.get("publishedNow").asLong());
        assertEquals("g1", first.get("generation").asText());
        ObjectNode second = world.actions.publish("r-1", 0, 5, 9);
        assertEquals(6, second.get("published").asLong());
        ObjectNode last = world.actions.publish("r-1", 0, 6, 9);
        assertTrue(last.get("done").asBoolean());
        assertEquals(7, last.get("published").asLong());
        assertEquals(1, last.get("publishedNow").asLong());
        List<Long> versions = world.stream.entries().stream().flatMap(e -> e.record().events().stream()).map(e -> e.version()).toList();
        assertEquals(7, versions.size());
        assertEquals(json("{\"allPublished\":true,\"published\":7}").toString(), world.actions.progress("r-1").toString());
    }

    @Test
    void shouldPublishEveryBatch_whenTheBudgetLasts() {
        CounterReplays patient = new CounterReplays(Duration.ofMinutes(5), false);
        patient.live(created("a1", "acc-1"), added("a2", "acc-1", "1.00"), added("a3", "acc-1", "2.00"));
        patient.stream.drain();
        patient.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":1,\"batchSize\":1}"));

        ObjectNode out = patient.actions.publish("r-1", 0, 0, 9);

        assertTrue(out.get("done").asBoolean());
        assertEquals(3, out.get("publishedNow").asLong());
        List<PlaybackRecord> records = patient.stream.entries().stream().map(e -> e.record()).toList();
        assertEquals(3, records.size(), "one record per batch of one event");
        assertEquals(List.of(COUNT, TALLY), records.get(0).processors());
        assertEquals("g1", records.get(0).generation());
    }

    @Test
    void shouldPutOneRecordPerAggregate_withItsEventsInVersionOrder() {
        Replay replay = new Replay("r-1", ReplayKind.REBUILD, "g2", List.of(COUNT), 1, 10, false, ReplayStatus.RUNNING, CounterReplays.NOW,
                null, null, 0, 0, 0, null, "diff", "live");
        var e1 = created("a1", "acc-1").withVersion(1);
        var e2 = added("a2", "acc-1", "1.00").withVersion(2);
        var f1 = created("b1", "acc-2").withVersion(1);

        List<PlaybackRecord> records = Rebuild.records(replay, new java.util.ArrayList<>(List.of(e2, f1, e1)));

        assertEquals(List.of(new PlaybackRecord("r-1", "g2", List.of(COUNT), List.of(e1, e2), "diff", "live"),
                new PlaybackRecord("r-1", "g2", List.of(COUNT), List.of(f1), "diff", "live")), records);
    }

    @Test
    void shouldRefuseASegmentOutOfRange_namingTheRange() {
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":2}"));
        for (int segment : new int[]{-1, 2}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> world.actions.publish("r-1", segment, 0, 9));
            assertEquals("segment " + segment + " is out of range: replay 'r-1' has segments 0..1", e.getMessage());
        }
        assertEquals(1, world.actions.publish("r-1", 1, 0, 9).get("segment").asInt());
    }

    @Test
    void shouldClaimTheSegmentForItsExecution_andLeaveItToANewerOne() {
        threeCounters();
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":1,\"batchSize\":2}"), "arn:exec:a");

        ObjectNode out = world.actions.publish("r-1", 0, 0, 9, "arn:exec:a");

        assertEquals("arn:exec:a", out.get("owner").asText());
        assertEquals("arn:exec:a", world.replays.checkpoint("r-1", 0).orElseThrow().owner());
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\"}"), "arn:exec:b");
        IllegalStateException stale = assertThrows(IllegalStateException.class, () -> world.actions.publish("r-1", 0, 1, 9, "arn:exec:a"));
        assertEquals("replay 'r-1' is run by execution arn:exec:b (started later with the same replayId); execution arn:exec:a stops here",
                stale.getMessage());
        ObjectNode taken = world.actions.publish("r-1", 0, 1, 9, "arn:exec:b");
        assertEquals("arn:exec:b", world.replays.checkpoint("r-1", 0).orElseThrow().owner());
        assertEquals(4, taken.get("published").asLong());
    }

    @Test
    void shouldGiveTheSegmentUp_whenAnotherPublisherMovedItsCheckpoint() {
        threeCounters();
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":1,\"batchSize\":2}"));
        SegmentCheckpoint moved = SegmentCheckpoint.start("r-1", 0).next("{\"aggregateId\":\"acc-2\",\"version\":2}", 4, Map.of());
        ReplayActions racing = world.seeing(new ForwardingReplayStore(world.replays) {
            @Override
            public boolean advanceCheckpoint(SegmentCheckpoint previous, SegmentCheckpoint next) {
                world.replays.saveCheckpoint(moved);
                return false;
            }
        }, world.states, Duration.ofMinutes(5));

        ObjectNode out = racing.publish("r-1", 0, 0, 9);

        assertEquals(4, out.get("published").asLong(), "the other publisher's checkpoint");
        assertFalse(out.get("done").asBoolean());
        assertEquals(2, out.get("publishedNow").asLong(), "the one batch it had in hand");
    }

    @Test
    void shouldTellDrainedOnlyOnceEveryProcessorAppliedEverything_andCountTheWaits() {
        threeCounters();
        world.stream.drain();
        ObjectNode prepared = world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":2}"));
        world.publishAll(prepared);

        ObjectNode waiting = world.actions.drained("r-1", null, 3);

        assertFalse(waiting.get("drained").asBoolean());
        assertEquals(7, waiting.get("published").asLong());
        assertEquals(0, waiting.get("applied").asLong());
        assertEquals(4, waiting.get("waits").asInt());
        assertFalse(waiting.get("continueAsNew").asBoolean());
        assertTrue(world.actions.drained("r-1", null, 499).get("continueAsNew").asBoolean());
        assertFalse(world.actions.drained("r-1", null, 498).get("continueAsNew").asBoolean());

        world.deliver();
        ObjectNode drained = world.actions.drained("r-1", null, 3);

        assertTrue(drained.get("drained").asBoolean());
        assertEquals(7, drained.get("applied").asLong());
        assertEquals(json("{\"count\":7,\"tally\":7}").toString(), drained.get("appliedBy").toString());
        assertEquals(3, drained.get("waits").asInt());
        assertFalse(world.actions.drained("r-1", null, 499).get("continueAsNew").asBoolean());
    }

    @Test
    void shouldNotBeDrained_whenOneProcessorIsBehindOnAShard() {
        threeCounters();
        world.stream.drain();
        ObjectNode prepared = world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":1}"));
        world.publishAll(prepared);
        world.deliver();
        Map<String, String> published = Checkpoints.publishedShards(List.of(world.replays.checkpoint("r-1", 0).orElseThrow()));
        String shard = published.keySet().iterator().next();
        ReplayActions behind = world.seeing(new ForwardingReplayStore(world.replays) {
            @Override
            public Map<String, AppliedShard> appliedShards(String replayId, String processor, java.util.Collection<String> shardIds) {
                Map<String, AppliedShard> real = new java.util.HashMap<>(world.replays.appliedShards(replayId, processor, shardIds));
                if (processor.equals(TALLY)) {
                    AppliedShard a = real.get(shard);
                    String lower = new java.math.BigInteger(published.get(shard)).subtract(java.math.BigInteger.ONE).toString();
                    real.put(shard, new AppliedShard(lower, a.events(), Map.of(), Map.of()));
                }
                return real;
            }
        }, world.states, Duration.ZERO);

        ObjectNode out = behind.drained("r-1", null, 0);

        assertFalse(out.get("drained").asBoolean());
        assertEquals(json("{\"count\":7,\"tally\":7}").toString(), out.get("appliedBy").toString());
    }

    @Test
    void shouldFailNamingWhatIsMissing_whenEveryMarkWasReachedButEventsWereNotApplied() {
        threeCounters();
        world.stream.drain();
        ObjectNode prepared = world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":1,\"processors\":[\"count\"]}"));
        world.publishAll(prepared);
        world.deliver();
        Map<String, String> published = Checkpoints.publishedShards(List.of(world.replays.checkpoint("r-1", 0).orElseThrow()));
        ReplayActions lossy = world.seeing(new ForwardingReplayStore(world.replays) {
            @Override
            public Map<String, AppliedShard> appliedShards(String replayId, String processor, java.util.Collection<String> shardIds) {
                Map<String, AppliedShard> out = new java.util.TreeMap<>();
                published.forEach((shard, seq) -> out.put(shard, new AppliedShard(seq, 1, Map.of(), Map.of())));
                return out;
            }
        }, world.states, Duration.ZERO);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lossy.drained("r-1", null, 0));

        assertEquals("replay r-1 cannot switch to g1: processor count applied " + published.size() + " of the 7 events published; "
                + "the active generation is unchanged", e.getMessage());
    }

    @Test
    void shouldFailNamingTheRecord_whenAProcessorGaveUpOnIt() {
        threeCounters();
        world.stream.drain();
        ObjectNode prepared = world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":1,\"processors\":[\"count\"]}"));
        world.publishAll(prepared);
        ReplayActions gaveUp = world.seeing(new ForwardingReplayStore(world.replays) {
            @Override
            public Map<String, AppliedShard> appliedShards(String replayId, String processor, java.util.Collection<String> shardIds) {
                return Map.of("shard-x", new AppliedShard(null, 0, Map.of("5", "aggregate acc-1 versions 1..3: boom", "6", "still trying"),
                        Map.of("5", 11, "6", 2)));
            }
        }, world.states, Duration.ZERO);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gaveUp.drained("r-1", null, 0));

        assertEquals("replay r-1 cannot switch to g1: processor count could not apply playback record 5 of shard-x "
                + "(aggregate acc-1 versions 1..3: boom; 11 attempts); the active generation is unchanged", e.getMessage());
    }

    @Test
    void shouldSwitchEveryProcessorToTheRebuiltGeneration_andSayWhatItDid() {
        threeCounters();
        world.factor = 2;

        ObjectNode finished = world.run("rebuild", request("{\"replayId\":\"r-1\",\"segments\":2,\"batchSize\":2}"));

        assertEquals("r-1", finished.get("replayId").asText());
        assertEquals("rebuild", finished.get("kind").asText());
        assertEquals("g1", finished.get("generation").asText());
        assertEquals("g0", finished.get("previous").asText());
        assertFalse(finished.get("failed").asBoolean());
        assertEquals("rebuild r-1: 7 events replayed into g1; count, tally now read g1 (previous g0 kept for rollback); gateway suppress: "
                + "0 corrections, 0 sent, 0 suppressed (report memory://reports/gateway/r-1.json)", finished.get("summary").asText());
        assertEquals(json("{\"gatewayMode\":\"suppress\",\"sent\":0,\"suppressed\":0,\"corrections\":0,\"liveQueries\":0,"
                + "\"reportUri\":\"memory://reports/gateway/r-1.json\"}").toString(), finished.get("gateway").toString());
        assertEquals(new Generations("g1", "g0", Set.of()), world.states.generations(COUNT));
        assertEquals(new Generations("g1", "g0", Set.of()), world.states.generations(TALLY));
        assertEquals(json("{\"events\":3,\"cents\":1500}").toString(), world.state(COUNT, "g1", "acc-1").state().toString());
        assertEquals(json("{\"events\":3,\"cents\":750}").toString(), world.state(COUNT, "g0", "acc-1").state().toString());
        Replay done = world.replays.find("r-1").orElseThrow();
        assertEquals(ReplayStatus.SUCCEEDED, done.status());
        assertEquals(finished.get("summary").asText(), done.detail());
        assertEquals(finished, world.actions.finish("r-1"), "a repeated finish answers the same");
    }

    @Test
    void shouldDropTheGenerationThatWasPrevious_whenASecondRebuildSwitches() {
        threeCounters();
        world.run("rebuild", request("{\"replayId\":\"r-1\",\"processors\":[\"count\"]}"));

        ObjectNode second = world.run("rebuild", request("{\"replayId\":\"r-2\",\"processors\":[\"count\"]}"));

        assertEquals("g2", second.get("generation").asText());
        assertEquals("g1", second.get("previous").asText());
        assertEquals("rebuild r-2: 7 events replayed into g2; count now read g2 (previous g1 kept for rollback)", second.get("summary").asText());
        assertFalse(second.has("gateway"));
        assertEquals(new Generations("g2", "g1", Set.of()), world.states.generations(COUNT));
        assertTrue(world.states.load(COUNT, "g0", "acc-1").isEmpty(), "g0 is no longer kept");
        assertTrue(world.states.load(COUNT, "g1", "acc-1").isPresent());
    }

    @Test
    void shouldNameEachProcessorsPrevious_whenTheyDiffer() {
        threeCounters();
        world.states.activate(TALLY, "g0", "g3");
        ProcessorState kept = world.state(TALLY, "g0", "acc-1");
        world.states.save(new ProcessorState(TALLY, "g3", "acc-1", kept.version(), kept.state()), 0);

        ObjectNode finished = world.run("rebuild", request("{\"replayId\":\"r-1\"}"));

        assertEquals("g4", finished.get("generation").asText());
        assertEquals("g0", finished.get("previous").asText(), "the first processor's");
        assertTrue(finished.get("summary").asText().contains("count, tally now read g4 (previous count g0, tally g3 kept for rollback)"),
                finished.get("summary").asText());
        assertEquals(new Generations("g4", "g3", Set.of()), world.states.generations(TALLY));
        assertTrue(world.states.load(TALLY, "g0", "acc-1").isEmpty(), "tally's old previous g0 is dropped");
        assertTrue(world.states.load(COUNT, "g0", "acc-1").isPresent(), "count's previous g0 stays");
    }

    @Test
    void shouldGiveUp_whenTheActiveGenerationKeepsChanging() {
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"processors\":[\"count\"]}"));
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        ReplayActions contended = world.seeing(world.replays, new dev.playback.model.store.ForwardingStateStore(world.states) {
            @Override
            public boolean activate(String processor, String expectedActive, String generation) {
                attempts.incrementAndGet();
                return false;
            }
        }, Duration.ZERO);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> contended.finish("r-1"));

        assertEquals("the active generation of count kept changing; g1 was not activated", e.getMessage());
        assertEquals(5, attempts.get());
    }

    @Test
    void shouldNotSwitchAgain_whenTheGenerationIsActiveAlready() {
        threeCounters();
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"processors\":[\"count\"]}"));
        world.states.activate(COUNT, "g0", "g1");

        ObjectNode finished = world.actions.finish("r-1");

        assertEquals("g0", finished.get("previous").asText());
        assertEquals(new Generations("g1", "g0", Set.of()), world.states.generations(COUNT));
        assertTrue(world.states.load(COUNT, "g0", "acc-1").isPresent());
    }

    @Test
    void shouldSayNothingOfAPrevious_whenNoProcessorHadOne() {
        Replay replay = new Replay("r-9", ReplayKind.REBUILD, "g0", List.of(COUNT), 1, 1, false, ReplayStatus.RUNNING, CounterReplays.NOW,
                null, null, 0, 0, 0, null, null, null);
        world.replays.create(replay);

        ObjectNode finished = world.actions.finish("r-9");

        assertTrue(finished.get("previous").isNull());
        assertEquals("rebuild r-9: 0 events replayed into g0; count now read g0", finished.get("summary").asText());
    }

    @Test
    void shouldAnswerProgressAndDrainOnlyToTheExecutionThatRunsTheReplay() {
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"segments\":1}"), "arn:exec:a");
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\"}"), "arn:exec:b");

        assertThrows(IllegalStateException.class, () -> world.actions.progress("r-1", "arn:exec:a"));
        assertThrows(IllegalStateException.class, () -> world.actions.drained("r-1", "arn:exec:a", 0));
        assertThrows(IllegalStateException.class, () -> world.actions.finish("r-1", "arn:exec:a"));
        assertEquals(json("{\"allPublished\":false,\"published\":0}").toString(), world.actions.progress("r-1", "arn:exec:b").toString());
        JsonNode none = world.actions.progress("r-1");
        assertFalse(none.get("allPublished").asBoolean());
    }
    @Test
    void shouldAnswerTheRecordedResult_whenFinishedAgainAfterARollback() {
        world.live(created("a1", "acc-1"));
        ObjectNode finished = world.run("rebuild", request("{\"replayId\":\"r-1\",\"processors\":[\"count\"]}"));
        world.actions.rollback(request("{\"processors\":[\"count\"]}"));

        assertEquals(finished.toString(), world.actions.finish("r-1").toString());
        assertEquals(new Generations("g0", "g1", Set.of()), world.states.generations(COUNT), "a repeated finish switches nothing");
    }

    @Test
    void shouldRefuseToResumeWithAnotherGatewayPolicy_andKeepTheDetailOfARunningReplay() {
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"gatewayMode\":\"diff\",\"missingRecords\":\"live\"}"));
        world.replays.update(world.replays.find("r-1").orElseThrow().withStatus(ReplayStatus.RUNNING, "segment 0 slow"));

        assertEquals("replay 'r-1' was started with gatewayMode diff; resume it with the same mode (or none), not suppress",
                assertThrows(IllegalArgumentException.class, () -> world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"gatewayMode\":\"suppress\"}"))).getMessage());
        assertEquals("replay 'r-1' was started with missingRecords live; resume it with the same policy (or none), not fail",
                assertThrows(IllegalArgumentException.class, () -> world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"missingRecords\":\"fail\"}"))).getMessage());
        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"gatewayMode\":\"diff\",\"missingRecords\":\"live\"}"));
        assertEquals("segment 0 slow", world.replays.find("r-1").orElseThrow().detail());
    }

    @Test
    void shouldRefuseAnEffectfulRebuildThroughEventBridge_startedOrResumed() {
        ObjectNode viaEvent = request("{\"request\":{\"replayId\":\"r-1\",\"gatewayMode\":\"diff\"},\"event\":{\"id\":\"ev-1\"}}");
        assertThrows(IllegalArgumentException.class, () -> world.actions.prepare("rebuild", viaEvent));
        assertTrue(world.replays.find("r-1").isEmpty());

        world.actions.prepare("rebuild", request("{\"replayId\":\"r-1\",\"gatewayMode\":\"diff\"}"));
        IllegalArgumentException resumed = assertThrows(IllegalArgumentException.class,
                () -> world.actions.prepare("rebuild", request("{\"request\":{\"replayId\":\"r-1\"},\"event\":{\"id\":\"ev-2\"}}")));
        assertTrue(resumed.getMessage().startsWith("gatewayMode 'diff' was requested through EventBridge (event ev-2"), resumed.getMessage());
    }
}

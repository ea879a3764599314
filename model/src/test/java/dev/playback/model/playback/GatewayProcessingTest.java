package dev.playback.model.playback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.Envelopes;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.ExternalSystems;
import dev.playback.model.gateway.Gateway;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.parking.Parking;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayKind;
import dev.playback.model.replay.ReplayStatus;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.added;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayProcessingTest {
    private static final EventCatalog CATALOG = new EventCatalog(List.of(Envelopes.DOCUMENT));
    private static final CallSite NOTIFY = new CallSite("mail", "notify");

    /** Counts the events of an aggregate and sends a notice for each; an amount of "bug" is a bug in its logic. */
    private record Notifier(String name) implements GatewayProcessor<Long> {
        @Override
        public Long initial(String aggregateId) {
            return 0L;
        }

        @Override
        public Long apply(Long count, EventEnvelope e, Gateway gateway) {
            if (e.payload().path("amount").asText().equals("bug")) throw new IllegalStateException("cannot notify");
            gateway.send(NOTIFY, JsonNodeFactory.instance.objectNode().put("aggregate", e.aggregateId()).put("n", count + 1));
            return count + 1;
        }

        @Override
        public JsonNode encode(Long count) {
            return JsonNodeFactory.instance.numberNode(count);
        }

        @Override
        public Long decode(JsonNode json) {
            return json.asLong();
        }
    }

    private final List<JsonNode> sent = new ArrayList<>();
    private final ExternalSystems external = new ExternalSystems() {
        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            throw new UnsupportedOperationException("no queries here");
        }

        @Override
        public void send(CallSite site, JsonNode command, String idempotencyKey) {
            sent.add(command);
        }
    };
    private final InMemoryEventLog log = new InMemoryEventLog();
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemoryReplayStore replays = new InMemoryReplayStore();
    private final Map<String, Long> counted = new HashMap<>();
    private final Metrics metrics = (metric, dimension, n) -> counted.merge(metric + "/" + dimension, n, Long::sum);
    private final List<String> lines = new ArrayList<>();
    private final GatewayProcessing processing = new GatewayProcessing(new Notifier("notifier"),
            new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog()), log, states, replays, CATALOG,
            Optional.empty(), Runnable::run, metrics, Parking.OFF);

    private EventEnvelope append(String aggregateId, String amount) {
        long v = log.latestVersion(aggregateId) + 1;
        EventEnvelope e = added(aggregateId + "-" + v, aggregateId, amount).withVersion(v);
        log.record(new EventStatus.Claimed(e.eventId(), aggregateId, v, Envelopes.T0));
        assertEquals(List.of(), log.write(List.of(e)));
        return e;
    }

    private Optional<Long> count(String generation, String aggregateId) {
        return states.load("notifier", generation, aggregateId).map(ProcessorState::state).map(JsonNode::asLong);
    }

    private static Replay rebuild(String replayId, String generation, String mode, ReplayStatus status) {
        return new Replay(replayId, ReplayKind.REBUILD, generation, List.of("notifier"), 1, 100, false, status, Envelopes.T0, null, null,
                0, 0, 0, null, mode, "fail", null);
    }

    @Test
    void liveEventsAreSentOnceFromTheActiveGenerationAndCounted() {
        EventEnvelope a1 = append("a", "1"), a2 = append("a", "1");
        List<String> retry = processing.apply(List.of(Projection.Item.appended("s1", "1", List.of(a1)),
                Projection.Item.appended("s1", "2", List.of(a2))), lines::add);
        assertEquals(List.of(), retry);
        assertEquals(2, sent.size());
        assertEquals(Optional.of(2L), count("g0", "a"));
        assertEquals(Map.of("GatewaySends/mail", 2L), counted);
        assertEquals("notifier", processing.name());
        assertEquals(List.of(), lines);
    }

    @Test
    void thePreviousGenerationFollowsLiveEventsInSuppress() {
        states.activate("notifier", "g0", "g1");
        EventEnvelope a1 = append("a", "1");
        assertEquals(List.of(), processing.apply(List.of(Projection.Item.appended("s1", "1", List.of(a1))), lines::add));
        assertEquals(1, sent.size(), "sent from the active generation only");
        assertEquals(Optional.of(1L), count("g1", "a"));
        assertEquals(Optional.of(1L), count("g0", "a"));
        assertEquals(1L, counted.get("GatewaySuppressed/mail"));
    }

    @Test
    void aBuildingGenerationFollowsInItsReplaysModeAndOneNoReplayBuildsIsSkipped() {
        replays.create(rebuild("r1", "g1", "suppress", ReplayStatus.RUNNING));
        states.startBuilding("notifier", "g1");
        states.startBuilding("notifier", "g2");
        EventEnvelope a1 = append("a", "1");
        assertEquals(List.of(), processing.apply(List.of(Projection.Item.appended("s1", "1", List.of(a1))), lines::add));
        assertEquals(1, sent.size());
        assertEquals(Optional.of(1L), count("g1", "a"));
        assertEquals(Optional.empty(), count("g2", "a"));
        assertEquals(List.of("notifier: generation g2 is being built but no replay builds it; live events skip it"), lines);
    }

    @Test
    void aLiveFailureIsRetriedAndNotFollowedByTheOtherGenerations() {
        states.activate("notifier", "g0", "g1");
        EventEnvelope a1 = append("a", "bug"), b1 = append("b", "1");
        List<String> retry = processing.apply(List.of(Projection.Item.appended("s1", "1", List.of(a1)),
                Projection.Item.appended("s1", "2", List.of(b1))), lines::add);
        assertEquals(List.of("1"), retry);
        assertTrue(lines.get(0).startsWith("notifier: 1 records to retry: "), lines.toString());
        assertEquals(Optional.empty(), count("g0", "a"));
        assertEquals(Optional.of(1L), count("g0", "b"));
        assertEquals(Optional.of(1L), count("g1", "b"));
    }

    @Test
    void playbackRecordsForThisProcessorAreAppliedInTheirReplaysModeAndMarked() {
        replays.create(rebuild("r1", "g1", "suppress", ReplayStatus.RUNNING));
        EventEnvelope a1 = append("a", "1"), a2 = append("a", "1");
        List<String> retry = processing.apply(List.of(
                Projection.Item.playback("s1", "5", new PlaybackRecord("r1", "g1", List.of("notifier"), List.of(a1, a2))),
                Projection.Item.playback("s1", "6", new PlaybackRecord("r1", "g1", List.of("other"), List.of(append("b", "1"))))), lines::add);
        assertEquals(List.of(), retry);
        assertEquals(List.of(), sent);
        assertEquals(Optional.of(2L), count("g1", "a"));
        assertEquals(Optional.empty(), count("g1", "b"));
        assertEquals("5", replays.appliedShards("r1", "notifier", List.of("s1")).get("s1").sequenceNumber());
        assertEquals(2L, counted.get("GatewaySuppressed/mail"));
    }

    @Test
    void aFailedPlaybackRecordIsRetriedWithTheLaterRecordsOfItsAggregate() {
        replays.create(rebuild("r1", "g1", "suppress", ReplayStatus.RUNNING));
        EventEnvelope a1 = append("a", "bug"), a2 = append("a", "1"), b1 = append("b", "1");
        List<String> retry = processing.apply(List.of(
                Projection.Item.playback("s1", "1", new PlaybackRecord("r1", "g1", List.of("notifier"), List.of(a1))),
                Projection.Item.playback("s1", "2", new PlaybackRecord("r1", "g1", List.of("notifier"), List.of(b1))),
                Projection.Item.playback("s1", "3", new PlaybackRecord("r1", "g1", List.of("notifier"), List.of(a2)))), lines::add);
        assertEquals(List.of("1", "3"), retry.stream().sorted().toList());
        assertTrue(lines.get(0).startsWith("notifier: playback record 1 of replay r1 failed: "), lines.toString());
        assertEquals(Optional.of(1L), count("g1", "b"));
        assertEquals(Optional.empty(), count("g1", "a"));
    }

    @Test
    void recordsOfAnEndedReplayCauseNothing() {
        replays.create(rebuild("r1", "g1", "allow:mail", ReplayStatus.ABORTED));
        EventEnvelope a1 = append("a", "1");
        assertEquals(List.of(), processing.apply(List.of(
                Projection.Item.playback("s1", "1", new PlaybackRecord("r1", "g1", List.of("notifier"), List.of(a1), "allow:mail", "fail"))), lines::add));
        assertEquals(List.of(), sent);
        assertEquals(Optional.empty(), count("g1", "a"));
    }

    @Test
    void aReplayAllowedToReachTheGatewaySends() {
        replays.create(rebuild("r1", "g1", "allow:mail", ReplayStatus.RUNNING));
        EventEnvelope a1 = append("a", "1");
        processing.apply(List.of(Projection.Item.playback("s1", "1",
                new PlaybackRecord("r1", "g1", List.of("notifier"), List.of(a1), "allow:mail", "fail"))), lines::add);
        assertEquals(1, sent.size());
        assertEquals(1L, counted.get("GatewaySends/mail"));
    }

    @Test
    void aReplayRunsItsGatewayInAReplayModeOnly() {
        GatewayReplay replay = new GatewayReplay(new Notifier("notifier"),
                new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog()), log, states, CATALOG);
        EventEnvelope a1 = append("a", "1"), a2 = append("a", "1"), b1 = append("b", "1");
        assertEquals("notifier", replay.processorName());
        assertThrows(IllegalArgumentException.class, () -> replay.apply("r1", "g1", GatewayRun.live(), List.of(a1)));
        assertThrows(IllegalArgumentException.class, () -> replay.rebuild("r1", "g1", GatewayRun.live(), "a"));
        assertEquals("replayed event x has no version", assertThrows(IllegalArgumentException.class,
                () -> replay.apply("r1", "g1", GatewayRun.replay("r1", GatewayMode.SUPPRESS, MissingRecord.FAIL), List.of(added("x", "a", "1")))).getMessage());
        GatewayReplay.Result r = replay.apply("r1", "g1", GatewayRun.replay("r1", GatewayMode.SUPPRESS, MissingRecord.FAIL), List.of(a2, b1, a1));
        assertEquals(2, r.aggregates());
        assertEquals(Optional.of(2L), count("g1", "a"));
        assertEquals("suppress", r.toJson().path("gatewayMode").asText());
        assertEquals("r1", r.toJson().path("replayId").asText());
        assertEquals("notifier", r.toJson().path("processor").asText());
        assertEquals(2, r.toJson().path("aggregates").asInt());
        assertEquals(List.of(), sent);
        GatewayReplay.Result whole = replay.rebuild("r2", "g2", GatewayRun.replay("r2", GatewayMode.SUPPRESS, MissingRecord.FAIL), "a");
        assertEquals(1, whole.aggregates());
        assertEquals(Optional.of(2L), count("g2", "a"));
        EventEnvelope ghost = added("a-9", "a", "1").withVersion(9);
        IllegalStateException gap = assertThrows(IllegalStateException.class,
                () -> replay.apply("r3", "g3", GatewayRun.replay("r3", GatewayMode.SUPPRESS, MissingRecord.FAIL), List.of(ghost)));
        assertTrue(gap.getMessage().startsWith("replay r3: events table does not hold version 9 of a (at "), gap.getMessage());
        GatewayReplay.Result fromRecord = replay.apply(new PlaybackRecord("r4", "g4", List.of("notifier"), List.of(b1)));
        assertEquals("suppress", fromRecord.mode());
        assertEquals(Optional.of(1L), states.load("notifier", "g4", "b").map(ProcessorState::state).map(JsonNode::asLong));
    }

    @Test
    void aReplayBatchReadsTheStoredStatesOfItsAggregatesInOneBulkRead() {
        CountedReads reads = new CountedReads(states);
        GatewayReplay replay = new GatewayReplay(new Notifier("notifier"),
                new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog()), log, reads, CATALOG);
        EventEnvelope a1 = append("a", "1"), a2 = append("a", "1"), b1 = append("b", "1"), c1 = append("c", "1");
        GatewayRun run = GatewayRun.replay("r1", GatewayMode.SUPPRESS, MissingRecord.FAIL);
        replay.apply("r1", "g1", run, List.of(a1));
        reads.recent.clear();

        replay.apply("r1", "g1", run, List.of(b1, a2, c1));

        assertEquals(Optional.of(2L), count("g1", "a"));
        assertEquals(Optional.of(1L), count("g1", "b"));
        assertEquals(Optional.of(1L), count("g1", "c"));
        assertEquals(List.of(java.util.Set.of("a", "b", "c")), reads.recent);
        assertEquals(List.of(), reads.single, "no aggregate read one by one");
    }

    @Test
    void aRecordsBadGatewayPolicyIsNamedByItsField() {
        EventEnvelope a1 = append("a", "1");
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> GatewayReplay.runOf(new PlaybackRecord("r", "g", List.of("notifier"), List.of(a1), "sideways", "fail")));
        assertTrue(mode.getMessage().startsWith("playback record field 'gatewayMode': "), mode.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> GatewayReplay.runOf(new PlaybackRecord("r", "g", List.of("notifier"), List.of(a1), "diff", "maybe")));
        assertTrue(missing.getMessage().startsWith("playback record field 'missingRecords': "), missing.getMessage());
        GatewayRun run = GatewayReplay.runOf(new PlaybackRecord("r", "g", List.of("notifier"), List.of(a1), "diff", "live"));
        assertEquals(GatewayMode.DIFF, run.mode());
        assertEquals(MissingRecord.LIVE, run.missing());
    }
}

package dev.playback.lambdas.replay;

import dev.playback.model.replay.ReplayPorts;
import dev.playback.model.replay.ReplayProcessor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.playback.Projection;
import dev.playback.lambdas.pump.PumpHandler;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.Appender;
import dev.playback.model.store.memory.InMemoryEventIndex;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryPlaybackStream;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import dev.playback.model.replay.ForwardingReplayStore;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.SegmentCheckpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The replay function on in-memory ports, with the live projection and a stand-in for the state
 * machines (publish loop per segment, continue-as-new, drain wait) driven step by step.
 */
public final class ReplayWorld {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    final InMemoryEventLog log = new InMemoryEventLog();
    final InMemoryStateStore states = new InMemoryStateStore();
    final InMemoryReplayStore replays = new InMemoryReplayStore();
    final InMemoryEventIndex index = new InMemoryEventIndex(log);
    final InMemoryPlaybackStream stream = new InMemoryPlaybackStream(2);
    final InMemoryPayloadStore reports = new InMemoryPayloadStore();
    final InMemorySnapshotStore snapshotStore = new InMemorySnapshotStore();
    /** Snapshots every 100 events (none in the small worlds of these tests unless a test takes one). */
    final Snapshots snapshots = new Snapshots(snapshotStore, log, Ledger.catalog(), SnapshotPolicy.defaults(), (m, p, n) -> {
    }, line -> {
        throw new AssertionError(line);
    });
    final Projector<?> balances = new Projector<>(new BalancesProjection(), log, states, Ledger.catalog(), snapshots);
    final Projection projection = new Projection(List.of(balances), states, replays, Runnable::run);
    /** Set to make the next checkpoint write fail, as if the function died right after publishing a batch. */
    volatile boolean crashBeforeNextCheckpoint;
    /** Set to make the next checkpoint write fail with this error, as a DynamoDB call can. */
    volatile RuntimeException failNextCheckpointWith;
    private final ReplayStore crashing = new ForwardingReplayStore(replays) {
        @Override
        public void saveCheckpoint(SegmentCheckpoint checkpoint) {
            RuntimeException failure = failNextCheckpointWith;
            if (failure != null) {
                failNextCheckpointWith = null;
                throw failure;
            }
            if (crashBeforeNextCheckpoint) {
                crashBeforeNextCheckpoint = false;
                throw new IllegalStateException("function killed before its checkpoint");
            }
            replays.saveCheckpoint(checkpoint);
        }
    };
    final ReplayPorts ports;
    final ReplayHandler handler;
    private final AtomicLong liveSeq = new AtomicLong();
    int executions;

    ReplayWorld() {
        this(UnaryOperator.identity(), UnaryOperator.identity(), Duration.ZERO);
    }

    /**
     * A world whose replay function sees the replay store and the state store through {@code replaysSeen} and
     * {@code statesSeen} (to stage a race), and publishes for {@code publishBudget} per call (zero: one batch).
     */
    ReplayWorld(UnaryOperator<ReplayStore> replaysSeen, UnaryOperator<StateStore> statesSeen, Duration publishBudget) {
        ports = new ReplayPorts(List.of(ReplayProcessor.of(balances)), log, index, index, statesSeen.apply(states),
                replaysSeen.apply(crashing), stream, reports, Clock.fixed(NOW, ZoneOffset.UTC), publishBudget);
        handler = new ReplayHandler(ports);
    }

    /** Appends the events and projects what the pump publishes: the appended events, with their versions. */
    void live(EventEnvelope... events) {
        List<EventEnvelope> sent = List.of(events);
        List<EventEnvelope> feed = PumpHandler.appended(sent, new Appender(log).append(sent, NOW));
        Projection.Result r = projection.apply(List.of(Projection.Item.appended("shardId-000000000000", Long.toString(liveSeq.incrementAndGet()), feed)));
        if (!r.failures().isEmpty()) throw new AssertionError("live projection failed: " + r.reasons());
    }

    /** Delivers what is on the playback stream to the projection, in stream order. */
    void deliverPlayback() {
        List<Projection.Item> items = new ArrayList<>();
        for (InMemoryPlaybackStream.Entry e : stream.drain()) items.add(Projection.Item.playback(e.shardId(), e.sequenceNumber(), e.record()));
        Projection.Result r = projection.apply(items);
        if (!r.failures().isEmpty()) throw new AssertionError("playback projection failed: " + r.reasons());
    }

    JsonNode call(Map<String, Object> input) {
        return EventCodec.JSON.valueToTree(handler.handleRequest(input, null));
    }

    public static Map<String, Object> input(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    JsonNode prepare(String kind, Map<String, Object> request) {
        return call(input("action", "prepare", "kind", kind, "request", request));
    }

    /** One execution of replay.asl.json up to Progress: the Map of publish loops. Returns allPublished. */
    boolean publishExecution(JsonNode prepared) {
        executions++;
        for (JsonNode segment : prepared.get("segments")) {
            JsonNode state = EventCodec.JSON.valueToTree(input("replayId", prepared.get("replayId").asText(),
                    "segment", segment.asInt(), "round", 0, "maxRounds", prepared.get("maxRounds").asInt()));
            while (true) {
                state = call(input("action", "publish", "replayId", state.get("replayId").asText(), "segment", state.get("segment").asInt(),
                        "round", state.get("round").asInt(), "maxRounds", state.get("maxRounds").asInt()));
                if (state.get("done").asBoolean() || state.get("round").asInt() >= state.get("maxRounds").asInt()) break;
            }
        }
        return call(input("action", "progress", "replayId", prepared.get("replayId").asText())).get("allPublished").asBoolean();
    }

    /** The whole state machine: prepare, publish (continuing as new as often as needed), drain, finish. */
    JsonNode run(String kind, Map<String, Object> request) {
        JsonNode prepared = prepare(kind, request);
        String replayId = prepared.get("replayId").asText();
        while (!publishExecution(prepared)) prepared = prepare(kind, input("replayId", replayId));
        deliverPlayback();
        JsonNode drain = call(input("action", "drained", "replayId", replayId));
        if (!drain.get("drained").asBoolean()) throw new AssertionError("not drained: " + drain);
        return call(input("action", "finish", "replayId", replayId));
    }

    ProcessorState state(String generation, String aggregateId) {
        return states.load(BalancesProjection.NAME, generation, aggregateId)
                .orElseThrow(() -> new AssertionError("no state of " + aggregateId + " in " + generation));
    }

    String balance(String generation, String aggregateId) {
        return state(generation, aggregateId).state().path("balance").asText();
    }

    /** Overwrites the stored balance (what a bug in earlier code would have left behind). */
    void corrupt(String generation, String aggregateId, String balance) {
        ProcessorState s = state(generation, aggregateId);
        var changed = s.state().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) changed).put("balance", balance);
        states.save(new ProcessorState(s.processor(), s.generation(), s.aggregateId(), s.version(), changed), s.version());
    }
}

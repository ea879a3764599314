package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.playback.Projection;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.Appender;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.memory.InMemoryEventIndex;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryPlaybackStream;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.playback.model.event.Envelopes.json;

/**
 * The replay core on in-memory ports with two counter processors ({@code count}: events and total; {@code tally}: the
 * same with an external-effects flag, so that its replays write gateway reports), driven one action at a time as the
 * state machines drive them. Live events are appended and projected into the active generation; what a replay puts on
 * the playback stream reaches the processors when a test delivers it.
 */
final class CounterReplays {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final String COUNT = "count";
    static final String TALLY = "tally";
    static final EventCatalog CATALOG = new EventCatalog(List.of(type("CounterCreated"), type("CounterAdded"), type("CounterRemoved")));

    final InMemoryEventLog log = new InMemoryEventLog();
    final InMemoryStateStore states = new InMemoryStateStore();
    final InMemoryReplayStore replays = new InMemoryReplayStore();
    final InMemoryEventIndex index = new InMemoryEventIndex(log);
    final InMemoryPlaybackStream stream = new InMemoryPlaybackStream(2);
    final InMemoryPayloadStore reports = new InMemoryPayloadStore();
    /** The runs the tally processor was given, in order. */
    final List<GatewayRun> tallyRuns = new ArrayList<>();
    /** The factor the processors multiply amounts by: changing it is new logic. */
    long factor = 1;
    final Projector<?> count = new Projector<>(new Counter(COUNT), log, states, CATALOG);
    final Projector<?> tally = new Projector<>(new Counter(TALLY), log, states, CATALOG);
    final Projection projection = new Projection(List.of(count, tally), states, replays, Runnable::run);
    final ReplayPorts ports;
    final ReplayActions actions;
    private long liveSequence;

    CounterReplays() {
        this(Duration.ZERO, false);
    }

    CounterReplays(Duration publishBudget, boolean eventReplaysMaySend) {
        ReplayProcessor effectful = new ReplayProcessor() {
            @Override
            public String name() {
                return TALLY;
            }

            @Override
            public boolean hasExternalEffects() {
                return true;
            }

            @Override
            public Projector<?> projector(GatewayRun run, GatewayReport report) {
                tallyRuns.add(run);
                return tally;
            }

            @Override
            public Projector<?> comparing(String replayId) {
                return tally;
            }
        };
        ports = new ReplayPorts(List.of(ReplayProcessor.of(count), effectful), log, index, index, states, replays, stream, reports,
                Clock.fixed(NOW, ZoneOffset.UTC), publishBudget);
        actions = new ReplayActions(ports, eventReplaysMaySend);
    }

    private static EventType type(String name) {
        return new EventType() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void validate(ObjectNode payload) {
            }
        };
    }

    /** Replay actions on this world's ports that see the replay store and the state store through others (to stage a race). */
    ReplayActions seeing(ReplayStore replaysSeen, dev.playback.model.store.StateStore statesSeen, Duration publishBudget) {
        return new ReplayActions(new ReplayPorts(ports.processors(), log, index, index, statesSeen, replaysSeen, stream, reports, ports.clock(),
                publishBudget));
    }

    /** Appends the events and applies what was appended to the live generations, as pump and projection do. */
    void live(EventEnvelope... events) {
        List<EventEnvelope> appended = new ArrayList<>();
        var outcomes = new Appender(log).append(List.of(events), NOW);
        for (int i = 0; i < events.length; i++) {
            if (outcomes.get(i) instanceof dev.playback.model.store.AppendOutcome.Appended a) appended.add(events[i].withVersion(a.version()));
        }
        Projection.Result r = projection.apply(List.of(Projection.Item.appended("shardId-000000000000", Long.toString(++liveSequence), appended)));
        if (!r.failures().isEmpty()) throw new AssertionError("live projection failed: " + r.reasons());
    }

    /** Delivers what is on the playback stream to the processors. */
    void deliver() {
        List<Projection.Item> items = new ArrayList<>();
        for (InMemoryPlaybackStream.Entry e : stream.drain()) items.add(Projection.Item.playback(e.shardId(), e.sequenceNumber(), e.record()));
        Projection.Result r = projection.apply(items);
        if (!r.failures().isEmpty()) throw new AssertionError("playback failed: " + r.reasons());
    }

    /** Publishes every segment of a prepared replay to the end. */
    void publishAll(JsonNode prepared) {
        ReplayRuns.publishAll(actions, prepared);
    }

    /** Prepare, publish, deliver, drained, finish. */
    ObjectNode run(String kind, ObjectNode request) {
        JsonNode prepared = actions.prepare(kind, request);
        publishAll(prepared);
        deliver();
        String replayId = prepared.get("replayId").asText();
        if (!actions.drained(replayId).get("drained").asBoolean()) throw new AssertionError("not drained");
        return actions.finish(replayId);
    }

    ProcessorState state(String processor, String generation, String aggregateId) {
        return states.load(processor, generation, aggregateId).orElseThrow(() -> new AssertionError("no " + processor + " state of " + aggregateId + " in " + generation));
    }

    static ObjectNode request(String json) {
        return json(json);
    }

    /** Counts events and sums the amounts of CounterAdded (minus CounterRemoved), times the world's factor. */
    final class Counter implements Processor<long[]> {
        private final String name;

        Counter(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long[] initial(String aggregateId) {
            return new long[]{0, 0};
        }

        @Override
        public long[] apply(long[] s, EventEnvelope e) {
            long cents = e.payload().has("amount") ? new BigDecimal(e.payload().get("amount").asText()).movePointRight(2).longValueExact() : 0;
            if (e.type().equals("CounterRemoved")) cents = -cents;
            return new long[]{s[0] + 1, s[1] + factor * cents};
        }

        @Override
        public JsonNode encode(long[] s) {
            return JsonNodeFactory.instance.objectNode().put("events", s[0]).put("cents", s[1]);
        }

        @Override
        public long[] decode(JsonNode json) {
            return new long[]{json.get("events").asLong(), json.get("cents").asLong()};
        }
    }
}
